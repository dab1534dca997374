"""Checking the codes a reviewer gives against the served taxonomy."""

from __future__ import annotations

from collections.abc import Iterable

import taxonomies
from observatory.errors import InvalidInput
from observatory.settings import load_settings
from taxonomies.errors import TaxonomyError, UnknownCode


def validate_codes(taxonomy: str, codes: Iterable[str]) -> list[str]:
    """Normalise codes against the taxonomy (deduplicated, order kept); NACE codes must be at
    division level or finer."""
    try:
        overlay = load_settings().taxonomy_dir
        loaded = taxonomies.load(taxonomy, overlay_dir=overlay if overlay.is_dir() else None)
    except TaxonomyError as exc:
        raise InvalidInput(f"cannot load taxonomy {taxonomy!r}: {exc}") from None
    valid: list[str] = []
    problems: list[str] = []
    for raw in codes:
        try:
            code = loaded.normalize(str(raw).strip())
        except UnknownCode:
            problems.append(f"unknown {taxonomy} code {raw!r}")
            continue
        if taxonomy == "nace" and loaded.level_of(code) == "section":
            problems.append(f"NACE code {raw!r} is a section; give a division or finer")
            continue
        if code not in valid:
            valid.append(code)
    if problems:
        raise InvalidInput("; ".join(problems), errors=problems)
    return valid
