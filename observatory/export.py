"""Export a filtered set of priorities with their labels and provenance (CSV, JSON, XLSX).

Shared by ``GET /api/export`` and ``observatory export``: both select priorities through the
search service, so the filters are the same as ``/api/priorities``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from observatory.documents import source_page_url
from observatory.domain import TAXONOMY_NAMES
from observatory.errors import InvalidInput
from observatory.search import Catalog, SearchRequest, SearchService

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = (
    "priority_id",
    "title",
    "description",
    "keywords",
    "pages",
    "source_url",
    "extraction_status",
    "strategy_id",
    "strategy_title",
    "region",
    "nuts_code",
    "country",
    "period",
    "language",
    *(f"{name}_codes" for name in TAXONOMY_NAMES),
    *(f"{name}_status" for name in TAXONOMY_NAMES),
    *(f"{name}_source" for name in TAXONOMY_NAMES),
)
MAX_EXPORT_ROWS = 1_000_000


def export_record(catalog: Catalog, row: int, base_url: str = "") -> dict[str, Any]:
    """One priority as a flat record: labels per taxonomy with status and provenance.

    ``source_url`` opens the strategy's PDF at the priority's first page (``base_url`` makes it
    absolute); ``extraction_status`` 'pending' marks a priority no person has checked yet.
    """
    strategy = catalog.strategies[int(catalog.strategy_ids[row])]
    status = getattr(strategy, "extraction_status", "none")
    page_url = source_page_url(strategy.id, catalog.pages[row]) if status != "none" else None
    record: dict[str, Any] = {
        "priority_id": int(catalog.ids[row]),
        "title": catalog.titles[row],
        "description": catalog.descriptions[row],
        "keywords": "; ".join(catalog.keywords[row]),
        "pages": "; ".join(str(p) for p in catalog.pages[row]),
        "source_url": f"{base_url}{page_url}" if page_url else "",
        "extraction_status": status,
        "strategy_id": strategy.id,
        "strategy_title": strategy.title,
        "region": strategy.region,
        "nuts_code": strategy.nuts_code,
        "country": strategy.country,
        "period": strategy.period,
        "language": catalog.language.value(row),
    }
    for name in TAXONOMY_NAMES:
        labels = [label for label in catalog.labels[row] if label.taxonomy == name]
        record[f"{name}_codes"] = "; ".join(
            label.code if label.probability is None else f"{label.code} ({label.probability:.2f})"
            for label in labels
        )
        record[f"{name}_status"] = "; ".join(sorted({label.status for label in labels}))
        record[f"{name}_source"] = "; ".join(
            sorted({label.reviewer or label.model_version or label.source_kind for label in labels})
        )
    return record


def selected_rows(service: SearchService, request: SearchRequest) -> tuple[Catalog, list[int]]:
    """Every row the request selects (all pages), in the request's order."""
    page = service.search(SearchRequest(q=request.q, filters=request.filters, sort=request.sort))
    return page.catalog, page.rows()[:MAX_EXPORT_ROWS].tolist()


def render(catalog: Catalog, rows: list[int], fmt: str, base_url: str = "") -> bytes:
    """The export file's bytes in ``fmt`` (csv, json or xlsx); ``base_url`` (e.g.
    ``https://observatory.example``) makes the ``source_url`` links absolute."""
    if fmt not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}")
    records = (export_record(catalog, row, base_url) for row in rows)
    if fmt == "json":
        return json.dumps(list(records), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "csv":
        return "".join(_csv_lines(records)).encode("utf-8")
    return _xlsx(records)


def _csv_lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow(record)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _xlsx(records: Iterator[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("priorities")
    sheet.append(list(COLUMNS))
    for record in records:
        sheet.append([record[c] for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
