"""Claims are enforced and cannot be hoarded (issue 15, finding 9), on SQLite and PostgreSQL.

The probe's scenario: one reviewer asking for "next" with other and other filters collected 19
of 21 open tasks while a colleague was told the queue was empty; and anyone could decide a task
nobody had claimed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from observatory.domain import Role
from observatory.errors import Conflict
from observatory.review import QueueFilters, claim_next, decide, doubt_score, enqueue, undo_last
from observatory.review.claims import MAX_LEASES_PER_REVIEWER
from observatory.store.tables import (
    PriorityRow,
    ReviewDecisionRow,
    ReviewTaskRow,
    StrategyRow,
    utcnow,
)
from observatory.users import Actor
from tests.store_fixtures import SEED_SUGGESTIONS

HOARDER = Actor("hoarder", Role.REVIEWER)
COLLEAGUE = Actor("colleague", Role.REVIEWER)
TAXONOMIES = ("nace", "nabs", "ecosystem")


def fill(store) -> int:
    """A task per seeded priority and taxonomy (6 x 3 = 18 open tasks)."""
    count = 0
    with store.transaction(write=True) as session:
        ids = list(session.scalars(select(PriorityRow.id).order_by(PriorityRow.id)))
        for priority_id in ids:
            for taxonomy in TAXONOMIES:
                enqueue(session, priority_id, taxonomy, doubt=doubt_score(0.4, 0.1))
                count += 1
    return count


def live_leases(store, reviewer: str, now) -> int:
    with store.transaction() as session:
        return session.scalar(
            select(func.count())
            .select_from(ReviewTaskRow)
            .where(ReviewTaskRow.claimed_by == reviewer, ReviewTaskRow.lease_expires_at > now)
        )


def every_filter(store) -> list[QueueFilters | None]:
    """Every filter a client could vary: taxonomies, countries, prefixes, strategies, codes."""
    with store.transaction() as session:
        strategies = list(session.scalars(select(StrategyRow.id)))
    codes = {code for row in SEED_SUGGESTIONS for value in row.values() for code in value[:2]}
    return [
        None,
        *(QueueFilters(taxonomy=t) for t in TAXONOMIES),
        *(QueueFilters(country=c) for c in ("ES", "FI")),
        *(QueueFilters(nuts_prefix=p) for p in ("E", "ES1", "FI1B")),
        *(QueueFilters(strategy_id=s) for s in strategies),
        *(QueueFilters(code=c) for c in sorted(codes)),
        *(QueueFilters(taxonomy=t, country=c) for t in TAXONOMIES for c in ("ES", "FI")),
    ]


def test_one_reviewer_asking_with_every_filter_holds_one_task(seeded_store) -> None:
    total = fill(seeded_store)
    filters = every_filter(seeded_store)
    assert len(filters) >= total  # enough different asks to hoard the whole queue before
    for each in filters:
        claim_next(seeded_store, HOARDER, each, lease=600)
    now = utcnow()
    assert live_leases(seeded_store, "hoarder", now) <= MAX_LEASES_PER_REVIEWER == 1
    # the colleague finds work: every task but the one in the hoarder's hands
    got = []
    for _ in range(total):
        task = claim_next(seeded_store, COLLEAGUE, lease=600)
        assert task is not None, f"told the queue is empty after {len(got)} of {total - 1}"
        got.append(task.task_id)
        decide(seeded_store, task.task_id, COLLEAGUE, "skip")
        if len(set(got)) == total - 1:
            break
    assert len(set(got)) == total - 1


def test_asking_again_with_a_matching_filter_gives_the_same_task(seeded_store) -> None:
    fill(seeded_store)
    first = claim_next(seeded_store, HOARDER, QueueFilters(taxonomy="nabs"))
    again = claim_next(seeded_store, HOARDER, QueueFilters(taxonomy="nabs"))
    assert again.task_id == first.task_id and again.taxonomy == "nabs"
    other = claim_next(seeded_store, HOARDER, QueueFilters(taxonomy="nace"))
    assert other.taxonomy == "nace"
    # switching released the nabs task: the colleague can take it
    assert claim_next(seeded_store, COLLEAGUE, QueueFilters(taxonomy="nabs")).task_id == (
        first.task_id
    )


def test_a_decision_needs_the_reviewers_live_claim(seeded_store) -> None:
    fill(seeded_store)
    with seeded_store.transaction() as session:
        unclaimed = session.scalar(select(ReviewTaskRow.id).order_by(ReviewTaskRow.id))
    with pytest.raises(Conflict, match="not claimed"):
        decide(seeded_store, unclaimed, HOARDER, "accept")
    task = claim_next(seeded_store, HOARDER, lease=60)
    later = task.lease_expires_at + timedelta(seconds=1)
    with pytest.raises(Conflict, match="lease"):
        decide(seeded_store, task.task_id, HOARDER, "accept", now=later)
    released = task.task_id
    claim_next(seeded_store, HOARDER, QueueFilters(taxonomy="ecosystem"))
    if task.taxonomy != "ecosystem":
        with pytest.raises(Conflict):
            decide(seeded_store, released, HOARDER, "accept")
    with seeded_store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReviewDecisionRow)) == 0


def test_undo_brings_the_task_back_as_the_only_one_in_hand(seeded_store) -> None:
    fill(seeded_store)
    task = claim_next(seeded_store, HOARDER)
    decide(seeded_store, task.task_id, HOARDER, "accept")
    held = claim_next(seeded_store, HOARDER)
    assert held.task_id != task.task_id
    undo_last(seeded_store, HOARDER)
    assert live_leases(seeded_store, "hoarder", utcnow()) == 1
    assert claim_next(seeded_store, HOARDER).task_id == task.task_id
