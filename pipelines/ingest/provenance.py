"""What ingest keeps besides the priorities: the PDF itself (content-addressed in the data dir),
the extraction's candidate lists and confidence, and its place in the extraction review queue.

Re-ingesting a file that is already stored changes nothing. Re-extracting it (``ingest
--reextract``, after the extractor improved) refreshes its candidate lists, and replaces its
priorities with the fresh extraction only while no person has reviewed them: a reviewed list
always survives.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from observatory.documents import keep_pdf
from observatory.extraction import (
    CandidateItemIn,
    CandidateListIn,
    ExtractionStatus,
    ReviewedItem,
    decide,
    record_extraction,
)
from observatory.extraction.queue import store_candidates
from observatory.settings import Settings
from observatory.store.strategies import find_strategy_by_sha
from pipelines.ingest.extract import Extraction


def candidate_inputs(extraction: Extraction) -> list[CandidateListIn]:
    """The extraction's candidate lists in the store's terms."""
    return [
        CandidateListIn(
            kind=c.kind,
            heading=c.heading,
            page=c.page,
            score=float(c.score),
            chosen=bool(c.chosen),
            items=tuple(CandidateItemIn(i.title, i.page, i.description) for i in c.items),
        )
        for c in extraction.candidates
    ]


def keep_source(extraction: Extraction, settings: Settings) -> Path:
    """Keep the extraction's PDF under its content hash in the data dir."""
    return keep_pdf(settings.pdf_dir, Path(extraction.path), extraction.sha256)


def record_new_extraction(
    session: Session, strategy_id: int, extraction: Extraction, settings: Settings, actor: str
) -> ExtractionStatus:
    """Store the candidate lists and confidence of a newly stored strategy; queue it if unsure."""
    return record_extraction(
        session,
        strategy_id,
        confidence=extraction.confidence,
        candidates=candidate_inputs(extraction),
        review_below=settings.extraction_review_below,
        actor=actor,
    )


def extracted_items(extraction: Extraction) -> list[ReviewedItem]:
    """The extraction's priorities as a list to store (repeated titles once, as ``save_strategy``
    stores them)."""
    items: list[ReviewedItem] = []
    seen: set[str] = set()
    for p in extraction.priorities:
        title = " ".join(p.title.split())
        if title and title.casefold() not in seen:
            seen.add(title.casefold())
            items.append(ReviewedItem(title, p.description, tuple(p.pages), p.parent))
    return [
        item
        if not item.parent or item.parent.casefold() in seen
        else ReviewedItem(item.title, item.description, item.pages)
        for item in items
    ]


def refresh_extraction(
    session: Session, extraction: Extraction, settings: Settings, actor: str
) -> tuple[int, int, str]:
    """Apply a fresh extraction of a file already stored: ``(strategy_id, version, status)``.

    A reviewed strategy keeps its list (only the candidate lists shown to a later reviewer are
    refreshed); an unreviewed one gets the fresh priorities as its next version.
    """
    row = find_strategy_by_sha(session, extraction.sha256)
    if row is None:
        raise LookupError(f"no stored strategy has the content {extraction.sha256[:12]}")
    if not row.is_current:
        return row.id, row.version, "unchanged"
    if row.extraction_status == ExtractionStatus.REVIEWED.value:
        store_candidates(session, row.id, candidate_inputs(extraction))
        return row.id, row.version, "reviewed list kept"
    items = extracted_items(extraction)
    if not items:
        return row.id, row.version, "unchanged"
    outcome = decide(session, row.id, items, actor=actor, status=ExtractionStatus.AUTOMATIC)
    record_new_extraction(session, outcome.strategy_id, extraction, settings, actor)
    return outcome.strategy_id, row.version + 1, "re-extracted"
