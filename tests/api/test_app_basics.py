"""The app factory, lifespan state, health check, and the common error body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from observatory.settings import load_settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}", data_dir=tmp_path / "data"
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _assert_error_body(body: dict, status: int) -> None:
    assert set(body) == {"ok", "error", "status", "errors"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]


def test_health_reports_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "sqlite"


def test_unknown_route_uses_common_error_body(client: TestClient) -> None:
    response = client.get("/no/such/route")
    assert response.status_code == 404
    _assert_error_body(response.json(), 404)


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "S3 Observatory"


def test_two_apps_do_not_share_state(tmp_path: Path) -> None:
    first = create_app(load_settings(database_url=f"sqlite:///{tmp_path / 'a.db'}"))
    second = create_app(load_settings(database_url=f"sqlite:///{tmp_path / 'b.db'}"))
    with TestClient(first), TestClient(second):
        assert first.state.observatory.store is not second.state.observatory.store
