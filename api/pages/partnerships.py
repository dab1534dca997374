"""Partnership pages: the list (``/partnerships``) and one partnership with the regions that
could join it (``/partnerships/{id}``), explained like partner suggestions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import IndexDep, MatchingDep, SessionDep, StateDep
from api.limits import path_id
from api.pages.names import load_names
from api.pages.partner_words import partner_view
from api.pages.rendering import HTMLRoute, render
from observatory.partnerships import get_partnership, list_partnerships, member_codes

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)
PartnershipId = path_id("partnership")

CANDIDATE_LIMIT = 8
ROLE_ORDER = ("lead", "member", "interested")
ROLE_TITLES = {"lead": "Lead regions", "member": "Members", "interested": "Interested regions"}


@router.get("/partnerships")
def partnerships_page(request: Request, state: StateDep, session: SessionDep) -> Response:
    """Every Thematic Smart Specialisation Partnership with its regions by role."""
    names = load_names(state)
    rows = [
        {
            "id": row.id,
            "name": row.name,
            "platform": row.thematic_platform or "",
            "description": row.description,
            "counts": {role: sum(r.role == role for r in row.regions) for role in ROLE_ORDER},
        }
        for row in list_partnerships(session)
    ]
    platforms = sorted({row["platform"] for row in rows if row["platform"]})
    return render(
        request,
        "partnerships.html",
        {
            "title": "Partnerships",
            "section": "partnerships",
            "rows": rows,
            "platforms": platforms,
            "role_titles": ROLE_TITLES,
            "names": names,
        },
    )


@router.get("/partnerships/{partnership_id}")
def partnership_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    matching: MatchingDep,
    index: IndexDep,
    partnership_id: PartnershipId,
) -> Response:
    """A partnership, its regions, and the regions whose priorities fit it best."""
    names = load_names(state)
    row = get_partnership(session, partnership_id)
    catalog, profiles = matching.profiles()
    stored = {s.nuts_code: s.region for s in catalog.strategies.values() if s.nuts_code}
    regions: dict[str, list[dict[str, Any]]] = {role: [] for role in ROLE_ORDER}
    for region in sorted(row.regions, key=lambda r: r.nuts_code):
        regions.setdefault(region.role, []).append(
            {
                "code": region.nuts_code,
                "name": names.region_label(region.nuts_code, stored.get(region.nuts_code)),
                "stored": region.nuts_code in profiles.region_index,
            }
        )
    interested = {r.nuts_code for r in row.regions if r.role == "interested"}
    description = " ".join(filter(None, [row.name, row.description]))
    vector = index.embed_query(description) if index is not None and description.strip() else None
    matches = matching.candidates(
        member_codes(row), description_vector=vector, limit=CANDIDATE_LIMIT
    )
    candidates = [
        {**partner_view(match, catalog, names), "interested": match.region in interested}
        for match in matches
    ]
    return render(
        request,
        "partnership.html",
        {
            "title": row.name,
            "section": "partnerships",
            "partnership": row,
            "regions": regions,
            "role_titles": ROLE_TITLES,
            "candidates": candidates,
            "names": names,
        },
    )
