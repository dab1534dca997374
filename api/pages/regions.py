"""Region pages: the list (``/regions``), one region with steerable partner suggestions
(``/regions/{nuts}``).

A territory's priorities are those of the current strategies whose NUTS code starts with its
code (the search filter), so a country page gathers its regions. Profiles count tags with the
search facets' definition; partners come from the matching service and are explained in words
(``api.pages.partner_words``). The partner panel is a GET form: overlap or complement, other
countries only, one code or ecosystem, like/unlike example regions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request, Response

from api.deps import MatchingDep, SearchDep, StateDep, TaxonomiesDep
from api.pages.names import Names, load_names
from api.pages.partner_words import partner_view
from api.pages.region_input import (
    CodeChoice,
    code_options,
    region_options,
    resolve_code,
    resolve_region,
)
from api.pages.rendering import HTMLRoute, render
from api.pages.search import nace_level
from observatory.errors import InvalidInput, NotFound
from observatory.filter_fields import MAX_FILTER_VALUES
from observatory.matching import MatchingService, PartnerMatch
from observatory.search import Catalog, facet_counts, filter_mask, make_filters

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

NUTS_PATTERN = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
PARTNER_LIMIT = 8
MODES = (("overlap", "Similar priorities (overlap)"), ("complement", "Complementary strengths"))
CHARTS = (
    ("nace", "NACE Rev. 2 sections"),
    ("nabs", "NABS 2007 chapters"),
    ("ecosystem", "Industrial ecosystems"),
)
# as many values per facet as the API's filters take (observatory.filter_fields)
Values = Annotated[list[str], Query(max_length=MAX_FILTER_VALUES)]


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
        "name": names.region_label(code, exact[0] if exact else None),
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
                "taxonomy": taxonomy,
                "title": names.code(taxonomy, code),
                "count": count,
                "share": count / max(size, 1),
            }
            for code, count in counts.get(taxonomy, [])
            if taxonomy != "nace" or nace_level(names, code) == "section"
        ]
        charts.append({"taxonomy": taxonomy, "title": title, "rows": rows})
    return charts


@dataclass(frozen=True)
class PartnerControls:
    """How the reader steers the partner panel."""

    mode: str = "overlap"
    other_countries: bool = False
    focus: CodeChoice | None = None
    like: tuple[str, ...] = ()
    unlike: tuple[str, ...] = ()
    problems: dict[str, str] = field(default_factory=dict)


def partner_matches(
    matching: MatchingService, code: str, limit: int, controls: PartnerControls | None = None
) -> list[PartnerMatch]:
    """Partners of a stored region; for a wider territory (a country, a NUTS 1 code), regions
    matching the scope of the stored regions under it. Regions inside or above it are left
    out, and the controls' filters applied."""
    steer = controls or PartnerControls()
    catalog, profiles = matching.profiles()
    inside = [region for region in profiles.regions if region.startswith(code)]
    every = len(profiles.regions)
    taxonomy = steer.focus.taxonomy if steer.focus else None
    if code in profiles.region_index:
        matches = matching.partners(
            code,
            limit=every,
            mode=steer.mode,
            taxonomy=taxonomy if steer.mode == "overlap" else None,
            like=list(steer.like),
            unlike=list(steer.unlike),
        )
    elif inside:
        matches = matching.candidates(inside, limit=every, taxonomy=taxonomy)
    else:
        return []
    related = {m.region for m in matches if m.region.startswith(code) or code.startswith(m.region)}
    kept = [m for m in matches if m.region not in related]
    if steer.other_countries:
        kept = [m for m in kept if m.region[:2] != code[:2]]
    if steer.focus is not None:
        carrying = regions_with_code(catalog, steer.focus)
        kept = [m for m in kept if m.region in carrying]
    return kept[:limit]


def regions_with_code(catalog: Catalog, choice: CodeChoice) -> set[str]:
    """Stored NUTS codes with at least one priority tagged ``choice`` (or a code under it)."""
    rows = catalog.code_rows.get(choice.taxonomy, {}).get(choice.code)
    if rows is None:
        return set()
    return {value for row in rows if (value := catalog.nuts.value(int(row)))}


