"""The manual route: priorities typed by analysts or sent by regions, from CSV or XLSX.

Rows are validated one by one; every bad row is reported with its line number (the header is
line 1). Nothing is imported if any row is bad, unless ``skip_invalid``. Rows are grouped into
strategies by (nuts_code or region, strategy_title, period); each strategy is stored in its own
transaction and is idempotent by a hash of its rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observatory.errors import InvalidInput, ObservatoryError, UnprocessableFile

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
)


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
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise UnprocessableFile(str(path), f"cannot read table ({exc})") from None
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if "region" not in frame.columns and "nuts_code" not in frame.columns:
        missing.append("region or nuts_code")
    if missing:
        raise UnprocessableFile(str(path), f"missing column(s): {', '.join(missing)}", line=1)
    return [{k: str(v).strip() for k, v in row.items()} for row in frame.to_dict("records")]


def _validate(row: dict[str, str], registry: Any) -> dict[str, Any]:
    """Check one row; returns the cleaned row or raises InvalidInput with the reason."""
    if not row.get("title"):
        raise InvalidInput("title is empty")
    if not row.get("region") and not row.get("nuts_code"):
        raise InvalidInput("needs a region or a nuts_code")
    nuts_code = row.get("nuts_code", "").upper() or None
    country = row.get("country", "").upper() or None
    region_name = row.get("region") or None
    if registry is not None:
        if nuts_code:
            region = registry.get(nuts_code)  # NotFound names the closest codes
        else:
            region = registry.resolve(region_name, country=country)
            nuts_code = region.code
        country = country or region.country
        region_name = region_name or region.name
    if country and len(country) != 2:
        raise InvalidInput(f"country must be a 2-letter code, got {country!r}")
    pages: list[int] = []
    for part in row.get("pages", "").replace(";", ",").split(","):
        if part.strip():
            if not part.strip().isdigit() or int(part) < 1:
                raise InvalidInput(f"pages must be positive integers, got {part.strip()!r}")
            pages.append(int(part))
    keywords = [
        k.strip() for k in row.get("keywords", "").replace(";", ",").split(",") if k.strip()
    ]
    return {
        "title": " ".join(row["title"].split()),
        "description": row.get("description", ""),
        "region": region_name,
        "nuts_code": nuts_code,
        "country": country,
        "language": row.get("language") or None,
        "period": row.get("period") or None,
        "strategy_title": row.get("strategy_title") or None,
        "parent": row.get("parent") or None,
        "keywords": keywords,
        "pages": pages,
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
) -> ImportReport:
    """Validate and import a priorities table; raise InvalidInput listing every bad row."""
    from observatory.domain import PriorityCreate, StrategyCreate
    from observatory.store.strategies import save_strategy

    rows = _read_rows(path)
    report = ImportReport(str(path), rows=len(rows))
    registry = _registry()
    valid: list[tuple[int, dict[str, Any]]] = []
    bad_lines: set[int] = set()
    for index, row in enumerate(rows):
        line = index + 2
        try:
            valid.append((line, _validate(row, registry)))
        except ObservatoryError as exc:
            report.errors.append(f"{path}:{line}: {exc.message}")
            bad_lines.add(line)
    groups: dict[tuple, list[tuple[int, dict[str, Any]]]] = {}
    for line, row in valid:
        key = (row["nuts_code"] or row["region"], row["strategy_title"], row["period"])
        groups.setdefault(key, []).append((line, row))
    for members in groups.values():
        titles = {row["title"].casefold() for _, row in members}
        for line, row in members:
            if row["parent"] and row["parent"].casefold() not in titles:
                report.errors.append(
                    f"{path}:{line}: parent {row['parent']!r} is not a title of the same strategy"
                )
                bad_lines.add(line)
    if report.errors and not skip_invalid:
        raise InvalidInput(
            f"{path}: {len(report.errors)} invalid row(s); nothing imported "
            "(use --skip-invalid to import the valid rows)",
            errors=report.errors,
        )
    report.skipped_rows = len(bad_lines)
    for members in groups.values():
        members = [(line, row) for line, row in members if line not in bad_lines]
        kept = {row["title"].casefold() for _, row in members}
        members = [(n, r) for n, r in members if not r["parent"] or r["parent"].casefold() in kept]
        if not members:
            continue
        first = members[0][1]
        digest = hashlib.sha256(
            json.dumps([row for _, row in members], sort_keys=True).encode()
        ).hexdigest()
        strategy = StrategyCreate(
            title=first["strategy_title"] or f"{first['region'] or first['nuts_code']} priorities",
            region=first["region"],
            nuts_code=first["nuts_code"],
            country=first["country"],
            language=first["language"],
            period=first["period"],
            source_kind="import",
            source_path=None,
            sha256=digest,
            key=f"import:{first['nuts_code'] or first['region']}:{first['strategy_title'] or ''}"
            f":{first['period'] or ''}",
        )
        # parents first, so that the store can link each sub-priority to its parent
        ordered = sorted(members, key=lambda item: item[1]["parent"] is not None)
        priorities = [
            PriorityCreate(
                title=row["title"],
                description=row["description"],
                pages=row["pages"],
                parent=row["parent"],
                keywords=row["keywords"],
                language=row["language"],
            )
            for _, row in ordered
        ]
        with store.transaction(write=True) as session:
            result = save_strategy(session, strategy, priorities, actor=actor)
        if result.created:
            report.strategies_created += 1
            report.priorities += len(priorities)
        else:
            report.strategies_unchanged += 1
        report.imported_rows += len(members)
    return report
