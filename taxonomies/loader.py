"""Loading the built-in taxonomies, merging imported overlays, and saving atomically."""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from taxonomies.codes import Code
from taxonomies.errors import TaxonomyError, UnknownTaxonomy
from taxonomies.keywords import (
    LanguageKeywords,
    fingerprint,
    read_keyword_files,
    with_language_keywords,
)
from taxonomies.model import CROSSWALK_KEYS, Taxonomy

DATA_DIR = Path(__file__).resolve().parent / "data"
KEYWORDS_DIR = DATA_DIR / "keywords"
BUILT_IN_FILES = {"nace": "nace_rev2.json", "nabs": "nabs2007.json", "ecosystem": "ecosystems.json"}
_ALIASES = {"ecosystems": "ecosystem", "nace2": "nace", "nace_rev2": "nace", "nabs2007": "nabs"}

# Parsed and validated taxonomies keyed by (path, mtime_ns, size); callers get copies.
_cache: dict[tuple[Any, ...], Taxonomy] = {}
_cache_lock = threading.Lock()
# The keyword files, read once for the three taxonomies, keyed by the folder's fingerprint.
_keywords: dict[tuple[Any, ...], LanguageKeywords] = {}


def canonical_name(name: str) -> str:
    """The canonical taxonomy name ('ecosystems' -> 'ecosystem'); raises UnknownTaxonomy."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in BUILT_IN_FILES:
        raise UnknownTaxonomy(name, BUILT_IN_FILES)
    return key


def available() -> list[str]:
    """Names of the taxonomies that ``load`` accepts."""
    return sorted(BUILT_IN_FILES)


def overlay_path(name: str, overlay_dir: Path) -> Path:
    """Where the imported version of a taxonomy lives inside ``overlay_dir``."""
    return Path(overlay_dir) / f"{canonical_name(name)}.json"


def load(name: str, *, overlay_dir: Path | None = None) -> Taxonomy:
    """The taxonomy ``name`` ("nace", "nabs", "ecosystem"): the imported overlay when present.

    An overlay keeps its own levels, notes and labels; the built-in descriptions and keywords
    are merged into it where it has none. Each call returns a new object.
    """
    key = canonical_name(name)
    built_in = _cached(DATA_DIR / BUILT_IN_FILES[key], "built-in")
    overlay_file = overlay_path(key, overlay_dir) if overlay_dir is not None else None
    if overlay_file is None or not overlay_file.is_file():
        if key == "ecosystem" and overlay_dir is not None:
            _validate_crosswalk(built_in, overlay_dir)
        return built_in.copy()
    merged = _cached(overlay_file, "overlay", built_in=built_in)
    if key == "ecosystem":
        _validate_crosswalk(merged, overlay_dir)
    return merged.copy()


def _validate_crosswalk(ecosystems: Taxonomy, overlay_dir: Path | None) -> None:
    """Check ecosystem compositions against the imported NACE of the same version, if any.

    The compositions are written in NACE Rev. 2 codes; an imported Rev. 2.1 cannot check
    them (codes moved), so they stay checked against the built-in Rev. 2 only.
    """
    if overlay_dir is None or not overlay_path("nace", overlay_dir).is_file():
        return
    nace = load("nace", overlay_dir=overlay_dir)
    if nace.version == ecosystems.provenance.get("nace_version", nace.version):
        ecosystems.validate({"nace": nace})


def _cached(path: Path, kind: str, *, built_in: Taxonomy | None = None) -> Taxonomy:
    try:
        stat = path.stat()
    except OSError as exc:
        raise TaxonomyError(f"cannot read taxonomy file {path}: {exc.strerror}") from exc
    keywords_state = fingerprint(KEYWORDS_DIR)
    key = (str(path), stat.st_mtime_ns, stat.st_size, kind, keywords_state)
    with _cache_lock:
        found = _cache.get(key)
    if found is not None:
        return found
    taxonomy = _read(path)
    if built_in is None:
        taxonomy = with_language_keywords(taxonomy, _language_keywords(keywords_state))
    else:
        if taxonomy.name != built_in.name:
            raise TaxonomyError(f"{path} holds {taxonomy.name!r}, expected {built_in.name!r}")
        taxonomy = merge_descriptions(taxonomy, built_in)
    # The ecosystems' crosswalk is checked against the built-in NACE here, against an
    # imported NACE in load().
    taxonomy.validate(built_in_references(taxonomy))
    with _cache_lock:
        for stale in [k for k in _cache if k[0] == key[0] and k[3] == kind]:
            del _cache[stale]
        _cache[key] = taxonomy
    return taxonomy


def _language_keywords(state: tuple[Any, ...]) -> LanguageKeywords:
    """The keyword files as they are in ``state`` (read once per state, not per taxonomy)."""
    with _cache_lock:
        found = _keywords.get(state)
    if found is None:
        found = read_keyword_files(KEYWORDS_DIR)
        with _cache_lock:
            _keywords.clear()
            _keywords[state] = found
    return found


def built_in_references(taxonomy: Taxonomy) -> dict[str, Taxonomy]:
    """The built-in taxonomies that ``taxonomy``'s crosswalk codes must exist in (for validate)."""
    used = {key for key in CROSSWALK_KEYS for code in taxonomy if key in code.extra}
    return {key: _cached(DATA_DIR / BUILT_IN_FILES[key], "built-in") for key in sorted(used)}


