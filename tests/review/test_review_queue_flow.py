"""Queue, claims, decisions, undo and history on the real store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from observatory.domain import Role
from observatory.errors import Conflict, Forbidden, InvalidInput, NotFound
from observatory.review import (
    QueueFilters,
    ReviewService,
    TaskStatus,
    claim_next,
    decide,
    doubt_score,
    enqueue,
    flag,
    history,
    list_queue,
    queue_size,
    rejected_codes,
    undo_last,
)
from observatory.store.labels import current_labels
from observatory.store.tables import (
    AuditRow,
    PriorityRow,
    ReviewDecisionRow,
    ReviewTaskRow,
    utcnow,
)
from observatory.users import Actor
from tests.store_fixtures import SEED_SUGGESTIONS, SEED_TOP_PROBABILITY

ALICE = Actor("alice", Role.REVIEWER)
BOB = Actor("bob", Role.REVIEWER)
ANNA = Actor("anna", Role.ANALYST)
JUDGE = Actor("judge", Role.ADJUDICATOR)


def priority_ids(store) -> list[int]:
    with store.transaction() as session:
        return list(session.scalars(select(PriorityRow.id).order_by(PriorityRow.id)))


def enqueue_all(store, taxonomy: str = "nace", required_reviews: int = 1) -> list[int]:
    """Enqueue every seeded priority with the doubt its suggestions imply."""
    ids = []
    with store.transaction(write=True) as session:
        for priority_id, top in zip(priority_ids(store), SEED_TOP_PROBABILITY, strict=True):
            second = (1 - top) / 4 * 0.8
            task = enqueue(
                session,
                priority_id,
                taxonomy,
                doubt=doubt_score(top, top - second),
                model_version="v1",
                required_reviews=required_reviews,
            )
            ids.append(task.id)
    return ids


def test_doubt_score_orders_by_probability_margin_and_disagreement():
    assert doubt_score(1.0, 1.0) == 0.0
    assert doubt_score(0.0, 0.0, 1.0) == 1.0
    assert doubt_score(None, None) == pytest.approx(0.8)
    assert doubt_score(0.4, 0.1) > doubt_score(0.8, 0.1) > doubt_score(0.8, 0.6)
    assert doubt_score(0.6, 0.2, 0.5) == pytest.approx(0.5 * 0.4 + 0.3 * 0.8 + 0.2 * 0.5)


def test_enqueue_is_idempotent_and_queue_is_ordered_by_doubt(seeded_store):
    ids = enqueue_all(seeded_store)
    again = enqueue_all(seeded_store)
    assert ids == again
    with seeded_store.transaction() as session:
        assert queue_size(session) == 6
        items = list_queue(session)
        doubts = [item.doubt for item in items]
        assert doubts == sorted(doubts, reverse=True)
        # the least confident seed priority (p=0.30) comes first
        lowest = SEED_TOP_PROBABILITY.index(min(SEED_TOP_PROBABILITY))
        assert items[0].priority_id == priority_ids(seeded_store)[lowest]
        assert queue_size(session, QueueFilters(country="FI")) == 3
        assert queue_size(session, QueueFilters(nuts_prefix="es1")) == 3
        assert queue_size(session, QueueFilters(taxonomy="nabs")) == 0
        assert queue_size(session, QueueFilters(code="62")) == 2  # priorities 3 and 4 suggest it
        assert len(list_queue(session, limit=2, offset=5)) == 1
        with pytest.raises(InvalidInput):
            queue_size(session, QueueFilters(taxonomy="isic"))


def test_claim_gives_most_doubtful_first_with_lease_and_expiry(seeded_store):
    enqueue_all(seeded_store)
    now = utcnow()
    first = claim_next(seeded_store, ALICE, now=now, lease=60)
    second = claim_next(seeded_store, BOB, now=now, lease=60)
    assert first is not None and second is not None
    assert first.task_id != second.task_id
    assert first.doubt >= second.doubt
    assert [s.code for s in first.suggestions] == SEED_SUGGESTIONS[4]["nace"]
    assert first.lease_expires_at == now + timedelta(seconds=60)
    # once alice's lease runs out, her task is the most doubtful one again and goes to bob
    later = claim_next(seeded_store, BOB, now=now + timedelta(seconds=61), lease=60)
    assert later is not None and later.task_id == first.task_id
    with pytest.raises(Conflict):
        decide(seeded_store, first.task_id, ALICE, "accept", now=now + timedelta(seconds=62))
    with pytest.raises(Forbidden):
        claim_next(seeded_store, ANNA)


def test_accept_settles_labels_audit_and_listener(seeded_store):
    enqueue_all(seeded_store)
    heard = []
    service = ReviewService(seeded_store, on_confirmed=[lambda *args: heard.append(args)])
    task = service.claim_next(ALICE)
    result = service.decide(task.task_id, ALICE, "accept", comment="looks right")
    assert result.settled and result.task_status == TaskStatus.CLOSED
    top = task.suggestions[0].code
    assert result.codes == [top]
    assert heard == [(task.priority_id, "nace", [top], f"{task.title}. {task.description}")]
    with seeded_store.transaction() as session:
        labels = current_labels(session, task.priority_id, "nace")
        assert [(label.code, label.status, label.source_kind) for label in labels] == [
            (top, "accepted", "reviewer")
        ]
        assert labels[0].probability == task.suggestions[0].probability
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "review.accept")).one()
        assert audit.actor == "alice" and audit.comment == "looks right"
        assert audit.before["top"] == top and audit.after["codes"] == [top]
        # the other taxonomies of the priority are untouched
        assert len(current_labels(session, task.priority_id, "nabs")) == 5
    with pytest.raises(Conflict):
        decide(seeded_store, task.task_id, BOB, "accept")


def test_correct_validates_codes_and_reject_records_rejections(seeded_store):
    enqueue_all(seeded_store)
    task = claim_next(seeded_store, ALICE)
    with pytest.raises(InvalidInput):
        decide(seeded_store, task.task_id, ALICE, "correct", ["99.99"])
    with pytest.raises(InvalidInput):
        decide(seeded_store, task.task_id, ALICE, "correct", ["C"])  # a section, not a division
    with pytest.raises(InvalidInput):
        decide(seeded_store, task.task_id, ALICE, "accept", ["01"])  # not suggested
    with pytest.raises(Forbidden):
        decide(seeded_store, task.task_id, ANNA, "accept")
    result = decide(seeded_store, task.task_id, ALICE, "correct", ["1", "10", "01"])
    assert result.codes == ["01", "10"]
    with seeded_store.transaction() as session:
        labels = current_labels(session, task.priority_id, "nace")
        assert [(label.code, label.status) for label in labels] == [
            ("01", "corrected"),
            ("10", "corrected"),
        ]
        overridden = task.suggestions[0].code
        assert rejected_codes(session, task.priority_id, "nace", "v1") == {overridden}
        assert rejected_codes(session, task.priority_id, "nace", "v2") == set()

    other = claim_next(seeded_store, BOB)
    decide(seeded_store, other.task_id, BOB, "reject")
    with seeded_store.transaction() as session:
        assert current_labels(session, other.priority_id, "nace") == []
        assert rejected_codes(session, other.priority_id, "nace", "v1") == {
            s.code for s in other.suggestions
        }


def test_undo_restores_labels_and_hands_the_task_back(seeded_store):
    enqueue_all(seeded_store)
    task = claim_next(seeded_store, ALICE)
    before = {s.code for s in task.suggestions}
    decide(seeded_store, task.task_id, ALICE, "reject")
    undone = undo_last(seeded_store, ALICE)
    assert undone.action == "undo" and undone.task_status == TaskStatus.OPEN
    with seeded_store.transaction() as session:
        assert {label.code for label in current_labels(session, task.priority_id, "nace")} == before
        assert rejected_codes(session, task.priority_id, "nace", "v1") == set()
        decisions = session.scalars(select(ReviewDecisionRow).order_by(ReviewDecisionRow.id)).all()
        assert [(d.action, d.undoes_id) for d in decisions] == [
            ("reject", None),
            ("undo", decisions[0].id),
        ]
        row = session.get(ReviewTaskRow, task.task_id)
        assert row.claimed_by == "alice" and row.status == "open"
    # alice decides again, differently
    decide(seeded_store, task.task_id, ALICE, "accept")
    with pytest.raises(Conflict):
        decide(seeded_store, task.task_id, ALICE, "accept")
    with pytest.raises(NotFound):
        undo_last(seeded_store, BOB)
    with seeded_store.transaction() as session:
        entries = history(session, task.priority_id)
        with pytest.raises(NotFound):
            history(session, 10**6)
    kinds = {(e.kind, e.action) for e in entries}
    assert {("decision", "reject"), ("decision", "undo"), ("decision", "accept")} <= kinds
    assert ("label", "retire") in kinds and ("audit", "review.undo") in kinds


def test_undo_refused_once_the_task_moved_on(seeded_store):
    enqueue_all(seeded_store, required_reviews=2)
    task = claim_next(seeded_store, ALICE)
    decide(seeded_store, task.task_id, ALICE, "accept")
    bobs = claim_next(seeded_store, BOB)
    assert bobs.task_id == task.task_id  # still the most doubtful, bob has not decided it
    decide(seeded_store, task.task_id, BOB, "accept")
    with pytest.raises(Conflict):
        undo_last(seeded_store, ALICE)


def test_skip_releases_and_puts_the_task_last_for_that_reviewer(seeded_store):
    enqueue_all(seeded_store)
    first = claim_next(seeded_store, ALICE)
    skipped = decide(seeded_store, first.task_id, ALICE, "skip")
    assert not skipped.settled and skipped.task_status == "open"
    assert claim_next(seeded_store, BOB).task_id == first.task_id
    assert claim_next(seeded_store, ALICE).task_id != first.task_id


def test_double_review_agreement_settles_and_conflict_goes_to_adjudication(seeded_store):
    enqueue_all(seeded_store, required_reviews=2)
    task = claim_next(seeded_store, ALICE)
    first = decide(seeded_store, task.task_id, ALICE, "accept")
    assert not first.settled and first.task_status == "open"
    with seeded_store.transaction() as session:  # labels wait for the second reviewer
        assert all(
            label.source_kind == "model"
            for label in current_labels(session, task.priority_id, "nace")
        )
    # alice never gets the task again; bob does
    assert claim_next(seeded_store, ALICE).task_id != task.task_id
    assert claim_next(seeded_store, BOB).task_id == task.task_id
    second = decide(seeded_store, task.task_id, BOB, "correct", ["62"])
    assert second.task_status == "adjudication" and not second.settled
    assert claim_next(seeded_store, Actor("carol", Role.REVIEWER), QueueFilters()).task_id != (
        task.task_id
    )
    with pytest.raises(Forbidden):
        decide(seeded_store, task.task_id, Actor("carol", Role.REVIEWER), "accept")
    judged = claim_next(seeded_store, JUDGE)
    assert judged.task_id == task.task_id and judged.status == "adjudication"
    final = decide(seeded_store, task.task_id, JUDGE, "correct", ["62"])
    assert final.settled and final.task_status == "closed"
    with seeded_store.transaction() as session:
        assert [label.code for label in current_labels(session, task.priority_id, "nace")] == ["62"]


def test_flag_puts_a_reviewed_pair_back_on_top(seeded_store):
    enqueue_all(seeded_store)
    task = claim_next(seeded_store, ALICE)
    decide(seeded_store, task.task_id, ALICE, "accept")
    with seeded_store.transaction(write=True) as session:
        flagged = flag(session, task.priority_id, "nace", "anna", "this is about fishing")
    assert flagged.id != task.task_id and flagged.reason == "flag"
    claimed = claim_next(seeded_store, BOB)
    assert claimed.task_id == flagged.id and claimed.doubt == 1.0
    assert [s.code for s in claimed.suggestions] == [task.suggestions[0].code]


def test_decision_rows_are_append_only(seeded_store):
    enqueue_all(seeded_store)
    task = claim_next(seeded_store, ALICE)
    decide(seeded_store, task.task_id, ALICE, "accept")
    refused = pytest.raises(Exception, match="append-only")  # the driver's error class varies
    with refused, seeded_store.transaction(write=True) as session:
        session.execute(text("DELETE FROM review_decisions"))


def test_undo_of_a_per_code_decision_restores_the_set(seeded_store):
    from observatory.review import SetDecision

    enqueue_all(seeded_store)
    task = claim_next(seeded_store, ALICE)
    members = [m.code for m in task.code_set]
    assert len(members) >= 2  # the most doubtful seed item has a set of several codes
    verdicts = {code: "reject" for code in members} | {members[-1]: "accept"}
    result = decide(seeded_store, task.task_id, ALICE, "set", code_set=SetDecision(verdicts))
    assert result.codes == [members[-1]] and result.rejected_codes == members[:-1]
    with seeded_store.transaction() as session:
        assert rejected_codes(session, task.priority_id, "nace", "v1") == set(members[:-1])
    undo_last(seeded_store, ALICE)
    with seeded_store.transaction() as session:
        restored = current_labels(session, task.priority_id, "nace")
        assert [label.code for label in restored if label.in_set] == members
        assert {label.status for label in restored} == {"suggested"}
        assert rejected_codes(session, task.priority_id, "nace", "v1") == set()
