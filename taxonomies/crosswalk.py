"""The industrial ecosystems <-> NACE Rev. 2 crosswalk at division level."""

from __future__ import annotations

from taxonomies.errors import TaxonomyError
from taxonomies.model import Taxonomy


def ecosystem_nace_crosswalk(ecosystems: Taxonomy, nace: Taxonomy) -> dict[str, list[str]]:
    """Ecosystem id -> the NACE divisions composing it (groups rolled up), in NACE order.

    A division counts once per ecosystem even if the composition lists several of its groups;
    a division may belong to several ecosystems (e.g. 58 to digital and cultural-creative).
    """
    expected = ecosystems.provenance.get("nace_version", nace.version)
    if nace.version != expected:
        raise TaxonomyError(
            f"the ecosystem compositions use NACE Rev. {expected} codes, "
            f"not Rev. {nace.version}: pass the built-in load('nace')"
        )
    order = {code.code: i for i, code in enumerate(nace.at_level("division"))}
    crosswalk: dict[str, list[str]] = {}
    for ecosystem in ecosystems:
        composition = ecosystem.extra.get("nace")
        if not composition:
            raise TaxonomyError(f"ecosystem {ecosystem.code!r} has no NACE composition")
        divisions = {nace.roll_up(str(code), "division") for code in composition}
        crosswalk[ecosystem.code] = sorted(divisions, key=lambda d: order.get(d, len(order)))
    return crosswalk


def nace_ecosystems(ecosystems: Taxonomy, nace: Taxonomy) -> dict[str, list[str]]:
    """The reverse helper: NACE division -> ecosystem ids (divisions in no ecosystem omitted)."""
    reverse: dict[str, list[str]] = {}
    for ecosystem, divisions in ecosystem_nace_crosswalk(ecosystems, nace).items():
        for division in divisions:
            reverse.setdefault(division, []).append(ecosystem)
    order = {code.code: i for i, code in enumerate(nace.at_level("division"))}
    return dict(sorted(reverse.items(), key=lambda item: order.get(item[0], len(order))))
