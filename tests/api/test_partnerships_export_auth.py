"""Partnerships (import, candidates), export formats, and API-key authentication."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from observatory.errors import UnprocessableFile
from observatory.partnerships import import_partnerships, read_partnerships
from observatory.settings import load_settings


def _check(code: str) -> str:
    # the corpus regions are all real NUTS 2 codes
    if code.strip().upper() not in {"ES21", "NL11", "ITF3", "ITC4", "FRK2", "DE11"}:
        from observatory.errors import NotFound

        raise NotFound(code)
    return code.strip().upper()


def _write(path: Path, rows: list[str]) -> Path:
    header = "name,thematic_platform,lead_regions,member_regions,interested_regions,description"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_validates_every_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        [
            'Good one,Energy,ES21,NL11,,"fine"',
            "Bad code,Energy,XX99,NL11,,",
            ",Energy,ES21,,,",
        ],
    )
    with pytest.raises(UnprocessableFile) as caught:
        read_partnerships(path, _check)
    assert len(caught.value.errors) == 2
    assert "line 3" in caught.value.errors[0] and "XX99" in caught.value.errors[0]
    assert "line 4" in caught.value.errors[1]


def test_import_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("name,description\nR\xe9gion,x\n".encode("latin-1"))
    with pytest.raises(UnprocessableFile):
        read_partnerships(path, _check)


def test_candidates_exclude_members(client: TestClient, corpus_app: dict, tmp_path: Path) -> None:
    store = corpus_app["app"].state.observatory.store
    path = _write(
        tmp_path / "p.csv",
        [
            'Hydrogen corridors,Energy,ES21,,ITC4,"Regions producing green hydrogen with '
            'electrolysers and moving it through pipelines to industry."'
        ],
    )
    summary = import_partnerships(store, path, check=_check)
    assert summary.created == 1
    listed = client.get("/api/partnerships").json()
    assert listed["count"] == 1
    partnership_id = listed["data"][0]["id"]
    detail = client.get(f"/api/partnerships/{partnership_id}").json()
    assert {(r["nuts_code"], r["role"]) for r in detail["regions"]} == {
        ("ES21", "lead"),
        ("ITC4", "interested"),
    }
    body = client.get(f"/api/partnerships/{partnership_id}/candidates").json()
    regions = [m["region"] for m in body["data"]]
    assert "ES21" not in regions
    assert regions[0] == "NL11"
    interested = [m for m in body["data"] if m["region"] == "ITC4"]
    assert interested and interested[0]["role"] == "interested"
    # the description itself is one side of the explained pairs
    assert any(p["query_priority_id"] is None for m in body["data"] for p in m["similar_pairs"])
    missing = client.get("/api/partnerships/999999/candidates")
    assert missing.status_code == 404


def test_export_formats_parse_back(client: TestClient) -> None:
    params = {"country": "IT"}
    as_csv = client.get("/api/export", params={**params, "format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == 5 and {r["country"] for r in rows} == {"IT"}
    food = next(r for r in rows if r["title"] == "Food processing and agri-food quality")
    assert food["nace_code"] == "10" and food["nace_source"] == "test-1"
    assert food["nace_title"] == "Manufacture of food products"
    assert float(food["nace_probability"]) == pytest.approx(0.9)
    as_json = client.get("/api/export", params={**params, "format": "json"}).json()
    assert sorted(r["priority_id"] for r in as_json) == sorted(int(r["priority_id"]) for r in rows)
    as_xlsx = client.get("/api/export", params={**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    values = list(sheet.values)
    assert values[0][0] == "priority_id" and len(values) == 6
    searched = client.get("/api/export", params={"q": "tourism", "format": "json"}).json()
    assert json.dumps(searched) and searched[0]["title"] in {
        "Sustainable coastal tourism",
        "Mountain tourism all year round",
    }
    bad = client.get("/api/export", params={"format": "pdf"})
    assert bad.status_code == 400 and bad.json()["ok"] is False


def test_writes_need_a_key_and_the_right_role(client: TestClient, corpus_app: dict) -> None:
    body = {"name": "Textiles", "lead_regions": ["ES21"], "description": "circular textiles"}
    anonymous = client.post("/api/partnerships", json=body)
    assert anonymous.status_code == 401 and anonymous.json()["ok"] is False
    wrong_key = client.post("/api/partnerships", json=body, headers={"X-API-Key": "s3o_nope"})
    assert wrong_key.status_code == 401
    analyst = {"X-API-Key": corpus_app["keys"]["analyst"]}
    forbidden = client.post("/api/partnerships", json=body, headers=analyst)
    assert forbidden.status_code == 403 and forbidden.json()["status"] == 403
    admin = {"Authorization": f"Bearer {corpus_app['keys']['admin']}"}
    created = client.post("/api/partnerships", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["regions"] == [{"nuts_code": "ES21", "role": "lead"}]
    unknown_region = {**body, "lead_regions": ["XX99"]}
    assert client.post("/api/partnerships", json=unknown_region, headers=admin).status_code == 404


def test_reading_needs_a_key_when_not_public(corpus_app: dict, embedder) -> None:
    served = corpus_app["app"].state.observatory.settings
    settings = load_settings(
        database_url=served.database_url, data_dir=served.data_dir, public_read=False
    )
    private = create_app(settings)
    with TestClient(private) as client:
        private.state.observatory.service("embedder", lambda: embedder)
        refused = client.get("/api/priorities")
        assert refused.status_code == 401 and refused.json()["status"] == 401
        key = {"X-API-Key": corpus_app["keys"]["analyst"]}
        assert client.get("/api/priorities", headers=key).status_code == 200
    # the app under test is left as it was: reading stays public there
    assert corpus_app["client"].get("/api/priorities").status_code == 200
