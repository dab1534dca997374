"""The three EU taxonomies of the observatory: NACE Rev. 2, NABS 2007, industrial ecosystems.

The lowest layer: standard library only. Built-in data ships in ``taxonomies/data``; richer
versions imported from Eurostat's official files (see ``taxonomies.eurostat``) are saved as
overlays and served by ``load(name, overlay_dir=...)`` instead.
"""

from taxonomies.codes import Code
from taxonomies.crosswalk import ecosystem_nace_crosswalk, nace_ecosystems
from taxonomies.errors import (
    TaxonomyError,
    TaxonomyFileError,
    TaxonomyValidationError,
    UnknownCode,
    UnknownTaxonomy,
)
from taxonomies.loader import available, canonical_name, load, overlay_path, save
from taxonomies.model import Taxonomy

__all__ = [
    "Code",
    "Taxonomy",
    "TaxonomyError",
    "TaxonomyFileError",
    "TaxonomyValidationError",
    "UnknownCode",
    "UnknownTaxonomy",
    "available",
    "canonical_name",
    "ecosystem_nace_crosswalk",
    "load",
    "nace_ecosystems",
    "overlay_path",
    "save",
]
