"""One filter definition for both interfaces: /api/priorities, /api/export and ``observatory
export`` take the same filters (``FILTER_FIELDS``) and select the same priorities with them.

A real SQLite store holds the illustrative sample loaded by ``observatory demo load``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from fastapi.testclient import TestClient

from api.app import create_app
from cli import build_cli, main
from observatory.filter_fields import FILTER_FIELDS
from observatory.settings import load_settings
from tests.store_fixtures import load_demo_sample

# Filter combinations that each keep some sample priorities and drop others.
CASES = [
    {"country": ["ES"]},
    {"country": ["AT", "PL"], "language": ["en"]},
    {"nuts": ["ES2"]},
    {"status": ["unlabelled"], "period": ["2021-2027"]},
    {"country": ["XX"]},
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample in a store, the environment pointing at it, and a client of the app."""
    folder = tmp_path_factory.mktemp("filters")
    env = load_demo_sample(folder)
    settings = load_settings(
        database_url=env["OBSERVATORY_DATABASE_URL"], data_dir=folder, embedding_backend="lexical"
    )
    with TestClient(create_app(settings)) as client:
        yield {"client": client, "env": env}


def _cli_export(served: dict, filters: dict, tmp_path: Path, monkeypatch) -> list[dict]:
    for key, value in served["env"].items():
        monkeypatch.setenv(key, value)
    target = tmp_path / "out.json"
    options = [f"--{name}={value}" for name, values in filters.items() for value in values]
    with pytest.raises(SystemExit) as done:
        main(["export", "--format", "json", "-o", str(target), *options])
    assert done.value.code in (0, None)
    return json.loads(target.read_text("utf-8"))


def test_every_filter_is_a_query_parameter_and_a_cli_option(served) -> None:
    spec = served["client"].get("/openapi.json").json()
    for path in ("/api/priorities", "/api/export"):
        parameters = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        for field in FILTER_FIELDS:
            assert parameters[field.name]["description"] == field.help, (path, field.name)
            assert parameters[field.name]["schema"]["anyOf"][0]["maxItems"] == field.max_values
    export = typer.main.get_command(build_cli()).commands["export"]  # type: ignore[attr-defined]
    options = {p.name: p for p in export.params}
    for field in FILTER_FIELDS:
        assert options[field.name].multiple and field.help in options[field.name].help


@pytest.mark.parametrize("filters", CASES)
def test_api_and_cli_select_the_same_priorities(served, filters, tmp_path, monkeypatch) -> None:
    client = served["client"]
    listed = client.get("/api/priorities", params={**filters, "limit": 500}).json()
    exported = client.get("/api/export", params={**filters, "format": "json"}).json()
    from_cli = _cli_export(served, filters, tmp_path, monkeypatch)
    ids = sorted(p["id"] for p in listed["data"])
    assert listed["count"] == len(ids)
    assert sorted(r["priority_id"] for r in exported) == ids
    assert sorted(r["priority_id"] for r in from_cli) == ids
    everything = client.get("/api/priorities", params={"limit": 1}).json()["count"]
    if filters == {"country": ["XX"]}:
        assert ids == []
    else:
        assert 0 < len(ids) < everything  # the filter really filters


def test_a_bad_filter_value_is_refused_alike(served, tmp_path, monkeypatch, capsys) -> None:
    response = served["client"].get("/api/priorities", params={"country": "Spain"})
    assert response.status_code in (400, 422)
    assert "not a two-letter code" in response.text
    for key, value in served["env"].items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as done:
        main(["export", "--country", "Spain", "-o", str(tmp_path / "x.csv")])
    assert done.value.code == 1
    assert "not a two-letter code" in capsys.readouterr().err
