"""The search page (``/`` and ``/search``): a GET form with facets that works without JS.

Results come from the hybrid search service with the JSON API's filters, and the facet counts
from the same matches (``observatory.search.facet_counts``), so the page, ``/api/priorities``
and the CSV export agree on what matches and which tags count.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import SearchDep, StateDep, TaxonomiesDep
from api.pages.names import Names, load_names
from api.pages.rendering import HTMLRoute, query_string, render
from observatory.extraction import ExtractionStatus
from observatory.filter_fields import MAX_FILTER_VALUES
from observatory.search import (
    Catalog,
    FacetCounts,
    SearchHit,
    SearchRequest,
    facet_counts,
    filter_mask,
    make_filters,
    row_status,
)

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

PAGE_SIZE = 20
FACET_LIMIT = 12  # values shown before "Show all"; selected values are always shown first
TYPE_AHEAD_FROM = 8  # a facet with more values than this gets a type-ahead filter box
# page facet -> (facet of facet_counts, NACE level it keeps)
FACETS = {
    "country": ("country", None),
    "region": ("nuts", None),
    "period": ("period", None),
    "nace_section": ("nace", "section"),
    "nace_division": ("nace", "division"),
    "nabs": ("nabs", None),
    "ecosystem": ("ecosystem", None),
    "status": ("status", None),
    "language": ("language", None),
}
FACET_TITLES = {
    "country": "Country",
    "region": "Region (NUTS)",
    "period": "Programming period",
    "nace_section": "NACE section",
    "nace_division": "NACE division",
    "nabs": "NABS chapter",
    "ecosystem": "Industrial ecosystem",
    "status": "Review status",
    "language": "Language",
}
STATUS_LABELS = {
    "suggested": "AI suggestion, waiting for review",
    "auto_accepted": "AI tag, not reviewed",
    "accepted": "Accepted by a reviewer",
    "corrected": "Corrected by a reviewer",
    "rejected": "Rejected",
    "reviewed": "Reviewed by a person",
    "unreviewed": "Not reviewed by a person",
    "unlabelled": "No tags",
}
UPPER_CASE = ("country", "region", "nace_section")
EXPORT_FORMATS = (("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON"))

# as many values per facet as the API's filters take (observatory.filter_fields)
Values = Annotated[list[str], Query(max_length=MAX_FILTER_VALUES)]


@router.get("/")
def home() -> Response:
    """The search page is the home page."""
    return RedirectResponse("/search", status_code=307)


@router.get("/search")
def search_page(
    request: Request,
    state: StateDep,
    search: SearchDep,
    served: TaxonomiesDep,
    q: Annotated[str, Query(max_length=500)] = "",
    country: Values = [],  # noqa: B006 - FastAPI copies query defaults
    region: Values = [],  # noqa: B006
    period: Values = [],  # noqa: B006
    nace_section: Values = [],  # noqa: B006
    nace_division: Values = [],  # noqa: B006
    nabs: Values = [],  # noqa: B006
    ecosystem: Values = [],  # noqa: B006
    status: Values = [],  # noqa: B006
    language: Values = [],  # noqa: B006
    page: Annotated[int, Query(ge=1, le=10000)] = 1,
) -> Response:
    """Search priorities by text and facets."""
    raw = {
        "country": country,
        "region": region,
        "period": period,
        "nace_section": nace_section,
        "nace_division": nace_division,
        "nabs": nabs,
        "ecosystem": ecosystem,
        "status": status,
        "language": language,
    }
    chosen = {name: clean(values, upper=name in UPPER_CASE) for name, values in raw.items()}
    text = q.strip()
    api_params = {"q": text, **api_filters(chosen)}
    filters = make_filters(**api_filters(chosen), taxonomies=served)
    result = search.search(
        SearchRequest(q=text, filters=filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    )
    names = load_names(state)
    counts = facet_counts_by_facet(search, result.catalog, text, chosen, served)
    pages = max(1, -(-result.count // PAGE_SIZE))
    params = {"q": text, **chosen}
    return render(
        request,
        "search.html",
        {
            "title": "Search priorities",
            "section": "search",
            "q": text,
            "total": result.count,
            "offset": (page - 1) * PAGE_SIZE,
            "hits": [hit_view(result.catalog, hit) for hit in result.hits],
            "facets": [
                facet_view(name, counts[name], chosen[name], names)
                for name in FACETS
                if counts[name] or chosen[name]  # an empty group is left out
            ],
            "names": names,
            "status_labels": STATUS_LABELS,
            "exports": [
                (label, "/api/export?" + query_string({**api_params, "format": fmt}))
                for fmt, label in EXPORT_FORMATS
            ],
            "export_url": "/api/export?" + query_string({**api_params, "format": "csv"}),
            "page": page,
            "pages": pages,
            "prev_url": "/search?" + query_string({**params, "page": page - 1}) if page > 1 else "",
            "next_url": "/search?" + query_string({**params, "page": page + 1})
            if page < pages
            else "",
        },
    )


def api_filters(chosen: dict[str, list[str]]) -> dict[str, list[str]]:
    """The page's facet choices as the filter parameters of the JSON API and the export."""
    return {
        "country": chosen["country"],
        "nuts": chosen["region"],
        "period": chosen["period"],
        "nace": chosen["nace_section"] + chosen["nace_division"],
        "nabs": chosen["nabs"],
        "ecosystem": chosen["ecosystem"],
        "status": chosen["status"],
        "language": chosen["language"],
    }


