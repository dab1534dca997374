"""Saved artefacts (vector indexes, embedding caches, calibrations): one ``config.json`` each.

Every artefact folder holds a ``config.json`` written here: what the artefact was built from
(model id, dimension, taxonomy versions, fingerprints, parameters) plus when (``built``) and by
which package version. Loading checks the fields the caller depends on and refuses a mismatch
with an error naming the field, so an index, cache or calibration built for one model is never
silently used with another.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from observatory.errors import ConfigurationError, NotFound

CONFIG_FILE = "config.json"
# The one time key of every config.json (indexes and calibrations used it; the cache said
# "created").
TIME_KEY = "built"
PACKAGE_NAME = "s3-observatory"
# Version written when running from a source tree that was never installed.
UNKNOWN_VERSION = "0+unknown"
_UNSAFE_IN_FOLDER_NAMES = re.compile(r"[^A-Za-z0-9._-]+")


@functools.cache  # a metadata look-up scans site-packages (~5 ms); it cannot change in a process
def package_version() -> str:
    """Version of the installed observatory package, or ``UNKNOWN_VERSION``."""
    try:
        return metadata.version(PACKAGE_NAME)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


def slug(name: str) -> str:
    """A folder name for a model id: runs of unsafe characters become ``_`` ('a/b c' -> 'a_b_c')."""
    return _UNSAFE_IN_FOLDER_NAMES.sub("_", name).strip("_") or "model"


def utc_timestamp() -> str:
    """Now, as written into ``config.json`` (ISO 8601, UTC, seconds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def fingerprint(value: Any) -> str:
    """sha256 of ``value``'s canonical JSON (sorted keys): equal content, equal fingerprint.

    ``value`` must be plain JSON data (dicts, lists, tuples, strings, numbers).
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_fingerprint(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def has_config(folder: Path) -> bool:
    """Whether ``folder`` holds a saved artefact."""
    return (Path(folder) / CONFIG_FILE).is_file()


def write_config(folder: Path, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Write ``fields`` plus the build time and package version as ``folder/config.json``.

    The file is replaced atomically, so a reader never sees half a config. Returns what was
    written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {**fields, TIME_KEY: utc_timestamp(), "package_version": package_version()}
    payload = json.dumps(config, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{CONFIG_FILE}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, folder / CONFIG_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return config


def read_config(folder: Path, *, kind: str) -> dict[str, Any]:
    """The ``config.json`` of the ``kind`` artefact in ``folder``.

    Raises NotFound when there is none and ConfigurationError when it cannot be read.
    """
    path = Path(folder) / CONFIG_FILE
    if not path.is_file():
        raise NotFound(f"no saved {kind} in {folder} (missing {CONFIG_FILE})")
    try:
        config = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"cannot read the {kind} config {path}: {exc}") from exc
    if not isinstance(config, dict):
        raise ConfigurationError(f"the {kind} config {path} is not a JSON object")
    return config


def check_compatible(
    config: Mapping[str, Any],
    expected: Mapping[str, Any],
    *,
    folder: Path,
    kind: str,
    remedy: str,
) -> None:
    """Refuse an artefact whose ``config`` differs from ``expected`` in any field.

    Fields expected as None are not checked. The error names the field, both values and what
    to do (``remedy``, e.g. "rebuild the index").
    """
    for name, wanted in expected.items():
        if wanted is None:
            continue
        found = config.get(name)
        if found != wanted:
            raise ConfigurationError(
                f"{kind} in {folder} was built with {name} {found!r}, but {wanted!r} is "
                f"configured; {remedy}"
            )
