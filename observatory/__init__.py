"""S3 Observatory core: domain types, settings, store, review queue, search and matching."""

from __future__ import annotations

from observatory.artefacts import package_version

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # the version is looked up when read (a metadata scan), not by every import of the package
    if name == "__version__":
        return package_version()
    raise AttributeError(f"module 'observatory' has no attribute {name!r}")
