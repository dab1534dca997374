"""S3 Observatory core: domain types, settings, store, review queue, search and matching."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("s3-observatory")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