def read_controls(
    names: Names,
    stored: list[str],
    served: Any,
    *,
    mode: str,
    other_countries: str,
    focus: str,
    like: list[str],
    unlike: list[str],
) -> PartnerControls:
    """The panel's fields; a bad entry becomes a message beside its field, not an error page."""
    problems: dict[str, str] = {}
    choice = None
    if focus.strip():
        try:
            choice = resolve_code(focus, served)
        except InvalidInput as exc:
            problems["focus"] = exc.message
    examples: dict[str, list[str]] = {"like": [], "unlike": []}
    for name, values in (("like", like), ("unlike", unlike)):
        for value in [part for text in values for part in text.split(";") if part.strip()]:
            try:
                examples[name].append(resolve_region(value, names, stored))
            except InvalidInput as exc:
                problems[name] = exc.message
    return PartnerControls(
        mode=mode if mode in dict(MODES) else "overlap",
        other_countries=other_countries.lower() in ("1", "on", "true", "yes"),
        focus=choice,
        like=tuple(examples["like"]),
        unlike=tuple(examples["unlike"]),
        problems=problems,
    )


@router.get("/regions")
def regions_page(
    request: Request,
    state: StateDep,
    matching: MatchingDep,
    country: Values = [],  # noqa: B006 - FastAPI copies query defaults
) -> Response:
    """Every region with a stored strategy and its number of priorities, by country."""
    names = load_names(state)
    catalog, profiles = matching.profiles()
    stored = {s.nuts_code: s.region for s in catalog.strategies.values() if s.nuts_code}
    chosen = sorted({c.strip().upper() for c in country if c.strip()})
    everything = [
        {
            "code": region,
            "name": names.region_label(region, stored.get(region)),
            "country": region[:2],
            "priorities": int(profiles.sizes[i]),
        }
        for i, region in enumerate(profiles.regions)
    ]
    per_country: dict[str, int] = {}
    for row in everything:
        per_country[row["country"]] = per_country.get(row["country"], 0) + 1
    rows = [row for row in everything if not chosen or row["country"] in chosen]
    rows.sort(key=lambda row: (row["country"], row["code"]))
    return render(
        request,
        "regions.html",
        {
            "title": "Regions",
            "section": "regions",
            "rows": rows,
            "total": len(everything),
            "countries": [
                {
                    "code": code,
                    "name": names.country(code) or code,
                    "count": count,
                    "checked": code in chosen,
                }
                for code, count in sorted(per_country.items())
            ],
            "chosen": chosen,
            "names": names,
        },
    )


@router.get("/regions/{nuts}")
def region_page(
    request: Request,
    state: StateDep,
    search: SearchDep,
    matching: MatchingDep,
    served: TaxonomiesDep,
    nuts: str,
    mode: str = "overlap",
    other_countries: str = "",
    focus: Annotated[str, Query(max_length=200)] = "",
    like: Values = [],  # noqa: B006
    unlike: Values = [],  # noqa: B006
) -> Response:
    """A region's priorities, profile per taxonomy, and steerable partner suggestions."""
    code = normalise_code(nuts)
    names = load_names(state)
    region = describe(search.catalog(), code, names)
    catalog, profiles = matching.profiles()
    controls = read_controls(
        names,
        list(profiles.regions),
        served,
        mode=mode,
        other_countries=other_countries,
        focus=focus,
        like=like,
        unlike=unlike,
    )
    partners = [
        partner_view(match, catalog, names)
        for match in partner_matches(matching, code, PARTNER_LIMIT, controls)
    ]
    return render(
        request,
        "region.html",
        {
            "title": region["name"],
            "section": "regions",
            "region": region,
            "partners": partners,
            "controls": controls,
            "modes": MODES,
            "focus_text": controls.focus.text if controls.focus else focus,
            "like_text": "; ".join(like),
            "unlike_text": "; ".join(unlike),
            "code_options": code_options(names),
            "region_options": region_options(names, profiles.regions),
            "stored_region": code in profiles.region_index,
            "names": names,
        },
    )
