"""Agreement statistics, reviewer and model figures, bulk accept and the gold export."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from observatory.domain import Role
from observatory.errors import Forbidden
from observatory.review import (
    QueueFilters,
    agreement,
    bulk_accept,
    claim_next,
    cohen_kappa,
    decide,
    export_gold,
    krippendorff_alpha_nominal,
    model_precision,
    queue_stats,
    reviewer_stats,
    undo_last,
)
from observatory.review.queue import enqueue
from observatory.store.labels import current_labels
from observatory.store.tables import PriorityRow
from observatory.users import Actor
from tests.store_fixtures import SEED_STRATEGIES, SEED_SUGGESTIONS, SEED_TOP_PROBABILITY

ALICE = Actor("alice", Role.REVIEWER)
BOB = Actor("bob", Role.REVIEWER)
CAROL = Actor("carol", Role.REVIEWER)


def test_cohen_kappa_matches_hand_computation():
    # 10 items: 4 yes/yes, 2 yes/no, 1 no/yes, 3 no/no -> p_o = 0.7, p_e = 0.6*0.5 + 0.4*0.5
    first = ["y"] * 6 + ["n"] * 4
    second = ["y"] * 4 + ["n"] * 2 + ["y"] + ["n"] * 3
    assert cohen_kappa(first, second) == pytest.approx((0.7 - 0.5) / 0.5)
    # p_o = 2/3, p_e = 2/3*1/3 + 1/3*2/3 = 4/9 -> (6/9 - 4/9) / (5/9)
    assert cohen_kappa(["a", "a", "b"], ["a", "b", "b"]) == pytest.approx(2 / 5)
    assert cohen_kappa(["a", "a"], ["a", "a"]) == 1.0
    with pytest.raises(ValueError):
        cohen_kappa(["a"], [])


def test_krippendorff_alpha_matches_hand_computation():
    # coincidences o_aa=2, o_ab=o_ba=1, o_bb=2; n=6; D_o=2, D_e=(36-18)/5 -> 1 - 2/3.6
    assert krippendorff_alpha_nominal([["a", "a"], ["a", "b"], ["b", "b"]]) == pytest.approx(
        1 - 2 / 3.6
    )
    # Krippendorff's own worked example (4 coders, 12 units, missing values): alpha = 0.743
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [[c[i] for c in coders if c[i] is not None] for i in range(12)]
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha_nominal([["x", "x", "x"], ["x", "x"]]) == 1.0
    with pytest.raises(ValueError):
        krippendorff_alpha_nominal([["only one"]])


def enqueue_seed(store, taxonomy: str = "nace", required_reviews: int = 1) -> None:
    with store.transaction(write=True) as session:
        ids = list(session.scalars(select(PriorityRow.id).order_by(PriorityRow.id)))
        for priority_id, top in zip(ids, SEED_TOP_PROBABILITY, strict=True):
            enqueue(
                session,
                priority_id,
                taxonomy,
                doubt=1 - top,
                model_version="v1",
                required_reviews=required_reviews,
            )


def test_reviewer_and_model_figures(seeded_store):
    enqueue_seed(seeded_store)
    outcomes = []
    for action, codes in (("accept", None), ("accept", None), ("correct", ["62"])):
        task = claim_next(seeded_store, ALICE)
        decide(seeded_store, task.task_id, ALICE, action, codes)
        outcomes.append(task)
    task = claim_next(seeded_store, BOB)
    decide(seeded_store, task.task_id, BOB, "reject")
    undo_last(seeded_store, BOB)
    with seeded_store.transaction() as session:
        stats = {s.reviewer: s for s in reviewer_stats(session)}
        alice = stats["alice"]
        assert alice.decisions == 3 and alice.by_action == {"accept": 2, "correct": 1}
        assert alice.model_agreement == pytest.approx(2 / 3)
        assert alice.per_hour == pytest.approx(3 * 60, rel=1e-6)  # a burst counts as a minute
        assert alice.peer_agreement is None
        assert stats["bob"].decisions == 0 and stats["bob"].undone == 1
        assert [s.reviewer for s in reviewer_stats(session, "bob")] == ["bob"]
        assert queue_stats(session) == {"nace": {"open": 3, "adjudication": 0, "closed": 3}}
        precision = model_precision(session)["nace"]
        assert (precision.reviewed, precision.top1_accepted) == (3, 2)
        assert precision.precision == pytest.approx(2 / 3)
        languages = {t.priority_id: t.language for t in outcomes}
        expected: dict[str, list[int]] = {}
        for task, hit in zip(outcomes, (1, 1, 0), strict=True):
            counts = expected.setdefault(languages[task.priority_id], [0, 0])
            counts[0] += 1
            counts[1] += hit
        assert {
            k: [v["reviewed"], v["top1_accepted"]] for k, v in precision.by_language.items()
        } == (expected)


def test_agreement_and_peer_figures_on_double_review(seeded_store):
    enqueue_seed(seeded_store, required_reviews=2)
    for round_number in range(4):
        task = claim_next(seeded_store, ALICE)
        decide(seeded_store, task.task_id, ALICE, "accept")
        assert claim_next(seeded_store, BOB).task_id == task.task_id
        if round_number < 3:
            decide(seeded_store, task.task_id, BOB, "accept")
        else:
            decide(seeded_store, task.task_id, BOB, "correct", ["62"])
    with seeded_store.transaction() as session:
        result = agreement(session)["nace"]
        stats = {s.reviewer: s for s in reviewer_stats(session)}
    assert result.method == "cohen_kappa" and result.items == 4 and result.reviewers == 2
    # alice: 4 distinct top codes; bob: the same 3 then "62": p_o = 3/4, p_e = 3/16
    assert result.value == pytest.approx((12 / 16 - 3 / 16) / (13 / 16))
    assert result.percent_agreement == 0.75
    assert stats["alice"].peer_agreement == stats["bob"].peer_agreement == 0.75
    assert stats["alice"].peer_pairs == 4
    carol_task = claim_next(seeded_store, CAROL)
    assert carol_task.status == "open"  # carol is no adjudicator: the conflict is not hers


def test_bulk_accept_dry_run_then_accepts_confident_tasks(seeded_store):
    enqueue_seed(seeded_store)
    confident = sum(p >= 0.9 for p in SEED_TOP_PROBABILITY)
    preview = bulk_accept(seeded_store, ALICE, None, 0.9)
    assert preview.dry_run and preview.count == confident == len(preview.task_ids)
    fi_only = bulk_accept(seeded_store, ALICE, QueueFilters(country="FI"), 0.9)
    assert fi_only.count == 1
    with pytest.raises(Forbidden):
        bulk_accept(seeded_store, Actor("anna", Role.ANALYST), None, 0.9)
    heard = []
    done = bulk_accept(
        seeded_store, ALICE, None, 0.9, dry_run=False, listeners=[lambda *a: heard.append(a)]
    )
    assert done.task_ids == preview.task_ids and len(heard) == confident
    assert bulk_accept(seeded_store, ALICE, None, 0.9).count == 0
    with seeded_store.transaction() as session:
        for priority_id, _taxonomy, codes, _text in heard:
            labels = current_labels(session, priority_id, "nace")
            assert [(label.code, label.status) for label in labels] == [(codes[0], "accepted")]


def test_export_gold_writes_reviewed_priorities(seeded_store, tmp_path):
    enqueue_seed(seeded_store, "nace")
    enqueue_seed(seeded_store, "ecosystem")
    nace_task = claim_next(seeded_store, ALICE, QueueFilters(taxonomy="nace"))
    decide(seeded_store, nace_task.task_id, ALICE, "correct", ["62", "26"])
    eco_task = claim_next(seeded_store, ALICE, QueueFilters(taxonomy="ecosystem"))
    decide(seeded_store, eco_task.task_id, ALICE, "accept")
    rejected = claim_next(seeded_store, ALICE, QueueFilters(taxonomy="nace"))
    decide(seeded_store, rejected.task_id, ALICE, "reject")  # no replacement: no gold codes
    path = tmp_path / "out" / "GOLD.csv"
    with seeded_store.transaction() as session:
        written = export_gold(session, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert written == len(rows) == 1  # the lowest-probability priority, in both taxonomies
    row = rows[0]
    assert list(row) == ["id", "text", "language", "nace", "nabs", "ecosystem"]
    assert row["id"] == str(nace_task.priority_id) == str(eco_task.priority_id)
    assert row["nace"] == "62;26" and row["nabs"] == ""
    lowest = SEED_TOP_PROBABILITY.index(min(SEED_TOP_PROBABILITY))
    assert row["ecosystem"] == SEED_SUGGESTIONS[lowest]["ecosystem"][0]
    priority = [p for _s, ps in SEED_STRATEGIES for p in ps][lowest]
    assert row["text"] == f"{priority.title}. {priority.description}"
    assert row["language"] == "en"


def test_bulk_accept_takes_every_member_of_the_set_that_reaches_the_probability(seeded_store):
    from observatory.domain import LabelCreate
    from observatory.store.labels import add_labels, retire_labels

    with seeded_store.transaction(write=True) as session:
        priority_id = session.scalar(select(PriorityRow.id).order_by(PriorityRow.id))
        retire_labels(session, current_labels(session, priority_id, "nace"))
        add_labels(session, priority_id, [
            LabelCreate(taxonomy="nace", code=code, probability=p, rank=rank, in_set=member,
                        model_id="test-model", model_version="v1")
            for rank, (code, p, member) in enumerate(
                [("03", 0.55, True), ("10", 0.41, True), ("11", 0.2, True), ("50", 0.04, False)],
                start=1)
        ])  # fmt: skip
        enqueue(session, priority_id, "nace", doubt=0.5, model_version="v1")
    done = bulk_accept(seeded_store, ALICE, QueueFilters(taxonomy="nace"), 0.4, dry_run=False)
    assert done.count == 1
    with seeded_store.transaction() as session:
        labels = current_labels(session, priority_id, "nace")
        assert [(label.code, label.status) for label in labels] == [
            ("03", "accepted"),
            ("10", "accepted"),
        ]
