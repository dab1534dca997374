"""Cross-taxonomy consistency: which NABS chapters and ecosystems a NACE division points to.

The ecosystem <-> NACE composition comes from the taxonomy files. NABS 2007 has no official
NACE correspondence, so ``NACE_SECTION_TO_NABS`` is our own coarse mapping of where R&D in each
economic section usually lands; it only nudges NABS scores, never decides them.
"""

from __future__ import annotations

from taxonomies import Taxonomy

NACE_SECTION_TO_NABS: dict[str, tuple[str, ...]] = {
    "A": ("08",),
    "B": ("01", "05"),
    "C": ("06",),
    "D": ("05",),
    "E": ("02",),
    "F": ("04",),
    "G": ("06",),
    "H": ("04",),
    "I": ("10",),
    "J": ("04", "10"),
    "K": ("11",),
    "L": ("04",),
    "M": ("13",),
    "N": ("11",),
    "O": ("11", "14"),
    "P": ("09",),
    "Q": ("07",),
    "R": ("10",),
    "S": ("11",),
}
# Divisions whose R&D NABS files away from their section's chapter: food and drink research
# belongs to agriculture (08), software and data to industrial technology (06), media and
# travel to culture and recreation (10).
NACE_DIVISION_TO_NABS: dict[str, tuple[str, ...]] = {
    "01": ("08",), "02": ("08", "02"), "03": ("08",), "10": ("08",), "11": ("08",),
    "19": ("05",), "21": ("07",), "58": ("10", "06"), "59": ("10",), "60": ("10",),
    "62": ("06",), "63": ("06",), "79": ("10",),
    "30": ("06", "03"), "35": ("05",), "36": ("02",), "37": ("02",), "38": ("02",),
    "39": ("02",), "61": ("04",), "72": ("13",), "75": ("08",), "84": ("11",), "85": ("09",),
    "86": ("07",), "87": ("07", "11"), "88": ("11",), "90": ("10",), "91": ("10",),
}  # fmt: skip


def nace_to_nabs(nace: Taxonomy, nabs_codes: list[str]) -> dict[str, list[str]]:
    """NACE division -> NABS chapters (division mapping first, else its section's)."""
    mapping: dict[str, list[str]] = {}
    allowed = set(nabs_codes)
    for division in nace.at_level("division"):
        section = nace.roll_up(division.code, "section")
        chapters = NACE_DIVISION_TO_NABS.get(division.code) or NACE_SECTION_TO_NABS.get(section, ())
        mapping[division.code] = [c for c in chapters if c in allowed]
    return mapping


def nace_to_ecosystems(ecosystems: Taxonomy, nace: Taxonomy) -> dict[str, list[str]]:
    """NACE division -> ecosystem ids, from the ecosystems' NACE composition."""
    from taxonomies.crosswalk import nace_ecosystems

    return nace_ecosystems(ecosystems, nace)
