"""Build the alternative names of a region from its official label and our alias table."""

from __future__ import annotations

import re

from observatory.regions.text import fold

# How a name belongs to a region; lower ranks win when one name fits several regions.
OFFICIAL = 0
ALTERNATIVE = 1  # our alias table, halves of bilingual labels, Latin transliterations
DERIVED = 2  # the label without administrative prefixes or country qualifiers

_QUALIFIER = re.compile(r"\s*\((?:[A-Z]{2}|England)\)\s*$")
_PREFIXES = ("Prov. ", "Arr. de ", "Arr. van ", "Arr. ", "Provincia Autonoma di ")
_ADMIN_SUFFIXES = (", Kreisfreie Stadt", ", Landkreis", ", Stadtkreis")
_MIN_PART_LENGTH = 3


def bilingual_parts(label: str) -> list[str]:
    """The halves of a bilingual label such as "Région de Bruxelles-Capitale/Brussels ..."."""
    parts = [part.strip() for part in label.split("/")]
    if len(parts) < 2 or any(len(part) < _MIN_PART_LENGTH for part in parts):
        return []
    return parts


def derived_names(label: str) -> list[str]:
    """A label stripped of "Prov."/"Arr." prefixes, "(NL)" qualifiers and district suffixes."""
    result: list[str] = []
    for name in [label, *bilingual_parts(label)]:
        stripped = _QUALIFIER.sub("", name)
        for prefix in _PREFIXES:
            if stripped.startswith(prefix):
                stripped = stripped[len(prefix) :]
                break
        for suffix in _ADMIN_SUFFIXES:
            if stripped.endswith(suffix):
                stripped = stripped[: -len(suffix)]
        if stripped and stripped != name:
            result.append(stripped.strip())
    return result


def ranked_names(
    official: str, alternatives: list[str], derived: list[str]
) -> list[tuple[str, int]]:
    """Names with their rank, without duplicates after folding (the best rank is kept)."""
    seen: set[str] = set()
    ranked: list[tuple[str, int]] = []
    for names, rank in (([official], OFFICIAL), (alternatives, ALTERNATIVE), (derived, DERIVED)):
        for name in names:
            key = fold(name)
            if key and key not in seen:
                seen.add(key)
                ranked.append((name, rank))
    return ranked
