"""S3 Observatory core: domain types, settings, store, review queue, search and matching."""

from observatory.artefacts import package_version

__version__ = package_version()

__all__ = ["__version__"]
