"""The classification job on a real store with the real MiniLM classifier."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import build_cli
from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.settings import load_settings
from observatory.store.labels import add_labels, current_labels, retire_labels
from observatory.store.strategies import save_strategy
from observatory.store.tables import LabelRow, ReviewTaskRow
from pipelines.classify.job import classify_priorities, model_version, seed_examples

PRIORITIES = [
    PriorityCreate(title="Dairy and cheese production",
                   description="Milk processing, cheese making and dairy cooperatives."),
    PriorityCreate(title="Offshore wind energy",
                   description="Wind turbines at sea, grid connection and maintenance."),
    PriorityCreate(title="Hospitals and e-health", description="Digital health services."),
]  # fmt: skip


@pytest.fixture
def small_store(store):
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="Testland S3", nuts_code="NL1", country="NL", language="en",
                           source_kind="import", key="testland"),
            PRIORITIES,
        )  # fmt: skip
    store.priority_ids = saved.priority_ids
    return store


def _settings(tmp_path: Path, probability: float, margin: float):
    return load_settings(
        data_dir=tmp_path, auto_accept_probability=probability, auto_accept_margin=margin
    )


def test_every_priority_gets_ranked_labels_with_provenance(small_store, classifier, tmp_path):
    report = classify_priorities(small_store, classifier, _settings(tmp_path, 1.0, 1.0))
    assert report.priorities == 3
    with small_store.transaction() as session:
        for pid in small_store.priority_ids:
            for taxonomy in ("nace", "nabs", "ecosystem"):
                labels = current_labels(session, pid, taxonomy)
                assert [label.rank for label in labels] == list(range(1, len(labels) + 1))
                assert labels and all(
                    label.model_version == report.model_version for label in labels
                )
        dairy = current_labels(session, small_store.priority_ids[0], "nace")
        assert "10" in [label.code for label in dairy[:3]]
        # an impossible gate sends every pair to review
        assert session.scalar(select(func.count()).select_from(ReviewTaskRow)) == 9


def test_an_open_gate_auto_accepts_top_codes_and_queues_only_further_members(
    small_store, classifier, tmp_path
):
    report = classify_priorities(small_store, classifier, _settings(tmp_path, 0.0, 0.0))
    assert sum(report.auto_accepted.values()) == 9
    with small_store.transaction() as session:
        statuses = {label.status for label in session.scalars(
            select(LabelRow).where(LabelRow.rank == 1))}  # fmt: skip
        assert statuses == {"auto_accepted"}
        # each member of a set is gated on its own: a pair waits for review while any member
        # did not pass (the minimal gate never passes a further member)
        members = list(session.scalars(select(LabelRow).where(LabelRow.in_set.is_(True))))
        pairs = {(m.priority_id, m.taxonomy) for m in members if m.status != "auto_accepted"}
        tasks = {(task.priority_id, task.taxonomy) for task in session.scalars(
            select(ReviewTaskRow))}  # fmt: skip
        assert tasks == pairs
        assert sum(report.queued.values()) == len(pairs)


def test_reviewed_labels_are_kept_and_rejected_codes_not_suggested(
    small_store, classifier, tmp_path
):
    settings = _settings(tmp_path, 1.0, 1.0)
    first, second, _ = small_store.priority_ids
    with small_store.transaction(write=True) as session:
        add_labels(
            session,
            first,
            [
                LabelCreate(
                    taxonomy="nace",
                    code="01",
                    status="accepted",
                    source_kind="reviewer",
                    reviewer="ana",
                )
            ],
        )
        rejected = add_labels(
            session,
            second,
            [
                LabelCreate(
                    taxonomy="nace",
                    code="35",
                    status="rejected",
                    source_kind="reviewer",
                    reviewer="ana",
                    model_version=model_version(classifier),
                )
            ],
        )
        retire_labels(session, rejected)
        rejected[0].retired_at = None  # a live rejection: retired from force, not undone
    report = classify_priorities(small_store, classifier, settings)
    assert report.kept_reviewed == {"nace": 1}
    with small_store.transaction() as session:
        assert [label.code for label in current_labels(session, first, "nace")] == ["01"]
        assert "35" not in {label.code for label in current_labels(session, second, "nace")}


def test_reviewed_labels_become_classifier_examples(small_store, classifier):
    pid = small_store.priority_ids[2]
    with small_store.transaction(write=True) as session:
        add_labels(
            session,
            pid,
            [
                LabelCreate(
                    taxonomy="ecosystem", code="health", status="accepted", source_kind="reviewer"
                )
            ],
        )
    own = classifier.fork()
    assert seed_examples(small_store, own) == 1
    assert len(own.models["ecosystem"].examples) == 1
    assert len(classifier.models["ecosystem"].examples) == 0


def test_cli_requires_a_selection() -> None:
    result = CliRunner().invoke(build_cli(), ["classify"])
    assert result.exit_code != 0
