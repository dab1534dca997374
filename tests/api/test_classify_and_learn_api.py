"""Classifying over the API, and a reviewer's correction teaching the running classifier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.review import enqueue
from observatory.settings import load_settings
from observatory.store import SQLStore
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy
from observatory.users import create_user

TEXT = "Cultural heritage of the old salt mines and their guided visits"


@pytest.fixture(scope="module")
def app_and_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    folder: Path = tmp_path_factory.mktemp("learn")
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'learn.db'}",
        data_dir=folder / "data",
        embedding_backend="sentence-transformers",  # one model keeps the test quick
    )
    store = SQLStore(settings.database_url)
    store.migrate()
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="S3 Testland", nuts_code="PL21", country="PL", key="t"),
            [PriorityCreate(title=TEXT)],
        )
        pid = saved.priority_ids[0]
        add_labels(
            session,
            pid,
            [LabelCreate(taxonomy="nace", code="08", rank=1, probability=0.4, model_version="m1")],
        )
        enqueue(session, pid, "nace", doubt=0.9, model_version="m1")
        _, key = create_user(session, "rita", "reviewer")
    store.close()
    with TestClient(create_app(settings)) as client:
        yield client, key


def test_classify_endpoint_returns_ranked_calibrated_codes(app_and_key) -> None:
    client, _ = app_and_key
    response = client.post("/api/classify", json={"text": "Dairy processing and cheese"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"nace", "nabs", "ecosystem"}
    codes = body["nace"]["codes"]
    assert [c["rank"] for c in codes] == [1, 2, 3, 4, 5]
    assert codes[0]["probability"] >= codes[1]["probability"]
    empty = client.post("/api/classify", json={"text": "   "})
    assert empty.status_code == 400 and empty.json()["ok"] is False


def test_a_correction_teaches_the_running_classifier(app_and_key) -> None:
    client, key = app_and_key
    before = client.post("/api/classify", json={"text": TEXT, "taxonomies": ["nace"]}).json()
    assert before["nace"]["codes"][0]["code"] != "79"
    headers = {"X-API-Key": key}
    task = client.post("/api/review/next", json={}, headers=headers).json()
    decision = client.post(
        f"/api/review/tasks/{task['task_id']}/decision",
        json={"action": "correct", "codes": ["79"]},
        headers=headers,
    )
    assert decision.status_code == 200, decision.text
    after = client.post("/api/classify", json={"text": TEXT, "taxonomies": ["nace"]}).json()
    top = after["nace"]["codes"][0]
    assert top["code"] == "79"
    assert any(evidence["kind"] == "example" for evidence in top["rationale"])
    # undoing the correction takes the example back out of the running classifier
    undone = client.post("/api/review/undo", headers=headers)
    assert undone.status_code == 200, undone.text
    again = client.post("/api/classify", json={"text": TEXT, "taxonomies": ["nace"]}).json()
    assert again["nace"]["codes"][0]["code"] == before["nace"]["codes"][0]["code"]
    assert not any(e["kind"] == "example" for e in again["nace"]["codes"][0]["rationale"])
