"""Every request is bounded and refused cleanly (issue 15: 6 and 11), on SQLite and PostgreSQL.

- Every list and string of every request body has a bound in the spec, and oversized bodies
  answer 400 before any work; ``/api/classify`` classifies each taxonomy once.
- An id no stored row can have (outside 1..2^31-1: PostgreSQL's INTEGER ids) answers 404 on
  every route and page that takes one; a body id out of range answers 400.
- A NUL character in a path, query, JSON body or form answers 400, never 500.

Real app over the corpus (real store; the lexical embedder: nothing here needs a model).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from api.limits import MAX_ID
from api.schemas import ClassifyCreate
from tests.api.conftest import assert_error_body, lexical_admin_client
from tests.store_fixtures import BACKENDS

# ids that cannot name a stored row: PostgreSQL's INTEGER ends at 2^31-1, SQLite's at 2^63-1
IMPOSSIBLE_IDS = [0, -1, MAX_ID + 1, 2**62, 2**63, 2**64]
ID_PARAMETER = re.compile(r"\{(\w+_id)\}")
# other path parameters, filled with values the corpus has
PATH_VALUES = {"page": "1", "nuts": "ES21", "name": "nace", "code": "35"}


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[dict]:
    """The corpus app on one store backend, with an admin key."""
    folder = tmp_path_factory.mktemp("bounds")
    with lexical_admin_client(request.param, folder) as (app, client):
        yield {"app": app, "client": client, "backend": request.param}


def _unbounded(schema: dict, components: dict, where: str, seen: set[str]) -> list[str]:
    """Places of a JSON schema where a string, array, dict or integer has no upper bound."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _unbounded(components[name], components, name, seen)
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found += _unbounded(option, components, where, seen)
    kind = schema.get("type")
    if kind == "string" and "maxLength" not in schema and "enum" not in schema:
        found.append(f"{where}: string")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: array")
        found += _unbounded(schema.get("items", {}), components, f"{where}[]", seen)
    if kind == "integer" and "maximum" not in schema and "exclusiveMaximum" not in schema:
        found.append(f"{where}: integer")
    values = schema.get("additionalProperties")
    if kind == "object" and isinstance(values, dict):  # a dict: bound its size and its keys
        if "maxProperties" not in schema:
            found.append(f"{where}: object")
        keys = schema.get("propertyNames", {})
        if "maxLength" not in keys and "enum" not in keys:
            found.append(f"{where}: keys")
        found += _unbounded(values, components, f"{where}{{}}", seen)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded(prop, components, f"{where}.{name}", seen)
    return found


def test_every_request_body_bounds_its_lists_strings_and_numbers(served) -> None:
    spec = served["client"].get("/openapi.json").json()
    components = spec["components"]["schemas"]
    bodies = [
        (f"{method.upper()} {path}", content["schema"])
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for content in operation.get("requestBody", {}).get("content", {}).values()
    ]
    assert len(bodies) >= 7, "the walk must see every body"
    problems = [p for where, body in bodies for p in _unbounded(body, components, where, set())]
    assert problems == []


def test_classify_refuses_a_huge_taxonomy_list_before_any_work(served) -> None:
    started = time.perf_counter()
    answer = served["client"].post(
        "/api/classify", json={"text": "hydrogen", "taxonomies": ["nace"] * 60_000}
    )
    assert answer.status_code == 400, answer.text[:200]
    assert_error_body(answer.json(), 400)
    assert time.perf_counter() - started < 5  # 13 s of CPU before the bound


def test_classify_names_each_taxonomy_once_and_refuses_unknown_ones(served) -> None:
    assert ClassifyCreate(text="t", taxonomies=["nace", "nabs", "nace"]).taxonomies == [
        "nace",
        "nabs",
    ]
    unknown = served["client"].post("/api/classify", json={"text": "x", "taxonomies": ["nuts"]})
    assert unknown.status_code == 400
    assert_error_body(unknown.json(), 400)
    assert "taxonomies" in unknown.json()["error"]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/partnerships", {"name": "Big", "lead_regions": ["ES21"] * 301}),
        ("/api/partnerships", {"name": "Long", "description": "x" * 20_001}),
        ("/api/review/tasks/1/decision", {"action": "correct", "codes": ["35"] * 51}),
        ("/api/review/tasks/1/decision", {"action": "skip", "comment": "x" * 5001}),
        ("/api/review/next", {"code": "3" * 41}),
        ("/api/review/next", {"strategy_id": 2**63}),
        ("/api/extraction-reviews/1/decision", {"items": [{"title": "A", "merged_ids": [2**40]}]}),
        ("/api/extraction-reviews/1/decision", {"items": [{"title": "A", "pages": [10**12]}]}),
    ],
)
def test_oversized_or_out_of_range_bodies_answer_400(served, url: str, body: dict) -> None:
    answer = served["client"].post(url, json=body)
    assert answer.status_code == 400, answer.text[:300]
    assert_error_body(answer.json(), 400)


