"""The ingest job: PDFs -> extraction -> store, one transaction per document, idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from observatory.domain import validation_message
from observatory.errors import ObservatoryError, UnprocessableFile
from observatory.settings import Settings, load_settings
from pipelines.ingest.extract import Extraction, extract, file_sha256
from pipelines.ingest.pdf_text import DEFAULT_MAX_BYTES, check_file
from pipelines.ingest.territory import check_overrides, region_registry


@dataclass
class IngestOutcome:
    """What happened to one file."""

    path: str
    status: str  # "created" | "new version" | "unchanged" | "re-extracted" | "reviewed list kept"
    # | "failed"
    strategy_id: int | None = None
    version: int | None = None
    priorities: int = 0
    reason: str | None = None


def collect_pdfs(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the PDFs they hold (sorted); files and missing paths pass through."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf"))
        else:
            found.append(path)
    return found


def save_extraction(
    store: object,
    extraction: Extraction,
    *,
    actor: str = "ingest",
    settings: Settings | None = None,
) -> tuple:
    """Store one extraction in its own transaction; returns the store's ``SaveResult``.

    The PDF is kept in the data dir, and the candidate lists and confidence go with the new
    strategy version (which waits for an extraction review when the confidence is low).
    """
    from observatory.domain import PriorityCreate, StrategyCreate
    from observatory.store.strategies import save_strategy
    from pipelines.ingest.provenance import keep_source, record_new_extraction

    settings = settings or load_settings()
    keep_source(extraction, settings)

    meta = extraction.strategy
    strategy = StrategyCreate(
        title=meta.title or Path(extraction.path).stem,
        region=meta.region,
        nuts_code=meta.nuts_code,
        country=meta.country,
        language=meta.language,
        period=meta.period,
        source_kind="pdf",
        source_path=extraction.path,
        sha256=extraction.sha256,
        pages=extraction.page_count,
        warnings=extraction.warnings,
    )
    priorities = [
        PriorityCreate(
            title=p.title,
            description=p.description,
            pages=p.pages,
            parent=p.parent,
            keywords=p.keywords,
            confidence=p.confidence,
            language=meta.language,
        )
        for p in extraction.priorities
    ]
    with store.transaction(write=True) as session:  # type: ignore[attr-defined]
        result = save_strategy(session, strategy, priorities, actor=actor)
        if result.created:
            record_new_extraction(session, result.strategy_id, extraction, settings, actor)
        return result


def reextract_stored(
    store: object,
    extraction: Extraction,
    *,
    actor: str = "ingest",
    settings: Settings | None = None,
) -> tuple[int, int, str]:
    """Apply a fresh extraction of stored bytes (a reviewed list is kept; see ``provenance``)."""
    from pipelines.ingest.provenance import keep_source, refresh_extraction

    settings = settings or load_settings()
    keep_source(extraction, settings)
    with store.transaction(write=True) as session:  # type: ignore[attr-defined]
        return refresh_extraction(session, extraction, settings, actor)


def _already_stored(store: object, sha256: str) -> tuple[int, int] | None:
    from observatory.store.strategies import find_strategy_by_sha

    with store.transaction() as session:  # type: ignore[attr-defined]
        row = find_strategy_by_sha(session, sha256)
        return (row.id, row.version) if row is not None else None


def ingest_file(
    store: object,
    path: Path,
    *,
    overrides: dict[str, str | None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    actor: str = "ingest",
    settings: Settings | None = None,
    reextract: bool = False,
) -> IngestOutcome:
    """Extract and store one PDF; unreadable files come back as ``failed`` with the reason.

    Bytes already stored are not read again, unless ``reextract``: then the fresh extraction
    replaces an unreviewed one, and a reviewed list is kept.
    """
    try:
        check_file(path, max_bytes)
        stored = _already_stored(store, file_sha256(path))
        if stored is not None and not reextract:  # same bytes: nothing to extract or write
            return IngestOutcome(str(path), "unchanged", stored[0], stored[1])
        extraction = extract(path, max_bytes=max_bytes, overrides=overrides)
        if stored is not None:
            strategy_id, version, status = reextract_stored(
                store, extraction, actor=actor, settings=settings
            )
            return IngestOutcome(
                str(path), status, strategy_id, version, len(extraction.priorities)
            )
        result = save_extraction(store, extraction, actor=actor, settings=settings)
    except UnprocessableFile as exc:
        return IngestOutcome(str(path), "failed", reason=exc.reason)
    except ObservatoryError as exc:
        return IngestOutcome(str(path), "failed", reason=exc.message)
    except ValidationError as exc:  # metadata the store cannot hold (checked before writing)
        return IngestOutcome(str(path), "failed", reason=validation_message(exc))
    except SQLAlchemyError as exc:  # the store refused the document: the others go on
        reason = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        return IngestOutcome(str(path), "failed", reason=f"the store refused it ({reason})")
    status = (
        "unchanged" if not result.created else ("new version" if result.version > 1 else "created")
    )
    return IngestOutcome(
        str(path), status, result.strategy_id, result.version, len(extraction.priorities)
    )


def ingest_paths(
    store: object,
    paths: Iterable[Path],
    *,
    overrides: dict[str, str | None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_done: Callable[[IngestOutcome], None] | None = None,
    settings: Settings | None = None,
    reextract: bool = False,
) -> list[IngestOutcome]:
    """Ingest every file (folders expanded); a failure never stops the others.

    Bad ``overrides`` raise ``InvalidInput`` before any file is read."""
    overrides = check_overrides(overrides, region_registry())
    outcomes = []
    for path in collect_pdfs(paths):
        outcome = ingest_file(
            store,
            path,
            overrides=overrides,
            max_bytes=max_bytes,
            settings=settings,
            reextract=reextract,
        )
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return outcomes
