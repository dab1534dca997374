"""The extraction review on a real store (SQLite, and PostgreSQL when configured) with a real
PDF: the PDF is kept by content, candidate lists are stored, unsure extractions wait in the
queue, a decision becomes the strategy's next version, and re-ingest keeps the reviewed list."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from observatory.documents import file_sha256, page_png
from observatory.domain import LabelCreate
from observatory.errors import InvalidInput
from observatory.extraction import (
    ExtractionStatus,
    ReviewedItem,
    candidate_lists,
    decide,
    list_queue,
    request_review,
    reviewed_list,
)
from observatory.extraction.view import extraction_view
from observatory.review.queue import enqueue
from observatory.settings import load_settings
from observatory.store.audit import audit_history
from observatory.store.labels import add_labels, current_labels
from observatory.store.strategies import get_strategy, list_strategies
from observatory.store.tables import ReviewTaskRow
from pipelines.ingest.job import ingest_file


def _settings(tmp_path: Path, review_below: float = 1.0):
    return load_settings(data_dir=tmp_path / "data", extraction_review_below=review_below)


def _current(store) -> tuple[int, list[str]]:
    with store.transaction() as session:
        (strategy,) = list_strategies(session)
        return strategy.id, [p.title for p in strategy.priorities]


def test_ingest_keeps_the_pdf_and_queues_an_unsure_extraction(store, strategy_pdf, tmp_path):
    settings = _settings(tmp_path)
    outcome = ingest_file(store, strategy_pdf, settings=settings)
    assert outcome.status == "created"
    sha = file_sha256(strategy_pdf)
    kept = settings.pdf_dir / f"{sha}.pdf"
    assert kept.read_bytes() == strategy_pdf.read_bytes()
    assert not [p for p in settings.pdf_dir.iterdir() if p.name.startswith(".tmp-")]
    with store.transaction() as session:
        strategy = get_strategy(session, outcome.strategy_id)
        assert strategy.extraction_status == ExtractionStatus.PENDING.value
        assert 0.0 <= strategy.extraction_confidence < 1.0
        lists = candidate_lists(session, outcome.strategy_id)
        chosen = [c for c in lists if c.chosen]
        assert len(chosen) == 1 and chosen[0].page == 2
        assert [i.title for i in chosen[0].items][:2] == ["Marine robotics", "Circular textiles"]
        assert any(not c.chosen and c.page == 3 for c in lists)  # the decoy objectives
        (entry,) = list_queue(session)
        assert (entry.strategy_id, entry.reason) == (outcome.strategy_id, "confidence")
        actions = [row.action for row in audit_history(session, "strategy", strategy.id)]
        assert actions == ["strategy.create", "extraction.queue"]
    image = page_png(kept, settings.page_image_dir, sha, 2)
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page_png(kept, settings.page_image_dir, sha, 2) == image  # cached


def test_a_confident_extraction_is_automatic_and_can_be_requested(store, strategy_pdf, tmp_path):
    outcome = ingest_file(store, strategy_pdf, settings=_settings(tmp_path, review_below=0.0))
    with store.transaction(write=True) as session:
        assert get_strategy(session, outcome.strategy_id).extraction_status == "automatic"
        assert list_queue(session) == []
        request_review(session, outcome.strategy_id, "ana", "the objectives look like domains")
        request_review(session, outcome.strategy_id, "ana")  # idempotent while pending
    with store.transaction() as session:
        (entry,) = list_queue(session)
        assert entry.reason == "request"
        view = extraction_view(session, outcome.strategy_id)
        assert [e.action for e in view.events] == ["request"]
        assert view.events[0].comment == "the objectives look like domains"


def test_decision_edits_adds_merges_removes_and_survives_reingest(store, strategy_pdf, tmp_path):
    settings = _settings(tmp_path)
    first = ingest_file(store, strategy_pdf, settings=settings)
    with store.transaction(write=True) as session:
        old = {p.title: p for p in get_strategy(session, first.strategy_id).priorities}
        marine, textiles = old["Marine robotics"].id, old["Circular textiles"].id
        marine_text = old["Marine robotics"].description
        add_labels(session, marine, [LabelCreate(taxonomy="nace", code="30", rank=1)])
        add_labels(session, textiles, [LabelCreate(taxonomy="nace", code="13", rank=1)])
        kept_task = enqueue(session, marine, "nace", doubt=0.4).id
        gone_task = enqueue(session, old["Precision forestry"].id, "nace", doubt=0.4).id
    items = [
        ReviewedItem("Marine robotics", marine_text, (2,), priority_id=marine),  # kept as it was
        ReviewedItem(
            "Circular textiles and fashion",  # renamed and merged with the dairy chains
            "Textiles and dairy, merged by the reviewer.",
            (2, 4),
            priority_id=textiles,
            merged_ids=(old["Smart dairy chains"].id,),
        ),
        ReviewedItem("Blue biotechnology", "Algae and marine enzymes.", (4,)),  # missed
    ]  # "Precision forestry" is removed
    with store.transaction(write=True) as session:
        outcome = decide(
            session, first.strategy_id, items, actor="rita", chosen_position=0, comment="ok"
        )
    assert outcome.kept == (marine,)
    assert outcome.renamed == (("Circular textiles", "Circular textiles and fashion"),)
    assert outcome.added == ("Blue biotechnology",)
    assert outcome.removed == ("Precision forestry",)
    assert outcome.merged == (("Smart dairy chains", "Circular textiles and fashion"),)
    reviewed_titles = ["Marine robotics", "Circular textiles and fashion", "Blue biotechnology"]
    with store.transaction() as session:
        new = get_strategy(session, outcome.strategy_id)
        assert (new.version, new.is_current, new.extraction_status) == (2, True, "reviewed")
        assert new.sha256 == file_sha256(strategy_pdf)
        assert not get_strategy(session, first.strategy_id).is_current
        assert [p.title for p in new.priorities] == reviewed_titles
        assert new.priorities[1].pages == [2, 4]
        carried = new.priorities[0]
        assert [label.code for label in current_labels(session, carried.id)] == ["30"]
        assert current_labels(session, new.priorities[1].id) == []  # renamed: tagged afresh
        assert session.get(ReviewTaskRow, kept_task).priority_id == carried.id
        assert session.get(ReviewTaskRow, gone_task).status == "closed"
        assert [i.title for i in reviewed_list(session, new.sha256)] == reviewed_titles
        audit = audit_history(session, "strategy", new.id)[-1]
        assert (audit.action, audit.actor, audit.comment) == ("extraction.review", "rita", "ok")
        assert audit.after["removed"] == ["Precision forestry"]
        assert [p["title"] for p in audit.before["priorities"]][:1] == ["Marine robotics"]
        assert list_queue(session) == []
    # the same file again: nothing changes; read again by the extractor: the list is kept
    again = ingest_file(store, strategy_pdf, settings=settings)
    assert (again.status, again.strategy_id) == ("unchanged", outcome.strategy_id)
    fresh = ingest_file(store, strategy_pdf, settings=settings, reextract=True)
    assert (fresh.status, fresh.strategy_id) == ("reviewed list kept", outcome.strategy_id)
    assert _current(store) == (outcome.strategy_id, reviewed_titles)


def test_reextract_replaces_an_unreviewed_extraction(
    store, strategy_pdf, tmp_path, strategy_titles
) -> None:
    settings = _settings(tmp_path)
    first = ingest_file(store, strategy_pdf, settings=settings)
    fresh = ingest_file(store, strategy_pdf, settings=settings, reextract=True)
    assert fresh.status == "re-extracted" and fresh.version == 2
    strategy_id, titles = _current(store)
    assert strategy_id == fresh.strategy_id != first.strategy_id
    assert titles == list(strategy_titles)
    with store.transaction() as session:
        assert get_strategy(session, strategy_id).extraction_status == "pending"
        assert len(candidate_lists(session, strategy_id)) >= 2


def test_bad_decisions_are_refused_and_change_nothing(store, strategy_pdf, tmp_path):
    first = ingest_file(store, strategy_pdf, settings=_settings(tmp_path))
    bad = [
        [],
        [ReviewedItem("Same"), ReviewedItem("same")],
        [ReviewedItem("Child", parent="Nobody")],
        [ReviewedItem("Other", priority_id=10_000)],
    ]
    for items in bad:
        with pytest.raises(InvalidInput), store.transaction(write=True) as session:
            decide(session, first.strategy_id, items, actor="rita")
    with pytest.raises(InvalidInput), store.transaction(write=True) as session:
        decide(session, first.strategy_id, [ReviewedItem("A")], actor="rita", chosen_position=9)
    with store.transaction() as session:
        assert [s.id for s in list_strategies(session)] == [first.strategy_id]
        assert session.scalars(select(ReviewTaskRow)).all() == []


def test_two_reviewers_deciding_at_once_make_one_version(store, strategy_pdf, tmp_path) -> None:
    import threading

    first = ingest_file(store, strategy_pdf, settings=_settings(tmp_path))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def review(name: str) -> None:
        barrier.wait()
        try:
            with store.transaction(write=True) as session:
                decide(session, first.strategy_id, [ReviewedItem(f"List of {name}")], actor=name)
            results.append("saved")
        except InvalidInput as exc:
            results.append(exc.message)

    threads = [threading.Thread(target=review, args=(name,)) for name in ("rita", "tom")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count("saved") == 1
    assert len(results) == 2 and any("no longer current" in r for r in results)
    with store.transaction() as session:
        assert len(list_strategies(session)) == 1
        assert len(list_strategies(session, current_only=False)) == 2
