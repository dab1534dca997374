"""Schemathesis over the OpenAPI spec, on SQLite and on PostgreSQL: no generated request causes
a server error, and every answer has a status code and a content type the spec documents for
that operation (issue 15 item 14).

Each backend gets a fresh store holding the corpus and an admin key, sent with every request so
that the writes (decisions, partnerships, extraction reviews) are fuzzed too, not only refused.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.app import create_app
from observatory.domain import Role
from observatory.settings import load_settings
from observatory.users import create_user
from tests.store_fixtures import BACKENDS, database_url

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
]


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory, embedder, corpus_builder
) -> Iterator[dict]:
    """The app over the corpus on one backend, running, with an admin key."""
    folder = tmp_path_factory.mktemp("fuzz")
    with database_url(request.param, folder) as url:
        # Without the 538 starter examples the classifier builds within the client's read
        # timeout; tests/api/test_classify_and_learn_api.py serves them.
        app = create_app(
            load_settings(database_url=url, data_dir=folder / "data", starter_examples=False)
        )
        with TestClient(app) as client:
            state = app.state.observatory
            state.service("embedder", lambda: embedder)
            corpus_builder(state.store)
            with state.store.transaction(write=True) as session:
                _, key = create_user(session, "fuzz-admin", Role.ADMIN)
            # The first classification builds the classifier (prototype vectors, heads); built
            # here so no generated request waits past the client's read timeout for it.
            warm = client.post("/api/classify", json={"text": "Renewable energy and smart grids"})
            assert warm.status_code == 200, warm.text
            yield {"app": app, "key": key}


# the spec is the same on every backend; each case is sent to the backend's running app
_SPEC_FOLDER = Path(tempfile.mkdtemp(prefix="s3o-fuzz-spec-"))
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(
        load_settings(
            database_url=f"sqlite:///{_SPEC_FOLDER / 'spec.db'}", data_dir=_SPEC_FOLDER / "data"
        )
    ),
)


@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_answers_are_documented_and_never_server_errors(
    case: schemathesis.Case, fuzzed: dict
) -> None:
    case.call_and_validate(app=fuzzed["app"], headers={"X-API-Key": fuzzed["key"]}, checks=CHECKS)