def facet_counts_by_facet(
    search: Any,
    catalog: Catalog,
    text: str,
    chosen: dict[str, list[str]],
    served: Any,
) -> dict[str, list[tuple[str, int]]]:
    """Counts of each facet over the matches of every *other* facet's choices.

    Values within a facet are alternatives, so ticking one country must keep the other
    countries choosable, each with the number of priorities it would add."""
    if text:
        matched = search.search(SearchRequest(q=text, limit=1)).mask()
    else:
        matched = np.ones(len(catalog), dtype=bool)
    found: dict[str, list[tuple[str, int]]] = {}
    cache: dict[tuple[str, ...], FacetCounts] = {}
    for name, (source, _level) in FACETS.items():
        # the two NACE facets filter one parameter, so they drop their choices together
        dropped = ("nace_section", "nace_division") if name.startswith("nace_") else (name,)
        others = {key: ([] if key in dropped else values) for key, values in chosen.items()}
        if dropped not in cache:
            mask = filter_mask(catalog, make_filters(**api_filters(others), taxonomies=served))
            selected = matched if mask is None else matched & mask
            counts = facet_counts(catalog, selected)
            counts["period"] = period_counts(catalog, selected)
            cache[dropped] = counts
        found[name] = cache[dropped].get(source, [])
    return found


def period_counts(catalog: Catalog, selected: np.ndarray) -> list[tuple[str, int]]:
    """Priorities per programming period among the selected rows, most first."""
    column = catalog.period
    counts = np.bincount(column.codes[selected], minlength=len(column.levels))
    pairs = [
        (level, int(count))
        for level, count in zip(column.levels, counts, strict=True)
        if level is not None and count
    ]
    return sorted(pairs, key=lambda item: (-item[1], item[0]))


def clean(values: list[str], *, upper: bool) -> list[str]:
    """Distinct non-empty values, sorted (upper-cased for codes written in capitals)."""
    return sorted({v.strip().upper() if upper else v.strip() for v in values} - {""})


def facet_view(
    name: str, counts: list[tuple[str, int]], chosen: list[str], names: Names
) -> dict[str, Any]:
    """One facet of the form: every value, the selected ones first, then the most frequent;
    the first ``FACET_LIMIT`` are shown and the rest sit behind "Show all"."""
    _source, level = FACETS[name]
    values = [item for item in counts if level is None or nace_level(names, item[0]) == level]
    listed = {value for value, _count in values}
    # a selected value stays listed (with 0) so it can be unticked
    values += [(value, 0) for value in chosen if value not in listed]
    ordered = [item for item in values if item[0] in chosen]
    ordered += [item for item in values if item[0] not in chosen]
    items = [
        {
            "value": value,
            "count": count,
            "label": STATUS_LABELS.get(value, value)
            if name == "status"
            else names.facet(name, value),
            "checked": value in chosen,
        }
        for value, count in ordered
    ]
    limit = max(FACET_LIMIT, len(chosen))
    return {
        "name": name,
        "title": FACET_TITLES[name],
        "values": items[:limit],
        "more_values": items[limit:],
        "more": max(0, len(items) - limit),
        "type_ahead": len(items) > TYPE_AHEAD_FROM,
    }


def nace_level(names: Names, code: str) -> str:
    """'section' or 'division' (or finer) of a NACE code."""
    taxonomy = names.taxonomies.get("nace")
    found = taxonomy.get(code) if taxonomy is not None else None
    if found is not None:
        return found.level
    return "section" if len(code) == 1 and code.isalpha() else "division"


def hit_view(catalog: Catalog, hit: SearchHit) -> dict[str, Any]:
    """What a result shows: the priority, its strategy, its code sets and why it matched."""
    row = hit.row
    strategy = catalog.strategies[int(catalog.strategy_ids[row])]
    # the whole code set of each taxonomy, each member with its status (the tags that search
    # and facets count are a part of it: a lower suggestion waiting for review is not a tag)
    members = catalog.code_sets[row] if catalog.code_sets else catalog.labels[row]
    code_sets: dict[str, list[Any]] = {}
    for label in members:
        code_sets.setdefault(label.taxonomy, []).append(label)
    explanation = hit.explanation
    return {
        "id": hit.priority_id,
        "title": catalog.titles[row],
        "description": catalog.descriptions[row],
        "strategy_title": strategy.title,
        "illustrative": strategy.illustrative,
        "region": strategy.region,
        "nuts_code": strategy.nuts_code,
        "country": strategy.country,
        "language": catalog.language.value(row),
        "status": row_status(catalog, row),
        "extraction_unreviewed": strategy.extraction_status == ExtractionStatus.PENDING.value,
        "pages": catalog.pages[row],
        "source_url": strategy.source_url(catalog.pages[row]),
        "code_sets": code_sets,
        "matched_terms": explanation.matched_terms if explanation else [],
        "similarity": explanation.dense_similarity if explanation else None,
    }
