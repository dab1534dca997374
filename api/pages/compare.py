"""The comparison page (``/compare``): two to four regions side by side, typed by name or code.

``/compare?r=Aragón&r=Bavaria&r=NL1`` (the older ``a=`` and ``b=`` still work). Each pair is
explained in words by the matching service's partner explanation.
"""

from __future__ import annotations

from itertools import combinations
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import MatchingDep, SearchDep, StateDep
from api.pages.names import load_names
from api.pages.partner_words import partner_view
from api.pages.region_input import region_options, resolve_region
from api.pages.regions import describe, partner_matches
from api.pages.rendering import HTMLRoute, render
from observatory.errors import InvalidInput

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

MAX_REGIONS = 4  # columns that stay readable side by side on a desktop screen
Values = Annotated[list[str], Query(max_length=MAX_REGIONS + 2)]


@router.get("/compare")
def compare_page(
    request: Request,
    state: StateDep,
    search: SearchDep,
    matching: MatchingDep,
    r: Values = [],  # noqa: B006 - FastAPI copies query defaults
    a: str = "",
    b: str = "",
) -> Response:
    """Regions side by side and how each pair matches; with fewer than two, the form."""
    names = load_names(state)
    catalog, profiles = matching.profiles()
    typed = [value.strip() for value in [a, b, *r] if value.strip()]
    if len(typed) > MAX_REGIONS:
        raise InvalidInput(f"compare at most {MAX_REGIONS} regions at once")
    codes: list[str] = []
    problems: list[str] = []
    for value in typed:
        try:
            code = resolve_region(value, names, profiles.regions)
        except InvalidInput as exc:
            problems.append(exc.message)
            continue
        if code not in codes:
            codes.append(code)
    sides: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    if len(codes) >= 2 and not problems:
        sides = [describe(search.catalog(), code, names) for code in codes]
        for first, second in combinations(range(len(codes)), 2):
            found = partner_matches(matching, codes[first], len(profiles.regions))
            # a wider territory (Bavaria, DE2) matches through its closest stored region
            match = next((m for m in found if m.region.startswith(codes[second])), None)
            pairs.append(
                {
                    "first": sides[first],
                    "second": sides[second],
                    "match": partner_view(match, catalog, names) if match else None,
                }
            )
    elif typed and not problems:
        problems.append("choose at least two different regions")
    fields = [*typed, *[""] * (MAX_REGIONS - len(typed))][: max(MAX_REGIONS, len(typed))]
    return render(
        request,
        "compare.html",
        {
            "title": "Compare regions"
            + (": " + ", ".join(side["name"] for side in sides) if sides else ""),
            "section": "compare",
            "fields": fields,
            "problems": problems,
            "sides": sides,
            "pairs": pairs,
            "region_options": region_options(names, profiles.regions),
            "names": names,
        },
    )
