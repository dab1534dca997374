"""Export a filtered set of priorities with their labels and provenance (CSV, JSON, XLSX).

Shared by ``GET /api/export`` and ``observatory export``: both select priorities through the
search service, so the filters are the same as ``/api/priorities``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from observatory.domain import TAXONOMY_NAMES, clean_text
from observatory.errors import InvalidInput
from observatory.export_cells import csv_cell, xlsx_cell
from observatory.search import Catalog, LabelInfo, SearchRequest, SearchService
from taxonomies import Taxonomy

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Per taxonomy, the first tag (confirmed before suggested, then the model's rank) in separate
# columns, and every other tag's code in ``<taxonomy>_other_codes``; JSON also has all tags,
# each with its title and probability, under ``labels``. The code set (every member, reviewed
# or not, in rank order) is in ``<taxonomy>_set_codes`` with each member's status and
# probability at the same position of ``_set_statuses`` and ``_set_probabilities`` ("; ").
LABEL_COLUMNS = (
    "code",
    "title",
    "probability",
    "status",
    "source",
    "other_codes",
    "set_codes",
    "set_statuses",
    "set_probabilities",
)
SET_SEPARATOR = "; "
COLUMNS = (
    "priority_id",
    "title",
    "description",
    "keywords",
    "pages",
    "source_url",
    "extraction_status",
    "source",
    "illustrative",
    "strategy_id",
    "strategy_title",
    "region",
    "nuts_code",
    "country",
    "period",
    "language",
    *(f"{name}_{column}" for name in TAXONOMY_NAMES for column in LABEL_COLUMNS),
)
MAX_EXPORT_ROWS = 1_000_000
ILLUSTRATIVE_NOTE = "illustrative sample: invented priorities, not a real strategy"
_CONFIRMED_FIRST = {"corrected": 0, "accepted": 0, "auto_accepted": 1, "suggested": 2}


def export_record(
    catalog: Catalog,
    row: int,
    base_url: str = "",
    taxonomies: Mapping[str, Taxonomy] | None = None,
) -> dict[str, Any]:
    """One priority as a flat record: labels per taxonomy with status and provenance.

    ``source_url`` opens the strategy's PDF at the priority's first page (``base_url`` makes it
    absolute); ``extraction_status`` 'pending' marks a priority no person has checked yet;
    ``illustrative`` is true for the invented sample corpus (its ``source`` says so too).
    ``taxonomies`` give the codes' titles.
    """
    strategy = catalog.strategies[int(catalog.strategy_ids[row])]
    status = strategy.extraction_status
    page_url = strategy.source_url(catalog.pages[row])
    illustrative = bool(getattr(strategy, "illustrative", False))
    record: dict[str, Any] = {
        "priority_id": int(catalog.ids[row]),
        "title": catalog.titles[row],
        "description": catalog.descriptions[row],
        "keywords": "; ".join(catalog.keywords[row]),
        "pages": "; ".join(str(p) for p in catalog.pages[row]),
        "source_url": f"{base_url}{page_url}" if page_url else "",
        "extraction_status": status,
        "source": catalog.sources[row] or (ILLUSTRATIVE_NOTE if illustrative else ""),
        "illustrative": illustrative,
        "strategy_id": strategy.id,
        "strategy_title": strategy.title,
        "region": strategy.region,
        "nuts_code": strategy.nuts_code,
        "country": strategy.country,
        "period": strategy.period,
        "language": catalog.language.value(row),
    }
    for name in TAXONOMY_NAMES:
        tags = sorted(
            (label for label in catalog.labels[row] if label.taxonomy == name),
            key=lambda label: _CONFIRMED_FIRST.get(label.status, 3),
        )  # stable: the model's rank order within a status
        first = tags[0] if tags else None
        record[f"{name}_code"] = first.code if first else ""
        record[f"{name}_title"] = _title(taxonomies, name, first.code) if first else ""
        record[f"{name}_probability"] = (
            round(first.probability, 4) if first and first.probability is not None else None
        )
        record[f"{name}_status"] = first.status if first else ""
        record[f"{name}_source"] = _label_source(first) if first else ""
        record[f"{name}_other_codes"] = "; ".join(label.code for label in tags[1:])
        members = [
            m for m in (catalog.code_sets[row] if catalog.code_sets else ()) if m.taxonomy == name
        ]
        record[f"{name}_set_codes"] = SET_SEPARATOR.join(m.code for m in members)
        record[f"{name}_set_statuses"] = SET_SEPARATOR.join(m.status for m in members)
        record[f"{name}_set_probabilities"] = SET_SEPARATOR.join(
            "" if m.probability is None else f"{m.probability:.4f}" for m in members
        )
    return record


def _label_source(label: LabelInfo) -> str:
    if label.reviewer:
        return f"reviewer:{label.reviewer}"
    return label.model_version or label.source_kind


def _title(taxonomies: Mapping[str, Taxonomy] | None, name: str, code: str) -> str:
    taxonomy = (taxonomies or {}).get(name)
    if taxonomy is None:
        return ""
    found = taxonomy.get(code)
    return found.title if found is not None else ""


def _labels_json(
    catalog: Catalog, row: int, taxonomies: Mapping[str, Taxonomy] | None
) -> list[dict[str, Any]]:
    return [
        {
            "taxonomy": label.taxonomy,
            "code": label.code,
            "title": _title(taxonomies, label.taxonomy, label.code),
            "probability": label.probability,
            "status": label.status,
            "source": _label_source(label),
        }
        for label in catalog.labels[row]
    ]


def selected_rows(service: SearchService, request: SearchRequest) -> tuple[Catalog, list[int]]:
    """Every row the request selects (all pages), in the request's order."""
    page = service.search(SearchRequest(q=request.q, filters=request.filters, sort=request.sort))
    return page.catalog, page.rows()[:MAX_EXPORT_ROWS].tolist()


def render(
    catalog: Catalog,
    rows: list[int],
    fmt: str,
    base_url: str = "",
    taxonomies: Mapping[str, Taxonomy] | None = None,
) -> bytes:
    """The export file's bytes in ``fmt`` (csv, json or xlsx); ``base_url`` (e.g.
    ``https://observatory.example``) makes the ``source_url`` links absolute.

    Stored text never breaks an export: control characters are dropped, and CSV and XLSX
    cells that a spreadsheet would run as a formula are neutralised (see ``cells``).
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}")
    if fmt == "json":
        items = [
            {
                **_printable(export_record(catalog, row, base_url, taxonomies)),
                "labels": _printable_list(_labels_json(catalog, row, taxonomies)),
            }
            for row in rows
        ]
        return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
    records = (export_record(catalog, row, base_url, taxonomies) for row in rows)
    if fmt == "csv":
        return "".join(_csv_lines(records)).encode("utf-8")
    return _xlsx(records)


def _printable(record: dict[str, Any]) -> dict[str, Any]:
    return {key: clean_text(v) if isinstance(v, str) else v for key, v in record.items()}


def _printable_list(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_printable(item) for item in items]


def _csv_lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([csv_cell(record[c]) for c in COLUMNS])
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
        sheet.append([xlsx_cell(sheet, record[c]) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
