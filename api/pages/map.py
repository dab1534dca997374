"""The map page (``/map?taxonomy=nace&code=C``): regions coloured by priorities with a code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import SearchDep, StateDep, TaxonomiesDep
from api.pages.geo import load_nuts_map
from api.pages.names import TAXONOMY_NAMES, load_names
from api.pages.rendering import TAXONOMY_LABELS, HTMLRoute, render
from observatory.errors import InvalidInput
from observatory.search import region_counts
from taxonomies import TaxonomyError

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

# sequential blues, light to dark; the darkest classes carry white text in the legend
PALETTE = ("#b3d3ec", "#7fb2dc", "#4a8cc6", "#2563a6", "#0b3a75")
EMPTY_FILL = "#ffffff"


def colour_classes(maximum: int) -> list[tuple[int, int, str]]:
    """Up to five (low, high, colour) classes covering 1..maximum."""
    if maximum <= 0:
        return []
    classes = min(len(PALETTE), maximum)
    bounds = [round(maximum * (i + 1) / classes) for i in range(classes)]
    low = 1
    found = []
    for index, high in enumerate(bounds):
        if high < low:
            continue
        colour = PALETTE[round(index * (len(PALETTE) - 1) / max(1, classes - 1))]
        found.append((low, high, colour))
        low = high + 1
    return found


def fill_for(count: int, classes: list[tuple[int, int, str]]) -> str:
    """The colour of a count."""
    for low, high, colour in classes:
        if low <= count <= high:
            return colour
    return EMPTY_FILL


def code_options(names: Any, taxonomy: str) -> list[tuple[str, str]]:
    """Codes offered in the picker: NACE sections and divisions, NABS chapters, ecosystems."""
    codes = names.codes.get(taxonomy, {})
    return sorted(codes.items(), key=lambda item: (len(item[0]) > 1, item[0]))


LEVELS = (
    ("", "As stored (each strategy's own level)"),
    ("0", "Countries (NUTS 0)"),
    ("1", "Major regions (NUTS 1)"),
    ("2", "Regions (NUTS 2)"),
    ("3", "Small regions (NUTS 3)"),
)


def at_level(counts: dict[str, int], level: str) -> dict[str, int]:
    """Counts summed up to one NUTS level; a code coarser than the level keeps its own."""
    if not level:
        return counts
    width = int(level) + 2
    found: dict[str, int] = {}
    for nuts, count in counts.items():
        key = nuts[:width]
        found[key] = found.get(key, 0) + count
    return found


@router.get("/map")
def map_page(
    request: Request,
    state: StateDep,
    search: SearchDep,
    served: TaxonomiesDep,
    taxonomy: str = "nace",
    code: str = "C",
    level: Annotated[str, Query(pattern="^[0-3]?$")] = "",
) -> Response:
    """Draw the stored regions coloured by how many of their priorities carry the code."""
    taxonomy = taxonomy.strip().lower()
    code = code.strip()
    if taxonomy not in TAXONOMY_NAMES:
        raise InvalidInput(f"unknown taxonomy {taxonomy!r}; expected one of {TAXONOMY_NAMES}")
    names = load_names(state)
    problem = ""
    if not code:
        problem = "Choose a code from the list."
    elif taxonomy in served:
        try:
            code = served[taxonomy].normalize(code)
        except TaxonomyError:
            problem = (
                f"There is no code {code!r} in {TAXONOMY_LABELS[taxonomy]}; pick one from the list."
            )
    catalog = search.catalog()
    counts = {} if problem else at_level(region_counts(catalog, taxonomy, code), level)
    classes = colour_classes(max(counts.values(), default=0))
    geojson = state.settings.nuts_geojson
    shapes: list[dict[str, Any]] = []
    countries: list[Any] = []
    insets: list[Any] = []
    size = (0.0, 0.0)
    drawn: set[str] = set()
    if geojson is not None and not problem:
        levels = tuple(sorted({0, 2} | {len(nuts) - 2 for nuts in counts if 2 <= len(nuts) <= 5}))
        nuts_map = state.service(f"nuts_map:{levels}", lambda: load_nuts_map(geojson, levels))
        size = (nuts_map.width, nuts_map.height)
        countries = nuts_map.at_level(0)
        insets = [
            {"inset": inset, "shape": nuts_map.shapes.get(inset.code)} for inset in nuts_map.insets
        ]
        # coarse levels first, so finer regions are drawn on top of them
        for nuts in sorted(counts, key=lambda c: (len(c), c)):
            shape = nuts_map.shapes.get(nuts)
            if shape is None:
                continue
            drawn.add(nuts)
            shapes.append(
                {"shape": shape, "count": counts[nuts], "fill": fill_for(counts[nuts], classes)}
            )
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    stored = {s.nuts_code: s.region for s in catalog.strategies.values() if s.region}
    return render(
        request,
        "map.html",
        {
            "title": f"Map of {code}" if code and not problem else "Map",
            "section": "map",
            "taxonomy": taxonomy,
            "code": code,
            "problem": problem,
            "code_title": names.code(taxonomy, code),
            "options": {name: code_options(names, name) for name in TAXONOMY_NAMES},
            "taxonomies": TAXONOMY_NAMES,
            "levels": LEVELS,
            "level": level,
            "geojson": geojson,
            "countries": countries,
            "insets": insets,
            "shapes": shapes,
            "size": size,
            "classes": classes,
            "empty_fill": EMPTY_FILL,
            "rows": [
                (nuts, count, names.region_label(nuts, stored.get(nuts))) for nuts, count in rows
            ],
            "missing": [nuts for nuts, _count in rows if geojson and nuts not in drawn],
            "names": names,
        },
    )