def _read(path: Path) -> Taxonomy:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TaxonomyError(f"cannot read taxonomy file {path}: {exc}") from exc
    return Taxonomy.from_dict(data)


def merge_descriptions(overlay: Taxonomy, built_in: Taxonomy) -> Taxonomy:
    """A copy of ``overlay`` with the built-in descriptions/keywords where it has none.

    Same version: matched by code. Another version (NACE 2.1 over our Rev. 2 texts): matched
    where level and English title are identical, or where the code is unchanged and the titles
    share their content words, since some codes were reassigned.
    """
    same_version = overlay.version == built_in.version
    by_title = {(c.level, _title_key(c.title)): c for c in built_in}
    merged: list[Code] = []
    matched = 0
    for code in overlay:
        source = built_in.get(code.code) if same_version else None
        if source is None or source.level != code.level:
            source = by_title.get((code.level, _title_key(code.title)))
        if source is None and not same_version:
            # A lightly retitled code keeps its number ('Telecommunications' ->
            # 'Telecommunication'); a reassigned one (section J) has an unrelated title.
            candidate = built_in.get(code.code)
            if (
                candidate
                and candidate.level == code.level
                and similar_titles(candidate.title, code.title)
            ):
                source = candidate
        if source is None or (code.description and code.keywords and code.keywords_by_language):
            merged.append(code)
            continue
        matched += 1
        merged.append(
            Code(
                code=code.code,
                level=code.level,
                parent=code.parent,
                title=code.title,
                description=code.description or source.description,
                keywords=code.keywords or source.keywords,
                labels=code.labels,
                notes=code.notes,
                notes_by_language=code.notes_by_language,
                keywords_by_language=code.keywords_by_language or source.keywords_by_language,
                extra={**dict(source.extra), **dict(code.extra)},
            )
        )
    provenance: dict[str, Any] = dict(overlay.provenance)
    provenance["descriptions"] = (
        f"{matched} descriptions merged from the built-in {built_in.title} "
        f"({'by code' if same_version else 'by code and matching title'}); "
        f"{built_in.provenance.get('descriptions', '')}"
    )
    return Taxonomy(
        overlay.name, overlay.version, overlay.title, overlay.levels, merged, provenance
    )


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


_STOP_WORDS = frozenset({"and", "of", "the", "other", "n.e.c", "related", "except", "for"})


def _content_words(title: str) -> set[str]:
    words = re.findall(r"[a-z][a-z.\-]*", title.casefold())
    return {w.rstrip("s") for w in words if w not in _STOP_WORDS}


def similar_titles(first: str, second: str, *, threshold: float = 0.6) -> bool:
    """Whether two titles share most content words of the shorter one (plurals folded)."""
    a, b = _content_words(first), _content_words(second)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold


def save(taxonomy: Taxonomy, path: Path) -> None:
    """Write a taxonomy as JSON atomically (temporary file in the same folder + os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(taxonomy.to_dict(), ensure_ascii=False, indent=1)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
