"""Region pages (``/regions/{nuts}``) and the side-by-side comparison (``/compare``)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import SessionDep, StateDep
from api.pages.names import Names, load_names
from api.pages.profiles import (
    Profile,
    partner_suggestions,
    region_profile,
    stored_region_names,
)
from api.pages.rendering import HTMLRoute, render
from observatory.errors import InvalidInput, NotFound
from observatory.store.tables import PriorityRow, StrategyRow

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

NUTS_PATTERN = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
NACE_SECTION_TITLE = "nace_section"


def normalise_code(code: str) -> str:
    """Upper-case and check a NUTS code (two letters and up to three more characters)."""
    value = code.strip().upper()
    if not NUTS_PATTERN.match(value):
        raise InvalidInput(f"{code!r} is not a NUTS code (e.g. NL1, FI1C, DE21)")
    return value


def region_priorities(session: Session, code: str) -> list[tuple[PriorityRow, StrategyRow]]:
    """Priorities of the current strategies of a territory and its sub-regions."""
    query = (
        select(PriorityRow, StrategyRow)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .where(StrategyRow.is_current.is_(True), StrategyRow.nuts_code.startswith(code))
        .order_by(StrategyRow.nuts_code, StrategyRow.id, PriorityRow.rank, PriorityRow.id)
    )
    return [(priority, strategy) for priority, strategy in session.execute(query)]


def chart_rows(profile: Profile, names: Names) -> list[dict[str, Any]]:
    """Bar-chart rows per taxonomy: NACE sections, NABS chapters, ecosystems."""
    total = profile.priorities or 1
    sections = [
        {"code": code, "title": names.code("nace", code), "count": n, "share": n / total}
        for code, n in profile.nace_sections.most_common()
    ]
    charts = [{"taxonomy": "nace", "title": "NACE Rev. 2 sections", "rows": sections}]
    for taxonomy, title in (("nabs", "NABS 2007 chapters"), ("ecosystem", "Industrial ecosystems")):
        rows = [
            {"code": code, "title": names.code(taxonomy, code), "count": n, "share": n / total}
            for code, n in profile.counts[taxonomy].most_common()
        ]
        charts.append({"taxonomy": taxonomy, "title": title, "rows": rows})
    return charts


def region_title(code: str, names: Names, strategies: list[StrategyRow]) -> str:
    """The NUTS name, else the name the strategy gives, else the code."""
    exact = [s.region for s in strategies if s.nuts_code == code and s.region]
    return names.region(code) or (exact[0] if exact else "") or code


def describe(session: Session, code: str, names: Names) -> dict[str, Any]:
    """What a region column shows: name, priorities, profile charts."""
    rows = region_priorities(session, code)
    strategies = list({strategy.id: strategy for _p, strategy in rows}.values())
    if not rows and names.region(code) == "":
        raise NotFound(f"no region {code} in the NUTS registry and no priorities stored for it")
    profile = region_profile(session, code)
    return {
        "code": code,
        "name": region_title(code, names, strategies),
        "priorities": rows,
        "strategies": strategies,
        "profile": profile,
        "charts": chart_rows(profile, names),
    }


@router.get("/regions/{nuts}")
def region_page(request: Request, state: StateDep, session: SessionDep, nuts: str) -> Response:
    """A region's priorities, profile per taxonomy, and partner suggestions."""
    code = normalise_code(nuts)
    names = load_names(state)
    region = describe(session, code, names)
    partners = partner_suggestions(session, code, names=stored_region_names(session))
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
    request: Request, state: StateDep, session: SessionDep, a: str = "", b: str = ""
) -> Response:
    """Two regions side by side; without both codes, the form to pick them."""
    names = load_names(state)
    sides = []
    if a.strip() and b.strip():
        sides = [describe(session, normalise_code(code), names) for code in (a, b)]
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
            "names": names,
        },
    )
