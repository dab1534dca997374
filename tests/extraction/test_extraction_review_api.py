"""The extraction review through the real app (TestClient) on a real store with a real PDF:
the queue, candidate lists with page images, the kept PDF, provenance links in the API and the
export, roles, and a decision that marks the priorities reviewed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import services
from api.app import create_app
from observatory.domain import Role
from observatory.search import CatalogCache
from observatory.settings import load_settings
from observatory.store.database import SQLStore
from observatory.users import create_user
from pipelines.ingest.job import ingest_file

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def served(store: SQLStore, strategy_pdf: Path, tmp_path: Path) -> Iterator[dict]:
    """The app over the test store, holding the ingested strategy (waiting for review)."""
    settings = load_settings(
        database_url=store.url, data_dir=tmp_path / "data", extraction_review_below=1.0
    )
    outcome = ingest_file(store, strategy_pdf, settings=settings)
    keys = {}
    with store.transaction(write=True) as session:
        for name, role in (("rita", Role.REVIEWER), ("ana", Role.ANALYST)):
            keys[name] = create_user(session, name, role)[1]
    app = create_app(settings)
    with TestClient(app) as client:
        state = app.state.observatory
        state.service("embedder", lambda: None)  # BM25 search is enough here
        served = services.taxonomies(state)
        # a catalog that checks the store on every request: decisions show at once
        state.service("catalogs", lambda: CatalogCache(state.store, served, check_seconds=0))
        yield {"client": client, "id": outcome.strategy_id, "keys": keys, "pdf": strategy_pdf}


def _key(served: dict, name: str) -> dict[str, str]:
    return {"X-API-Key": served["keys"][name]}


def test_queue_detail_page_images_and_pdf(served) -> None:
    client, strategy_id = served["client"], served["id"]
    queue = client.get("/api/extraction-reviews").json()
    assert queue["count"] == 1 and queue["data"][0]["strategy_id"] == strategy_id
    detail = client.get(f"/api/extraction-reviews/{strategy_id}").json()
    assert detail["status"] == "pending" and detail["pdf_url"] == f"/strategies/{strategy_id}/pdf"
    chosen = next(c for c in detail["candidate_lists"] if c["chosen"])
    assert chosen["page"] == 2 and chosen["items"][0]["title"] == "Marine robotics"
    image = client.get(chosen["page_image_url"])
    assert image.headers["content-type"] == "image/png" and image.content[:8] == PNG_MAGIC
    assert client.get(f"/strategies/{strategy_id}/pages/99.png").status_code == 404
    pdf = client.get(f"/strategies/{strategy_id}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == served["pdf"].read_bytes()
    assert client.get("/strategies/999/pdf").json()["ok"] is False


def test_priorities_are_unreviewed_with_source_links_until_decided(served) -> None:
    client, strategy_id = served["client"], served["id"]
    listed = client.get("/api/priorities", params={"limit": 50}).json()["data"]
    assert listed and all(not p["extraction_reviewed"] for p in listed)
    assert listed[0]["strategy"]["extraction_status"] == "pending"
    first = client.get(f"/api/priorities/{listed[0]['id']}").json()
    assert first["source_url"] == f"/strategies/{strategy_id}/pdf#page=2"
    exported = client.get("/api/export", params={"format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {row["extraction_status"] for row in rows} == {"pending"}
    assert rows[0]["source_url"] == f"http://testserver/strategies/{strategy_id}/pdf#page=2"
    body = {
        "chosen_list": 0,
        "items": [
            {"title": "Marine robotics and ocean drones", "pages": [2]},
            {"title": "Circular textiles", "pages": [2]},
        ],
        "comment": "two areas only",
    }
    url = f"/api/extraction-reviews/{strategy_id}/decision"
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers=_key(served, "ana")).status_code == 403
    bad = client.post(url, json={"items": []}, headers=_key(served, "rita"))
    assert bad.status_code == 400 and bad.json()["ok"] is False
    decided = client.post(url, json=body, headers=_key(served, "rita"))
    assert decided.status_code == 200, decided.text
    new_id = decided.json()["strategy_id"]
    # without a priority_id a new title is a new priority; a stored title is matched
    assert decided.json()["added"] == ["Marine robotics and ocean drones"]
    assert set(decided.json()["removed"]) == {
        "Marine robotics",
        "Precision forestry",
        "Smart dairy chains",
    }
    listed = client.get("/api/priorities", params={"limit": 50}).json()["data"]
    assert sorted(p["title"] for p in listed) == [
        "Circular textiles",
        "Marine robotics and ocean drones",
    ]
    assert all(p["extraction_reviewed"] for p in listed)
    assert client.get("/api/extraction-reviews").json()["count"] == 0
    history = client.get(f"/api/extraction-reviews/{new_id}").json()["events"]
    assert [(e["action"], e["actor"]) for e in history] == [("queue", "ingest"), ("decide", "rita")]
    # the superseded version cannot be decided again
    again = client.post(url, json=body, headers=_key(served, "rita"))
    assert again.status_code == 400 and "no longer current" in again.json()["error"]


def test_anyone_with_a_key_can_ask_for_a_review(served) -> None:
    client, strategy_id = served["client"], served["id"]
    body = {"items": [{"title": "Marine robotics"}]}
    new_id = client.post(
        f"/api/extraction-reviews/{strategy_id}/decision", json=body, headers=_key(served, "rita")
    ).json()["strategy_id"]
    url = f"/api/extraction-reviews/{new_id}/request"
    assert client.post(url, json={"comment": "missed areas"}).status_code == 401
    asked = client.post(url, json={"comment": "missed areas"}, headers=_key(served, "ana"))
    assert asked.json() == {"strategy_id": new_id, "extraction_status": "pending"}
    queue = client.get("/api/extraction-reviews").json()["data"]
    assert [(e["strategy_id"], e["reason"]) for e in queue] == [(new_id, "request")]


def test_the_pdf_follows_the_read_rules(store, strategy_pdf: Path, tmp_path: Path) -> None:
    settings = load_settings(database_url=store.url, data_dir=tmp_path / "data", public_read=False)
    strategy_id = ingest_file(store, strategy_pdf, settings=settings).strategy_id
    with store.transaction(write=True) as session:
        key = create_user(session, "ana", Role.ANALYST)[1]
    with TestClient(create_app(settings)) as client:
        for url in (f"/strategies/{strategy_id}/pdf", f"/strategies/{strategy_id}/pages/1.png"):
            assert client.get(url).status_code == 401
            assert client.get(url, headers={"X-API-Key": key}).status_code == 200
        assert client.get("/api/extraction-reviews").status_code == 401
