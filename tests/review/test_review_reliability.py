"""Reliability on the real store: many concurrent reviewers, and a process killed mid-decision."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from observatory.domain import PriorityCreate, Role, StrategyCreate
from observatory.review import claim_next, decide, doubt_score, enqueue
from observatory.store.labels import add_labels, current_labels
from observatory.store.strategies import save_strategy
from observatory.store.tables import AuditRow, ReviewDecisionRow, ReviewTaskRow, utcnow
from observatory.users import Actor
from tests.store_fixtures import suggestion_labels

REPO = Path(__file__).resolve().parents[2]
REVIEWERS = 20
PRIORITIES = 20  # x 3 taxonomies = 60 tasks
CODES = {
    "nace": ["10", "62", "72", "21", "26"],
    "nabs": ["01", "02", "03", "04", "05"],
    "ecosystem": ["health", "digital", "tourism", "retail", "textile"],
}


def fill_queue(store) -> list[int]:
    """A strategy of PRIORITIES priorities, each with suggestions and a task per taxonomy."""
    task_ids = []
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="Load test strategy", country="IT", nuts_code="ITC4", key="load"),
            [PriorityCreate(title=f"Priority number {i}") for i in range(PRIORITIES)],
        )
        for index, priority_id in enumerate(saved.priority_ids):
            top = 0.3 + 0.6 * index / PRIORITIES
            for taxonomy, codes in CODES.items():
                add_labels(session, priority_id, suggestion_labels(taxonomy, codes, top))
                task = enqueue(session, priority_id, taxonomy, doubt=doubt_score(top, top / 2))
                task_ids.append(task.id)
    return task_ids


def test_concurrent_reviewers_never_share_an_item_nor_lose_a_decision(store):
    task_ids = fill_queue(store)
    claims: list[tuple[str, int]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(REVIEWERS)

    def work(name: str) -> None:
        reviewer = Actor(name, Role.REVIEWER)
        try:
            start.wait()
            while (task := claim_next(store, reviewer)) is not None:
                with lock:
                    claims.append((name, task.task_id))
                if task.task_id % 2:
                    decide(store, task.task_id, reviewer, "accept")
                else:
                    codes = ["01"] if task.taxonomy == "nace" else None
                    decide(store, task.task_id, reviewer, "correct" if codes else "reject", codes)
        except BaseException as exc:  # report every failure from the worker threads
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(f"r{i:02d}",)) for i in range(REVIEWERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    claimed = Counter(task_id for _name, task_id in claims)
    assert sorted(claimed) == sorted(task_ids)
    assert set(claimed.values()) == {1}, "a task was claimed twice"
    assert len({name for name, _ in claims}) > 1, "the work was not shared"
    with store.transaction() as session:
        decisions = session.scalars(select(ReviewDecisionRow)).all()
        assert len(decisions) == len(task_ids)
        assert Counter(d.task_id for d in decisions) == Counter(task_ids)
        assert {(d.reviewer, d.task_id) for d in decisions} == set(claims)
        statuses = session.execute(
            select(ReviewTaskRow.status, func.count()).group_by(ReviewTaskRow.status)
        ).all()
        assert statuses == [("closed", len(task_ids))]
        audit = Counter(session.scalars(select(AuditRow.action)))
        assert audit["review.claim"] == len(task_ids)
        assert audit["review.accept"] + audit["review.correct"] + audit["review.reject"] == len(
            task_ids
        )


CHILD = textwrap.dedent(
    """
    import sys, time
    from observatory.review.decisions import decide_in_session
    from observatory.store.database import SQLStore
    from observatory.users import Actor

    url, task_id, commit_first = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "commit"
    store = SQLStore(url)
    actor = Actor("kid", "reviewer")
    if commit_first:
        with store.transaction(write=True) as session:
            decide_in_session(session, task_id, actor, "correct", ["62"])
        print("ready", flush=True)
        time.sleep(60)
    with store.transaction(write=True) as session:
        decide_in_session(session, task_id, actor, "correct", ["62"])
        session.flush()
        print("ready", flush=True)
        time.sleep(60)  # killed here, inside the transaction
    """
)


def run_and_kill(store, task_id: int, mode: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, store.url, str(task_id), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_killed_mid_decision_leaves_nothing_and_the_task_comes_back(store):
    fill_queue(store)
    now = utcnow()
    kid = Actor("kid", Role.REVIEWER)
    task = claim_next(store, kid, now=now, lease=60)
    run_and_kill(store, task.task_id, "uncommitted")
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReviewDecisionRow)) == 0
        assert not any(
            a.startswith("review.correct") for a in session.scalars(select(AuditRow.action))
        )
        labels = current_labels(session, task.priority_id, task.taxonomy)
        assert [label.code for label in labels] == [s.code for s in task.suggestions]
        assert all(label.source_kind == "model" for label in labels)
        row = session.get(ReviewTaskRow, task.task_id)
        assert row.status == "open" and row.claimed_by == "kid"
    other = Actor("other", Role.REVIEWER)
    assert claim_next(store, other, now=now, lease=60).task_id != task.task_id
    back = claim_next(store, other, now=now + timedelta(seconds=61), lease=60)
    assert back.task_id == task.task_id
    assert decide(store, task.task_id, other, "accept").settled


def test_killed_after_commit_keeps_the_whole_decision(store):
    fill_queue(store)
    task = claim_next(store, Actor("kid", Role.REVIEWER))
    run_and_kill(store, task.task_id, "commit")
    with store.transaction() as session:
        decisions = session.scalars(select(ReviewDecisionRow)).all()
        assert [(d.reviewer, d.action, d.codes) for d in decisions] == [("kid", "correct", ["62"])]
        assert [a for a in session.scalars(select(AuditRow.action)) if a == "review.correct"]
        labels = current_labels(session, task.priority_id, task.taxonomy)
        assert [(label.code, label.status) for label in labels] == [("62", "corrected")]
        assert session.get(ReviewTaskRow, task.task_id).status == "closed"
