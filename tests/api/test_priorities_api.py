"""``/api/priorities``: filters, counts, pages, hybrid search with explanations, detail."""

from __future__ import annotations

from fastapi.testclient import TestClient


def assert_error_body(body: dict, status: int) -> None:
    assert set(body) == {"ok", "error", "status", "errors"}
    assert body["ok"] is False and body["status"] == status and body["error"]


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["data"]]


def test_list_returns_data_and_total_count(client: TestClient) -> None:
    body = client.get("/api/priorities", params={"limit": 3}).json()
    assert set(body) == {"data", "count"}
    assert len(body["data"]) == 3
    assert body["count"] == 12


def test_country_filter(client: TestClient) -> None:
    body = client.get("/api/priorities", params={"country": "IT"}).json()
    assert body["count"] == 5
    assert {item["strategy"]["country"] for item in body["data"]} == {"IT"}


def test_nuts_code_matches_its_sub_regions(client: TestClient) -> None:
    it = client.get("/api/priorities", params={"nuts": "IT"}).json()
    itf = client.get("/api/priorities", params={"nuts": "ITF"}).json()
    assert it["count"] == 5
    assert itf["count"] == 2
    assert {item["strategy"]["nuts_code"] for item in itf["data"]} == {"ITF3"}


def test_nace_section_expands_to_its_divisions(client: TestClient) -> None:
    # section I (accommodation and food service) holds division 55 only in this corpus
    section = client.get("/api/priorities", params={"nace": "I"}).json()
    division = client.get("/api/priorities", params={"nace": "55"}).json()
    assert section["count"] == division["count"] == 2
    manufacturing = client.get("/api/priorities", params={"nace": "C"}).json()
    titles = {item["title"] for item in manufacturing["data"]}
    assert "Food processing and agri-food quality" in titles  # division 10
    assert "Electrical equipment for renewable power" in titles  # division 27


def test_review_status_filters(client: TestClient) -> None:
    reviewed = _titles(client.get("/api/priorities", params={"status": "reviewed"}))
    assert set(reviewed) == {
        "Green hydrogen production",
        "Hydrogen valley",
        "Cultural heritage and museums",
    }
    corrected = _titles(client.get("/api/priorities", params={"status": "corrected"}))
    assert corrected == ["Hydrogen valley"]
    unreviewed = client.get("/api/priorities", params={"status": "unreviewed"}).json()
    assert unreviewed["count"] == 12 - 3


def test_pages_partition_the_results(client: TestClient) -> None:
    first = _titles(client.get("/api/priorities", params={"limit": 5, "sort": "title"}))
    second = _titles(
        client.get("/api/priorities", params={"limit": 5, "offset": 5, "sort": "title"})
    )
    everything = _titles(client.get("/api/priorities", params={"limit": 50, "sort": "title"}))
    assert first + second == everything[:10]
    assert everything == sorted(everything, key=str.casefold)


def test_search_puts_relevant_hits_first_with_explanations(client: TestClient) -> None:
    body = client.get("/api/priorities", params={"q": "hydrogen electrolysis"}).json()
    top = body["data"][:3]
    assert {item["title"] for item in top[:2]} <= {
        "Green hydrogen production",
        "Hydrogen valley",
        "Hydrogen storage and fuel cells for heavy transport",
    }
    explanation = top[0]["explanation"]
    assert "hydrogen" in [t.lower() for t in explanation["matched_terms"]]
    assert explanation["bm25_rank"] >= 1 and explanation["dense_rank"] >= 1
    assert 0.0 < explanation["dense_similarity"] <= 1.0
    tourism = [i for i in body["data"] if i["title"] == "Sustainable coastal tourism"]
    assert not tourism or body["data"].index(tourism[0]) >= 3


def test_dense_side_finds_paraphrases(client: TestClient) -> None:
    # no word of the query occurs in the target priority
    body = client.get("/api/priorities", params={"q": "holiday visitors seaside"}).json()
    assert body["data"][0]["title"] == "Sustainable coastal tourism"
    assert body["data"][0]["explanation"]["dense_similarity"] > 0.3


def test_filtered_search_returns_limit_when_enough_exist(client: TestClient) -> None:
    # the filter is applied before ranking: the Italian matches are not crowded out by the
    # better-matching Spanish and Dutch priorities
    params = {"q": "wind power electricity", "country": "IT", "limit": 2}
    body = client.get("/api/priorities", params=params).json()
    assert len(body["data"]) == 2
    assert {item["strategy"]["country"] for item in body["data"]} == {"IT"}
    assert body["count"] >= 2


def test_priority_detail_has_labels_source_and_history(
    client: TestClient, corpus_app: dict
) -> None:
    priority_id = corpus_app["ids"]["Hydrogen valley"]
    body = client.get(f"/api/priorities/{priority_id}").json()
    assert body["strategy"]["nuts_code"] == "NL11"
    codes = {(label["taxonomy"], label["code"]) for label in body["labels"]}
    assert ("nace", "35") in codes and ("ecosystem", "renewable-energy") in codes
    nace = next(label for label in body["labels"] if label["code"] == "35")
    assert nace["probability"] is not None and nace["source"] == "test-1"
    assert nace["title"]
    assert len(body["label_history"]) == len(body["labels"])


def test_unknown_priority_is_404(client: TestClient) -> None:
    response = client.get("/api/priorities/999999")
    assert response.status_code == 404
    assert_error_body(response.json(), 404)


def test_bad_parameters_get_the_common_error_body(client: TestClient) -> None:
    for params in (
        {"limit": 100000},
        {"limit": 0},
        {"nace": "ZZ9"},
        {"nuts": "not a code"},
        {"status": "pending"},
        {"sort": "colour"},
        {"country": "Spain"},
    ):
        response = client.get("/api/priorities", params=params)
        assert response.status_code == 400, params
        assert_error_body(response.json(), 400)


def test_non_utf8_bytes_are_a_client_error(client: TestClient) -> None:
    response = client.get("/api/priorities?q=%ff%fe")
    assert response.status_code == 400
    assert_error_body(response.json(), 400)