def _id_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every API route and page whose path holds an id."""
    found = [
        (method, context.path)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and ID_PARAMETER.search(context.path)
        for method in sorted(context.methods)
    ]
    assert len(found) >= 12, "the walk must see every id route"
    return found


def test_an_id_no_row_can_have_answers_404_on_every_route(served) -> None:
    client: TestClient = served["client"]
    for method, template in _id_routes(served["app"]):
        for value in IMPOSSIBLE_IDS:
            url = ID_PARAMETER.sub(str(value), template)
            url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], url)
            answer = client.request(method, url, json={}, follow_redirects=False)
            assert answer.status_code == 404, f"{method} {url}: {answer.text[:200]}"
            if "json" in answer.headers["content-type"]:
                assert_error_body(answer.json(), 404)
    # the largest id PostgreSQL can hold is a plain "not found" too
    assert client.get(f"/api/priorities/{MAX_ID}").status_code == 404
    assert client.get("/api/priorities/abc").status_code == 400


def test_the_review_form_refuses_a_task_id_out_of_range(served) -> None:
    answer = served["client"].post("/review/decide", data={"task_id": str(2**63), "action": "x"})
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/api/priorities?q=a%00b",
        "/api/priorities?language=%00",
        "/api/priorities?period=2021%00",
        "/api/export?q=%00",
        "/api/regions/ES%0021/profile",
        "/api/taxonomies/nace/3%005",
        "/search?q=%00",
        "/compare?r=%00",
        "/map?code=%00",
        "/review?taxonomy=%00",
        "/regions/ES21?focus=%00",
    ],
)
def test_a_nul_in_a_path_or_query_answers_400(served, url: str) -> None:
    answer = served["client"].get(url)
    assert answer.status_code == 400, f"{url}: {answer.status_code} {answer.text[:200]}"
    if url.startswith("/api"):
        assert_error_body(answer.json(), 400)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/review/next", {"country": "\x00"}),
        ("/api/review/next", {"nuts_prefix": "ES\x00"}),
        ("/api/review/next", {"code": "35\x00"}),
        ("/api/review/bulk-accept", {"min_probability": 0.5, "code": "\x00"}),
        ("/api/partnerships", {"name": "Hydrogen\x00valleys", "lead_regions": ["ES21"]}),
        ("/api/partnerships", {"name": "Valleys", "lead_regions": ["ES21\x00"]}),
        ("/api/classify", {"text": "hydrogen\x00"}),
    ],
)
def test_a_nul_in_a_json_body_answers_400(served, url: str, body: dict) -> None:
    answer = served["client"].post(url, json=body)
    assert answer.status_code == 400, answer.text[:300]
    assert_error_body(answer.json(), 400)
    assert "NUL" in answer.json()["error"]


def test_a_nul_in_a_form_answers_400(served) -> None:
    answer = served["client"].post(
        "/review/sign-in", data={"api_key": "s3o_\x00", "csrf_token": "x"}
    )
    assert answer.status_code == 400
    assert "NUL" in answer.text


@pytest.mark.parametrize("page", ["/search?country=", "/regions?country="])
def test_a_page_refuses_more_repeated_filter_values_than_the_api_takes(served, page) -> None:
    from observatory.filter_fields import MAX_FILTER_VALUES

    client = served["client"]
    within = client.get(page + f"&{page.split('?')[1]}".join(["ES"] * MAX_FILTER_VALUES))
    beyond = client.get(page + f"&{page.split('?')[1]}".join(["ES"] * (MAX_FILTER_VALUES + 1)))

    assert within.status_code == 200
    assert beyond.status_code == 400
    assert "country" in beyond.text
