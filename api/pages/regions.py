"""Region pages (``/regions/{nuts}``) and the side-by-side comparison (``/compare``).

A territory's priorities are those of the current strategies whose NUTS code starts with its
code (the search filter), so a country page gathers its regions. Profiles count tags with the
search facets' definition, and partner suggestions come from the matching service with its
explanations (shared codes with their weights, the most similar pairs of priorities).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from fastapi import APIRouter, Request, Response

from api.deps import MatchingDep, SearchDep, StateDep
from api.pages.names import Names, load_names
from api.pages.rendering import HTMLRoute, render
from api.pages.search import nace_level
from observatory.errors import InvalidInput, NotFound
from observatory.matching import MatchingService, PartnerMatch
from observatory.search import Catalog, facet_counts, filter_mask, make_filters

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

NUTS_PATTERN = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
PARTNER_LIMIT = 8
CHARTS = (
    ("nace", "NACE Rev. 2 sections"),
    ("nabs", "NABS 2007 chapters"),
    ("ecosystem", "Industrial ecosystems"),
)


def normalise_code(code: str) -> str:
    """Upper-case and check a NUTS code (two letters and up to three more characters)."""
    value = code.strip().upper()
    if not NUTS_PATTERN.match(value):
        raise InvalidInput(f"{code!r} is not a NUTS code (e.g. NL1, FI1C, DE21)")
    return value


def describe(catalog: Catalog, code: str, names: Names) -> dict[str, Any]:
    """What a region column shows: name, strategies, priorities and profile charts."""
    mask = filter_mask(catalog, make_filters(nuts=[code]))
    assert mask is not None
    rows = catalog.order("strategy")
    rows = rows[mask[rows]]
    if not len(rows) and names.region(code) == "":
        raise NotFound(f"no region {code} in the NUTS registry and no priorities stored for it")
    strategies = [catalog.strategies[int(s)] for s in dict.fromkeys(catalog.strategy_ids[rows])]
    exact = [s.region for s in strategies if s.nuts_code == code and s.region]
    return {
        "code": code,
        "name": names.region(code) or (exact[0] if exact else "") or code,
        "size": len(rows),
        "strategies": strategies,
        "priorities": [
            {
                "id": int(catalog.ids[row]),
                "title": catalog.titles[row],
                "nuts_code": catalog.nuts.value(row),
                "strategy_title": catalog.strategies[int(catalog.strategy_ids[row])].title,
            }
            for row in rows
        ],
        "charts": chart_rows(catalog, mask, len(rows), names),
    }


def chart_rows(catalog: Catalog, mask: np.ndarray, size: int, names: Names) -> list[dict[str, Any]]:
    """Bar-chart rows per taxonomy: NACE sections, NABS chapters, ecosystems."""
    counts = facet_counts(catalog, mask)
    charts = []
    for taxonomy, title in CHARTS:
        rows = [
            {
                "code": code,
                "title": names.code(taxonomy, code),
                "count": count,
                "share": count / max(size, 1),
            }
            for code, count in counts.get(taxonomy, [])
            if taxonomy != "nace" or nace_level(names, code) == "section"
        ]
        charts.append({"taxonomy": taxonomy, "title": title, "rows": rows})
    return charts


def partner_matches(matching: MatchingService, code: str, limit: int) -> list[PartnerMatch]:
    """Partners of a stored region; for a wider territory (a country, a NUTS 1 code), regions
    matching the scope of the stored regions under it. Regions inside or above it are left out."""
    _catalog, profiles = matching.profiles()
    inside = [region for region in profiles.regions if region.startswith(code)]
    if code in profiles.region_index:
        matches = matching.partners(code, limit=limit + len(inside))
    elif inside:
        matches = matching.candidates(inside, limit=limit + len(inside))
    else:
        return []
    related = {m.region for m in matches if m.region.startswith(code) or code.startswith(m.region)}
    return [m for m in matches if m.region not in related][:limit]


def partner_view(match: PartnerMatch, catalog: Catalog, names: Names) -> dict[str, Any]:
    """A partner with its score and explanation, ready for the template."""

    def title(priority_id: int) -> str:
        row = catalog.row_of(priority_id) if priority_id > 0 else None
        return "" if row is None else catalog.titles[row]

    stored = {s.nuts_code: s.region for s in catalog.strategies.values() if s.region}
    return {
        "code": match.region,
        "name": names.region(match.region) or stored.get(match.region) or match.region,
        "score": match.score,
        "code_score": match.code_score,
        "semantic_score": match.semantic_score,
        "shared": [
            {**shared.__dict__, "title": shared.title or names.code(shared.taxonomy, shared.code)}
            for shared in match.shared_codes
        ],
        "pairs": [
            {
                "query_id": pair.query_priority_id,
                "query_title": title(pair.query_priority_id),
                "candidate_id": pair.candidate_priority_id,
                "candidate_title": title(pair.candidate_priority_id),
                "similarity": pair.similarity,
            }
            for pair in match.similar_pairs
        ],
    }


@router.get("/regions/{nuts}")
def region_page(
    request: Request, state: StateDep, search: SearchDep, matching: MatchingDep, nuts: str
) -> Response:
    """A region's priorities, profile per taxonomy, and partner suggestions."""
    code = normalise_code(nuts)
    names = load_names(state)
    region = describe(search.catalog(), code, names)
    catalog, _profiles = matching.profiles()
    partners = [
        partner_view(match, catalog, names)
        for match in partner_matches(matching, code, PARTNER_LIMIT)
    ]
    return render(
        request,
        "region.html",
        {
            "title": region["name"],
            "section": "compare",
            "region": region,
            "partners": partners,
            "names": names,
        },
    )


@router.get("/compare")
def compare_page(
    request: Request,
    state: StateDep,
    search: SearchDep,
    matching: MatchingDep,
    a: str = "",
    b: str = "",
) -> Response:
    """Two regions side by side and how they match; without both codes, the form to pick."""
    names = load_names(state)
    sides = []
    match = None
    if a.strip() and b.strip():
        codes = [normalise_code(code) for code in (a, b)]
        sides = [describe(search.catalog(), code, names) for code in codes]
        catalog, profiles = matching.profiles()
        found = partner_matches(matching, codes[0], len(profiles.regions))
        pair = next((m for m in found if m.region == codes[1]), None)
        match = partner_view(pair, catalog, names) if pair is not None else None
    return render(
        request,
        "compare.html",
        {
            "title": "Compare regions"
            + (f": {sides[0]['name']} and {sides[1]['name']}" if sides else ""),
            "section": "compare",
            "a": a.strip().upper(),
            "b": b.strip().upper(),
            "sides": sides,
            "match": match,
            "names": names,
        },
    )
