"""The manual route: priorities typed by analysts or sent by regions, from CSV or XLSX.

Rows are validated one by one; every bad row is reported with its line number (the header is
line 1). Every row is checked against the store's limits (lengths, characters, territory)
before anything is written, and the whole file is stored in one transaction: it is imported all
or nothing, unless ``skip_invalid``. Rows are grouped into strategies by (nuts_code or region,
strategy_title, period); each strategy is idempotent by a hash of its rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from observatory.domain import MAX_KEY_CHARS, PriorityCreate, StrategyCreate, validation_message
from observatory.errors import InvalidInput, ObservatoryError, UnprocessableFile
from pipelines.ingest.territory import check_territory

REQUIRED = ("title", "description")
OPTIONAL = (
    "region",
    "nuts_code",
    "country",
    "language",
    "period",
    "strategy_title",
    "parent",
    "keywords",
    "pages",
    "source",
)
# `observatory demo load` marks its strategies so that pages, the API and exports say they are
# illustrative (observatory.search.catalog.ILLUSTRATIVE_SOURCE_KIND)
SAMPLE_SOURCE_KIND = "sample"
IMPORT_SOURCE_KIND = "import"


@dataclass
class ImportReport:
    """Outcome of one import."""

    path: str
    rows: int = 0
    imported_rows: int = 0
    strategies_created: int = 0
    strategies_unchanged: int = 0
    priorities: int = 0
    errors: list[str] = field(default_factory=list)  # "FILE:LINE: reason"
    skipped_rows: int = 0


def _read_rows(path: Path) -> list[dict[str, str]]:
    import pandas as pd

    if not path.is_file():
        raise UnprocessableFile(str(path), "no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            raise UnprocessableFile(str(path), "expected a .csv or .xlsx file")
    except UnprocessableFile:
        raise
    except Exception as exc:  # pandas and openpyxl raise many types on truncated or foreign files
        raise UnprocessableFile(str(path), f"cannot read table ({_reason(exc)})") from None
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if "region" not in frame.columns and "nuts_code" not in frame.columns:
        missing.append("region or nuts_code")
    if missing:
        raise UnprocessableFile(str(path), f"missing column(s): {', '.join(missing)}", line=1)
    return [{k: str(v).strip() for k, v in row.items()} for row in frame.to_dict("records")]


def _reason(exc: Exception) -> str:
    """One line naming what was wrong with an unreadable table."""
    import zipfile

    if isinstance(exc, zipfile.BadZipFile):
        return "not a valid .xlsx file: truncated, or not a spreadsheet"
    if isinstance(exc, KeyError):
        return "not a valid .xlsx file: a zip archive without a workbook"
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _validate(row: dict[str, str], registry: Any) -> dict[str, Any]:
    """Check one row; returns the cleaned row or raises InvalidInput with the reason."""
    if not row.get("title"):
        raise InvalidInput("title is empty")
    if not row.get("region") and not row.get("nuts_code"):
        raise InvalidInput("needs a region or a nuts_code")
    territory = check_territory(
        registry,
        nuts_code=row.get("nuts_code") or None,
        country=row.get("country") or None,
        region=row.get("region") or None,
    )
    pages: list[int] = []
    for part in row.get("pages", "").replace(";", ",").split(","):
        part = part.strip()
        if part:
            # isdigit() accepts superscripts such as "²", which int() refuses
            if not (part.isascii() and part.isdigit()) or int(part) < 1:
                raise InvalidInput(f"pages must be positive integers, got {part!r}")
            pages.append(int(part))
    keywords = [
        k.strip() for k in row.get("keywords", "").replace(";", ",").split(",") if k.strip()
    ]
    return {
        "title": " ".join(row["title"].split()),
        "description": row.get("description", ""),
        "region": territory.region,
        "nuts_code": territory.nuts_code,
        "country": territory.country,
        "language": row.get("language") or None,
        "period": row.get("period") or None,
        "strategy_title": row.get("strategy_title") or None,
        "parent": row.get("parent") or None,
        "keywords": keywords,
        "pages": pages,
        "source": row.get("source") or None,
    }


def _registry() -> Any:
    from pipelines.ingest.metadata import _registry as cached

    return cached()


def import_priorities(
    store: Any,
    path: Path,
    *,
    skip_invalid: bool = False,
    actor: str = "import",
    source_kind: str = IMPORT_SOURCE_KIND,
) -> ImportReport:
    """Validate and import a priorities table; raise InvalidInput listing every bad row.

    ``source_kind`` ``SAMPLE_SOURCE_KIND`` marks the strategies as the illustrative sample.
    Nothing is written unless every row (or, with ``skip_invalid``, every kept row) passed.
    """
    rows = _read_rows(path)
    report = ImportReport(str(path), rows=len(rows))
    registry = _registry()
    valid: list[tuple[int, dict[str, Any]]] = []
    bad_lines: set[int] = set()
    for index, row in enumerate(rows):
        line = index + 2
        try:
            cleaned = _validate(row, registry)
            _priority(cleaned)  # lengths and characters, as the store will see them
            _strategy(cleaned, [cleaned], source_kind)
            valid.append((line, cleaned))
        except ObservatoryError as exc:
            report.errors.append(f"{path}:{line}: {exc.message}")
            bad_lines.add(line)
        except ValidationError as exc:
            report.errors.append(f"{path}:{line}: {validation_message(exc)}")
            bad_lines.add(line)
    groups: dict[tuple, list[tuple[int, dict[str, Any]]]] = {}
    for line, row in valid:
        key = (row["nuts_code"] or row["region"], row["strategy_title"], row["period"])
        groups.setdefault(key, []).append((line, row))
    for members in groups.values():
        for line, reason in _parent_problems(members):
            report.errors.append(f"{path}:{line}: {reason}")
            bad_lines.add(line)
    if report.errors and not skip_invalid:
        raise InvalidInput(
            f"{path}: {len(report.errors)} invalid row(s); nothing imported "
            "(use --skip-invalid to import the valid rows)",
            errors=report.errors,
        )
    report.skipped_rows = len(bad_lines)
    planned = []
    for members in groups.values():
        members = [(line, row) for line, row in members if line not in bad_lines]
        kept = {row["title"].casefold() for _, row in members}
        members = [(n, r) for n, r in members if not r["parent"] or r["parent"].casefold() in kept]
        if members:
            # parents first, so that the store can link each sub-priority to its parent
            ordered = sorted((row for _, row in members), key=lambda row: row["parent"] is not None)
            planned.append(
                (_strategy(ordered[0], ordered, source_kind), [_priority(r) for r in ordered])
            )
    _store_all(store, path, planned, report, actor)
    return report


def _priority(row: dict[str, Any]) -> PriorityCreate:
    return PriorityCreate(
        title=row["title"],
        description=row["description"],
        pages=row["pages"],
        parent=row["parent"],
        keywords=row["keywords"],
        language=row["language"],
        source=row["source"],
    )


def _strategy(
    first: dict[str, Any], rows: list[dict[str, Any]], source_kind: str
) -> StrategyCreate:
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()
    territory = first["nuts_code"] or first["region"]
    return StrategyCreate(
        title=first["strategy_title"] or f"{territory} priorities",
        region=first["region"],
        nuts_code=first["nuts_code"],
        country=first["country"],
        language=first["language"],
        period=first["period"],
        source_kind=source_kind,
        source_path=None,
        sha256=digest,
        key=f"import:{territory}:{first['strategy_title'] or ''}:{first['period'] or ''}"[
            :MAX_KEY_CHARS
        ],
    )


def _parent_problems(members: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, str]]:
    """Rows whose parent is unknown, themselves, or part of a cycle of parents."""
    parent_of = {row["title"].casefold(): row["parent"] for _, row in members}
    problems = []
    for line, row in members:
        parent = row["parent"]
        if not parent:
            continue
        title = row["title"].casefold()
        if parent.casefold() == title:
            problems.append((line, f"priority {row['title']!r} names itself as its parent"))
        elif parent.casefold() not in parent_of:
            problems.append((line, f"parent {parent!r} is not a title of the same strategy"))
        elif _in_cycle(title, parent_of):
            problems.append((line, f"priority {row['title']!r} is in a cycle of parents"))
    return problems


def _in_cycle(title: str, parent_of: dict[str, str | None]) -> bool:
    seen = {title}
    current = parent_of.get(title)
    while current:
        key = current.casefold()
        if key == title:
            return True
        if key in seen:
            return False  # a cycle further up, reported on its own rows
        seen.add(key)
        current = parent_of.get(key)
    return False


def _store_all(store: Any, path: Path, planned: list, report: ImportReport, actor: str) -> None:
    """Write every planned strategy in one transaction: a failure leaves nothing behind."""
    from sqlalchemy.exc import SQLAlchemyError

    from observatory.store.strategies import save_strategy

    counts = ImportReport(report.path)
    try:
        with store.transaction(write=True) as session:
            for strategy, priorities in planned:
                result = save_strategy(session, strategy, priorities, actor=actor)
                if result.created:
                    counts.strategies_created += 1
                    counts.priorities += len(priorities)
                else:
                    counts.strategies_unchanged += 1
                counts.imported_rows += len(priorities)
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        raise InvalidInput(f"{path}: nothing imported: the store refused it ({reason})") from None
    report.strategies_created = counts.strategies_created
    report.strategies_unchanged = counts.strategies_unchanged
    report.priorities = counts.priorities
    report.imported_rows = counts.imported_rows
