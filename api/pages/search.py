"""The search page (``/`` and ``/search``): a GET form with facets that works without JS."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import SessionDep, StateDep
from api.pages.catalogue import FACET_NAMES, PAGE_SIZE, PageFilters, search_priorities
from api.pages.names import load_names
from api.pages.rendering import HTMLRoute, query_string, render
from api.pages.tags import REVIEW_STATUS_LABELS

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

FACET_TITLES = {
    "country": "Country",
    "region": "Region (NUTS)",
    "nace_section": "NACE section",
    "nace_division": "NACE division",
    "nabs": "NABS chapter",
    "ecosystem": "Industrial ecosystem",
    "status": "Review status",
    "language": "Language",
}
FACET_LIMIT = 12  # values shown per facet; selected values are always shown

Values = Annotated[list[str], Query()]


@router.get("/")
def home() -> Response:
    """The search page is the home page."""
    return RedirectResponse("/search", status_code=307)


@router.get("/search")
def search_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    q: str = "",
    country: Values = [],  # noqa: B006 - FastAPI copies query defaults
    region: Values = [],  # noqa: B006
    nace_section: Values = [],  # noqa: B006
    nace_division: Values = [],  # noqa: B006
    nabs: Values = [],  # noqa: B006
    ecosystem: Values = [],  # noqa: B006
    status: Values = [],  # noqa: B006
    language: Values = [],  # noqa: B006
    page: Annotated[int, Query(ge=1, le=10000)] = 1,
) -> Response:
    """Search priorities by text and facets."""

    def clean(values: list[str]) -> tuple[str, ...]:
        return tuple(sorted({value.strip() for value in values if value.strip()}))

    filters = PageFilters(
        q=q.strip()[:300],
        country=clean([value.upper() for value in country]),
        region=clean([value.upper() for value in region]),
        nace_section=clean([value.upper() for value in nace_section]),
        nace_division=clean(nace_division),
        nabs=clean(nabs),
        ecosystem=clean(ecosystem),
        status=clean(status),
        language=clean(language),
    )
    result = search_priorities(session, filters, offset=(page - 1) * PAGE_SIZE)
    names = load_names(state)
    params = filters.as_params()
    facets = []
    for name in FACET_NAMES:
        chosen = set(filters.facet_values(name))
        values = result.facets[name]
        shown = [item for item in values if item[0] in chosen]
        shown += [item for item in values if item[0] not in chosen][: FACET_LIMIT - len(shown)]
        facets.append(
            {
                "name": name,
                "title": FACET_TITLES[name],
                "values": [
                    {
                        "value": value,
                        "count": count,
                        "label": REVIEW_STATUS_LABELS.get(value, value)
                        if name == "status"
                        else names.facet(name, value),
                        "checked": value in chosen,
                    }
                    for value, count in shown
                ],
                "more": max(0, len(values) - len(shown)),
            }
        )
    pages = max(1, -(-result.total // PAGE_SIZE))
    return render(
        request,
        "search.html",
        {
            "title": "Search priorities",
            "filters": filters,
            "result": result,
            "facets": facets,
            "names": names,
            "status_labels": REVIEW_STATUS_LABELS,
            "export_url": "/api/export?"
            + query_string({**filters.export_params(), "format": "csv"}),
            "page": page,
            "pages": pages,
            "prev_url": "/search?" + query_string({**params, "page": page - 1}) if page > 1 else "",
            "next_url": "/search?" + query_string({**params, "page": page + 1})
            if page < pages
            else "",
        },
    )
