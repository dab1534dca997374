"""The review screen claims only on an explicit post, and a refused form writes nothing
(issue 15, findings 9 and 12). Real app over the page corpus (SQLite)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from observatory.store import open_store
from observatory.store.tables import ReviewDecisionRow, ReviewTaskRow

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK = re.compile(r'name="task_id" value="(\d+)"')


@pytest.fixture(scope="module")
def client(corpus) -> Iterator[TestClient]:
    with TestClient(create_app(corpus.settings)) as test_client:
        yield test_client


def signed_in(client: TestClient, key: str) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    client.cookies.clear()
    token = TOKEN.search(client.get("/review").text).group(1)
    client.post("/review/sign-in", data={"api_key": key, "csrf_token": token})
    return TOKEN.search(client.get("/review").text).group(1)


def counts(corpus, reviewer: str) -> tuple[int, int]:
    """(decisions by the reviewer, tasks the reviewer holds)."""
    store = open_store(corpus.settings, migrate=False)
    try:
        with store.transaction() as session:
            decided = session.scalar(
                select(func.count())
                .select_from(ReviewDecisionRow)
                .where(ReviewDecisionRow.reviewer == reviewer)
            )
            held = session.scalar(
                select(func.count())
                .select_from(ReviewTaskRow)
                .where(ReviewTaskRow.claimed_by == reviewer)
            )
    finally:
        store.close()
    return decided, held


def test_showing_the_screen_claims_nothing(client: TestClient, corpus) -> None:
    token = signed_in(client, corpus.reviewer_key("looker"))
    for _ in range(3):
        assert "Nothing in hand" in client.get("/review").text
        client.get("/review", params={"taxonomy": "nabs"})
    assert counts(corpus, "looker") == (0, 0)
    screen = client.post("/review/next", data={"csrf_token": token}).text
    assert TASK.search(screen)
    assert counts(corpus, "looker") == (0, 1)
    client.cookies.clear()


def test_a_decision_with_a_bad_taxonomy_commits_nothing(client: TestClient, corpus) -> None:
    token = signed_in(client, corpus.reviewer_key("careful"))
    screen = client.post("/review/next", data={"csrf_token": token}).text
    task_id = TASK.search(screen).group(1)
    refused = client.post(
        "/review/decide",
        data={"task_id": task_id, "action": "accept", "taxonomy": "isic", "csrf_token": token},
    )
    assert refused.status_code == 400 and "isic" in refused.text
    assert counts(corpus, "careful") == (0, 1)
    assert TASK.search(client.get("/review").text).group(1) == task_id  # still in hand
    client.cookies.clear()


def test_deciding_a_task_not_in_hand_is_a_conflict(client: TestClient, corpus) -> None:
    token = signed_in(client, corpus.reviewer_key("other-hands"))
    store = open_store(corpus.settings, migrate=False)
    try:
        with store.transaction() as session:
            free = session.scalar(
                select(ReviewTaskRow.id).where(
                    ReviewTaskRow.claimed_by.is_(None), ReviewTaskRow.status == "open"
                )
            )
    finally:
        store.close()
    answer = client.post(
        "/review/decide", data={"task_id": free, "action": "accept", "csrf_token": token}
    )
    assert answer.status_code == 409
    assert counts(corpus, "other-hands") == (0, 0)
    client.cookies.clear()
