"""Keyword phrases in other languages, shipped as one file per language in data/keywords/.

Our embedding models read English well and a handful of other languages passably; for the
rest (Greek, Hungarian, Finnish, ...) a priority can still meet phrases written in its own
language. Each file ``<language>.json`` maps taxonomy name -> code -> phrases:
``{"language": "fi", "provenance": "...", "nace": {"01": [...]}, "nabs": {...}, ...}``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from taxonomies.errors import TaxonomyError
from taxonomies.model import Taxonomy

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")

# {taxonomy name: {code: {language: phrases}}}
LanguageKeywords = dict[str, dict[str, dict[str, tuple[str, ...]]]]


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a keyword file is added, edited or removed (for caches)."""
    if not directory.is_dir():
        return ()
    return tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(directory.glob("*.json"))
    )


def read_keyword_files(directory: Path) -> LanguageKeywords:
    """All ``<language>.json`` files of ``directory``, checked for shape.

    The folder ships with the package: a missing or empty one means a broken installation
    (a wheel that dropped its data), and is an error rather than taxonomies without phrases.
    """
    found: LanguageKeywords = {}
    paths = sorted(directory.glob("*.json")) if directory.is_dir() else []
    if not paths:
        raise TaxonomyError(
            f"no keyword files in {directory}: the installation is incomplete "
            "(reinstall s3-observatory; its wheel ships taxonomies/data/keywords/*.json)"
        )
    for path in paths:
        language = path.stem
        data = _read(path)
        if data.get("language") != language or not _LANGUAGE.match(language):
            raise TaxonomyError(f"{path}: 'language' must be {language!r}, the file's name")
        for name, by_code in data.items():
            if name in ("language", "provenance"):
                continue
            if not isinstance(by_code, dict):
                raise TaxonomyError(f"{path}: {name!r} must map codes to lists of phrases")
            for code, phrases in by_code.items():
                if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                    raise TaxonomyError(f"{path}: {name} code {code!r} needs a list of phrases")
                cleaned = tuple(dict.fromkeys(p.strip() for p in phrases if p.strip()))
                found.setdefault(name, {}).setdefault(str(code), {})[language] = cleaned
    return found


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TaxonomyError(f"cannot read keyword file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise TaxonomyError(f"{path}: expected a JSON object")
    return data


def with_language_keywords(taxonomy: Taxonomy, keywords: LanguageKeywords) -> Taxonomy:
    """A copy of ``taxonomy`` whose codes carry their phrases in other languages.

    Phrases for codes the taxonomy does not have are an error: a typo would otherwise
    silently leave a code without them.
    """
    by_code = keywords.get(taxonomy.name, {})
    unknown = sorted(set(by_code) - set(taxonomy.codes))
    if unknown:
        raise TaxonomyError(
            f"keyword files name {taxonomy.name} codes that do not exist: {', '.join(unknown)}"
        )
    codes = []
    for code in taxonomy:
        extra = by_code.get(code.code)
        if extra:
            merged = {**dict(code.keywords_by_language), **extra}
            code = dataclasses.replace(code, keywords_by_language=merged)
        codes.append(code)
    return Taxonomy(
        taxonomy.name, taxonomy.version, taxonomy.title, taxonomy.levels, codes,
        dict(taxonomy.provenance),
    )  # fmt: skip
