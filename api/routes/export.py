"""``/api/export``: any filtered priority set as CSV, JSON or XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.auth import ReadAccess
from api.deps import SearchDep
from api.routes.priorities import FiltersDep, QueryText, SortKey, check_text
from observatory.export import FORMATS, render, selected_rows
from observatory.search import SearchRequest

router = APIRouter(prefix="/api", tags=["export"])


@router.get(
    "/export",
    summary="Export priorities",
    responses={200: {"content": {media: {} for media in FORMATS.values()}}},
)
def export(
    request: Request,
    search: SearchDep,
    _reader: ReadAccess,
    filters: FiltersDep,
    q: QueryText = None,
    sort: SortKey = None,
    format: Annotated[str, Query(pattern="^(csv|json|xlsx)$")] = "csv",
) -> Response:
    """Every priority matching the filters (same as ``/api/priorities``) with labels and
    provenance; ``source_url`` opens the PDF at the priority's page.

    One row per priority. Per taxonomy: the first tag's ``<taxonomy>_code``, ``_title``,
    ``_probability``, ``_status`` and ``_source``, the other tags' codes in ``_other_codes``
    (JSON also lists every tag under ``labels``). ``source`` and ``illustrative`` say where a
    priority comes from (the sample corpus is illustrative). CSV and XLSX cells that a
    spreadsheet would run as formulas are neutralised."""
    check_text(q)
    catalog, rows = selected_rows(search, SearchRequest(q=q, filters=filters, sort=sort))
    return Response(
        render(
            catalog,
            rows,
            format,
            base_url=str(request.base_url).rstrip("/"),
            taxonomies=search.catalogs.taxonomies,
        ),
        media_type=FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="priorities.{format}"'},
    )
