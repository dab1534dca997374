"""The review API wraps observatory.review: claim, decide, undo, bulk accept, history, stats."""

from __future__ import annotations

from fastapi.testclient import TestClient

from observatory.review import enqueue


def test_review_round_trip(client: TestClient, corpus_app: dict) -> None:
    store = corpus_app["app"].state.observatory.store
    priority_id = corpus_app["ids"]["Hydrogen storage and fuel cells for heavy transport"]
    with store.transaction(write=True) as session:
        enqueue(session, priority_id, "nace", doubt=0.9, model_version="test-1")
    reviewer = {"X-API-Key": corpus_app["keys"]["reviewer"]}
    analyst = {"X-API-Key": corpus_app["keys"]["analyst"]}

    assert client.post("/api/review/next").status_code == 401
    assert client.post("/api/review/next", headers=analyst).status_code == 403

    claimed = client.post("/api/review/next", headers=reviewer)
    assert claimed.status_code == 200, claimed.text
    task = claimed.json()
    assert task["priority_id"] == priority_id and task["taxonomy"] == "nace"

    decided = client.post(
        f"/api/review/tasks/{task['task_id']}/decision",
        json={"action": "correct", "codes": ["29"]},
        headers=reviewer,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["action"] == "correct"

    history = client.get(f"/api/priorities/{priority_id}/history").json()
    assert history["count"] >= 2
    kinds = {entry["kind"] for entry in history["data"]}
    assert "decision" in kinds or any("review" in e["action"] for e in history["data"])

    undone = client.post("/api/review/undo", headers=reviewer)
    assert undone.status_code == 200, undone.text

    stats = client.get("/api/review/stats").json()
    assert "nace" in stats["queue"]
    assert stats["reviewers"][0]["reviewer"] == "reviewer-user"

    bad = client.post(
        "/api/review/tasks/999999/decision", json={"action": "accept"}, headers=reviewer
    )
    assert 400 <= bad.status_code < 500 and bad.json()["ok"] is False


def test_bulk_accept_previews_first(client: TestClient, corpus_app: dict) -> None:
    admin = {"X-API-Key": corpus_app["keys"]["admin"]}
    reviewer = {"X-API-Key": corpus_app["keys"]["reviewer"]}
    body = {"min_probability": 0.5}
    assert client.post("/api/review/bulk-accept", json=body, headers=reviewer).status_code == 403
    preview = client.post("/api/review/bulk-accept", json=body, headers=admin)
    assert preview.status_code == 200, preview.text
    assert preview.json()["dry_run"] is True
