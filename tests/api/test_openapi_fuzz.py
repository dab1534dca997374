"""Schemathesis over the OpenAPI spec: no generated request may cause a server error.

The app is built at import (schemathesis needs the schema to generate the tests) over a
temporary store holding the corpus; a module fixture runs its lifespan around the tests.
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
from observatory.settings import load_settings

_FOLDER = Path(tempfile.mkdtemp(prefix="s3o-fuzz-"))
# Without the 538 starter examples the classifier builds within the client's read timeout;
# tests/api/test_classify_and_learn_api.py serves them.
_APP = create_app(
    load_settings(
        database_url=f"sqlite:///{_FOLDER / 'fuzz.db'}",
        data_dir=_FOLDER / "data",
        starter_examples=False,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@pytest.fixture(scope="module", autouse=True)
def _running_app(embedder, corpus_builder) -> Iterator[None]:
    with TestClient(_APP) as client:
        _APP.state.observatory.service("embedder", lambda: embedder)
        corpus_builder(_APP.state.observatory.store)
        # The first classification builds the classifier (prototype vectors, heads); built
        # here so no generated request waits past the client's read timeout for it.
        warm = client.post("/api/classify", json={"text": "Renewable energy and smart grids"})
        assert warm.status_code == 200, warm.text
        yield


@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[schemathesis.checks.not_a_server_error])
