"""A request body over OBSERVATORY_MAX_BODY_MB answers 413 before any route reads it, and
changes nothing (issue 15: no cap on the total size of a body).

Real app over the corpus on SQLite and PostgreSQL, capped at 1 MiB; the body is the valid JSON of
a real bulk acceptance padded with whitespace, so only its size can refuse it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.body_limit import MIB
from observatory.review import enqueue
from tests.api.conftest import assert_error_body, lexical_admin_client
from tests.store_fixtures import BACKENDS

CAP_MB = 1
ACCEPT_ALL = '{"min_probability": 0.0, "dry_run": %s}'


def padded(dry_run: bool, size: int) -> bytes:
    """A valid bulk-acceptance body of ``size`` bytes (whitespace before the closing brace)."""
    body = (ACCEPT_ALL % ("true" if dry_run else "false")).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def enqueue_every_priority(session, ids: dict[str, int]) -> None:
    """Suggestions a bulk acceptance would take: one NACE task per corpus priority."""
    for priority_id in ids.values():
        enqueue(session, priority_id, "nace", doubt=0.9, model_version="body-limit")


@pytest.fixture(scope="module", params=BACKENDS)
def capped(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[TestClient]:
    """The corpus app capped at CAP_MB, with an admin key."""
    folder = tmp_path_factory.mktemp("body-limit")
    with lexical_admin_client(
        request.param, folder, enqueue_every_priority, max_body_mb=CAP_MB
    ) as (_app, client):
        client.headers["Content-Type"] = "application/json"
        yield client


def open_suggestions(client: TestClient) -> int:
    """How many suggestions a bulk acceptance would take now (a dry run)."""
    preview = client.post("/api/review/bulk-accept", content=ACCEPT_ALL % "true")
    assert preview.status_code == 200, preview.text
    return preview.json()["count"]


def test_a_body_under_the_cap_is_served(capped: TestClient) -> None:
    answer = capped.post("/api/review/bulk-accept", content=padded(True, CAP_MB * MIB - 10))
    assert answer.status_code == 200, answer.text


def test_a_declared_body_over_the_cap_answers_413_and_accepts_nothing(capped) -> None:
    before = open_suggestions(capped)
    assert before > 0, "the corpus leaves suggestions to accept"
    answer = capped.post("/api/review/bulk-accept", content=padded(False, CAP_MB * MIB + 1))
    assert answer.status_code == 413
    assert_error_body(answer.json(), 413)
    assert "OBSERVATORY_MAX_BODY_MB" in answer.json()["error"]
    assert open_suggestions(capped) == before


def test_a_chunked_body_over_the_cap_answers_413_and_accepts_nothing(capped) -> None:
    before = open_suggestions(capped)
    assert before > 0, "the corpus leaves suggestions to accept"
    body = padded(False, 3 * CAP_MB * MIB)
    chunks = (body[start : start + 64 * 1024] for start in range(0, len(body), 64 * 1024))
    answer = capped.post("/api/review/bulk-accept", content=chunks)
    assert answer.status_code == 413
    assert_error_body(answer.json(), 413)
    assert open_suggestions(capped) == before


def test_the_spec_documents_413_on_every_route_that_takes_a_body(capped: TestClient) -> None:
    spec = capped.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            documented = "413" in operation["responses"]
            assert documented == (method in ("post", "put", "patch")), (method, path)
