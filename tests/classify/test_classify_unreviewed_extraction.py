"""The classify job never auto-accepts tags of priorities whose extraction waits for review,
even with a gate that accepts everything; once the list is reviewed, the gate applies again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from observatory.domain import PriorityCreate, StrategyCreate
from observatory.extraction import ReviewedItem, decide, request_review
from observatory.settings import load_settings
from observatory.store.strategies import save_strategy
from observatory.store.tables import LabelRow, ReviewTaskRow
from pipelines.classify.job import classify_priorities

PRIORITIES = [
    PriorityCreate(title="Dairy and cheese production", description="Milk processing plants."),
    PriorityCreate(title="Offshore wind energy", description="Wind turbines at sea."),
]


def test_pending_extraction_routes_every_tag_to_review(store, classifier, tmp_path: Path) -> None:
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="Testland S3", nuts_code="NL1", country="NL", language="en"),
            PRIORITIES,
        )
        request_review(session, saved.strategy_id, "ana")
    open_gate = load_settings(
        data_dir=tmp_path, auto_accept_probability=0.0, auto_accept_margin=0.0
    )
    report = classify_priorities(store, classifier, open_gate)
    assert report.auto_accepted == {} and sum(report.queued.values()) == 6
    with store.transaction() as session:
        statuses = set(session.scalars(select(LabelRow.status)))
        assert statuses == {"suggested"}
        assert len(session.scalars(select(ReviewTaskRow)).all()) == 6
    with store.transaction(write=True) as session:
        items = [ReviewedItem(p.title, p.description) for p in PRIORITIES]
        reviewed = decide(session, saved.strategy_id, items, actor="rita")
    report = classify_priorities(store, classifier, open_gate, strategy_id=reviewed.strategy_id)
    assert sum(report.auto_accepted.values()) == 6
