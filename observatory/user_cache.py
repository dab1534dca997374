"""The user's cache folder for the observatory (XDG Base Directory specification).

``observatory classify-text`` run outside any project keeps its data dir there, and the model
checks (``models.integrity``) remember there which installed model files they have hashed.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_FOLDER = "s3-observatory"  # under $XDG_CACHE_HOME, else ~/.cache


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/s3-observatory``, else ``~/.cache/s3-observatory`` (may not exist)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / CACHE_FOLDER
