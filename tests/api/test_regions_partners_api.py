"""Region profiles, partner matching (overlap, complement, like/unlike), taxonomies."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _error(response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"ok", "error", "status", "errors"} and body["status"] == status


def test_region_profile_counts_codes(client: TestClient) -> None:
    body = client.get("/api/regions/ES21/profile").json()
    assert body["region"] == "ES21"
    assert len(body["priorities"]) == 3
    assert body["strategies"][0]["nuts_code"] == "ES21"
    nace = {item["code"]: item for item in body["profile"]["nace"]}
    assert nace["28"]["count"] == 2 and abs(nace["28"]["share"] - 2 / 3) < 1e-3
    ecosystems = {item["code"]: item["count"] for item in body["profile"]["ecosystem"]}
    assert ecosystems == {"renewable-energy": 3}


def test_hydrogen_regions_match_each_other_before_tourism(client: TestClient) -> None:
    body = client.get("/api/regions/ES21/partners", params={"limit": 10}).json()
    regions = [item["region"] for item in body["data"]]
    assert regions[0] == "NL11"
    assert "ES21" not in regions
    if "ITF3" in regions:
        assert regions.index("ITF3") > regions.index("NL11")
    best = body["data"][0]
    shared = {item["code"] for item in best["shared_codes"]}
    assert "35" in shared and "renewable-energy" in shared
    assert all(item["weight"] > 0 for item in best["shared_codes"])
    pair = best["similar_pairs"][0]
    assert "ydrogen" in pair["query_title"] + pair["candidate_title"]
    assert 0 < pair["similarity"] <= 1
    assert best["semantic_score"] > 0 and best["code_score"] > 0


def test_rare_codes_weigh_more_than_common_ones(client: TestClient) -> None:
    body = client.get("/api/regions/ES21/partners").json()
    weights = {
        item["code"]: item["weight"] for match in body["data"] for item in match["shared_codes"]
    }
    # renewable-energy is shared by three regions, NACE 35 by three, NABS 05 by three,
    # division 28 by one region only
    assert weights["renewable-energy"] <= weights.get("35", weights["renewable-energy"])


def test_like_and_unlike_move_the_ranking(client: TestClient) -> None:
    plain = client.get("/api/regions/FRK2/partners").json()["data"]
    towards = client.get("/api/regions/FRK2/partners", params={"like": "ITF3"}).json()["data"]
    away = client.get("/api/regions/FRK2/partners", params={"unlike": "ITC4"}).json()["data"]
    assert "ITF3" not in [m["region"] for m in towards]  # examples are not results
    assert plain and towards and away
    assert "ITC4" not in [m["region"] for m in away]


def test_complement_mode_finds_other_divisions_of_the_same_chain(client: TestClient) -> None:
    body = client.get("/api/regions/NL11/partners", params={"mode": "complement"}).json()
    regions = [item["region"] for item in body["data"]]
    assert regions, body
    # ES21 (28, 29) and ITC4 (27) are strong in renewable-energy divisions where NL11 is not
    assert set(regions[:2]) == {"ES21", "ITC4"}
    chain = body["data"][0]["chains"][0]
    assert chain["ecosystem"] == "renewable-energy"
    divisions = {d["code"] for d in chain["divisions"]}
    assert divisions & {"27", "28"}
    assert all(d["share_candidate"] > d["share_query"] for d in chain["divisions"])
    assert "ITF3" not in regions  # tourism shares no value chain with NL11


def test_partners_restricted_to_one_taxonomy(client: TestClient) -> None:
    body = client.get("/api/regions/ES21/partners", params={"taxonomy": "nabs"}).json()
    assert body["data"]
    assert {c["taxonomy"] for m in body["data"] for c in m["shared_codes"]} == {"nabs"}


def test_region_errors(client: TestClient) -> None:
    _error(client.get("/api/regions/XX9/profile"), 404)
    _error(client.get("/api/regions/ES2!/profile"), 400)
    _error(client.get("/api/regions/ES21/partners", params={"mode": "rivals"}), 400)
    _error(client.get("/api/regions/ES21/partners", params={"like": "ZZ99"}), 404)
    _error(client.get("/api/regions/ES21/partners", params={"limit": 10**9}), 400)


def test_regions_list(client: TestClient) -> None:
    body = client.get("/api/regions").json()
    assert body["count"] == 5
    assert {r["region"] for r in body["data"]} == {"ES21", "NL11", "ITF3", "ITC4", "FRK2"}


def test_taxonomies_list_and_codes(client: TestClient) -> None:
    body = client.get("/api/taxonomies").json()
    assert {t["name"] for t in body["data"]} == {"nace", "nabs", "ecosystem"}
    sections = client.get("/api/taxonomies/nace", params={"level": "section"}).json()
    assert sections["count"] == 21
    assert {c["level"] for c in sections["data"]} == {"section"}
    _error(client.get("/api/taxonomies/nace", params={"level": "class"}), 400)
    _error(client.get("/api/taxonomies/colours"), 404)


def test_code_detail_rolls_counts_up(client: TestClient) -> None:
    section = client.get("/api/taxonomies/nace/D").json()
    division = client.get("/api/taxonomies/nace/35").json()
    assert division["priority_count"] == 4
    assert section["priority_count"] == 4
    assert [c["code"] for c in section["children"]] == ["35"]
    manufacturing = client.get("/api/taxonomies/nace/C").json()
    assert manufacturing["priority_count"] == 6  # 10, 11, 20, 27, 28, 29 across priorities
    _error(client.get("/api/taxonomies/nace/ZZ"), 404)
