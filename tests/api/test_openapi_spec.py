"""The OpenAPI spec documents what each route really answers (issue 15 item 14): the error body
for 400/401/403/404/409, 204 for an empty review queue, and never FastAPI's 422 (errors are
400). The fuzz test (test_openapi_fuzz.py) checks real answers against it on both backends."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import assert_error_body

ERROR_REF = "#/components/schemas/ErrorBody"


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    ]


def test_no_operation_documents_422_and_every_error_is_the_error_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ErrorBody"]["required"]) == {
        "ok",
        "error",
        "status",
        "errors",
    }
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        assert "422" not in responses, f"{method} {path}"
        assert "400" in responses, f"{method} {path}"
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, f"{method} {path} {status}"


def test_each_route_documents_its_own_statuses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    documented = {(m, p): set(op["responses"]) for m, p, op in _operations(spec)}
    for (method, path), statuses in documented.items():
        # every route but the liveness probe reads a key, or is closed when reading is private
        assert ("401" in statuses) == (path != "/healthz"), f"{method} {path}"
        if "{" in path:
            assert "404" in statuses, f"{method} {path}"
    writes = {key for key, statuses in documented.items() if "403" in statuses}
    assert writes == {
        ("POST", "/api/partnerships"),
        ("POST", "/api/review/next"),
        ("POST", "/api/review/tasks/{task_id}/decision"),
        ("POST", "/api/review/undo"),
        ("POST", "/api/review/bulk-accept"),
        ("POST", "/api/extraction-reviews/{strategy_id}/decision"),
    }
    assert {"200", "204"} <= documented[("POST", "/api/review/next")]
    assert "409" in documented[("POST", "/api/review/tasks/{task_id}/decision")]
    assert "201" in documented[("POST", "/api/partnerships")]


def test_a_validation_error_answers_the_documented_400(client: TestClient) -> None:
    answer = client.get("/api/priorities", params={"limit": "many"})
    assert answer.status_code == 400
    assert_error_body(answer.json(), 400)
