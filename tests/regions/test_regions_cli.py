"""The ``observatory regions`` commands, through Typer's runner and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import build_cli
from observatory.errors import InvalidInput, NotFound

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(build_cli(), ["regions", *args])


def test_resolve_prints_code_name_level_country() -> None:
    result = _run("resolve", "Northern Netherlands")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "NL1  Noord-Nederland  (level 1, NL)"


def test_resolve_json_with_country_and_level() -> None:
    result = _run("resolve", "Limburg", "--country", "NL", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["code"] == "NL42"
    assert payload["country_name"] == "Netherlands"
    result = _run("resolve", "Luxembourg", "--level", "3", "--json")
    assert json.loads(result.output)["code"] == "LU000"


def test_resolve_errors_surface_as_observatory_errors() -> None:
    assert isinstance(_run("resolve", "Narnia").exception, NotFound)
    assert isinstance(_run("resolve", "Limburg").exception, InvalidInput)


def test_unknown_name_prints_one_error_line_and_exits_1() -> None:
    executable = Path(sys.executable).with_name("observatory")
    completed = subprocess.run(
        [str(executable), "regions", "resolve", "Narnia"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: no NUTS region matches 'Narnia'; closest: ")
    assert completed.stdout == ""


def test_show_lists_names_ancestors_and_children() -> None:
    result = _run("show", "FI19")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "FI19  Länsi-Suomi  (level 2, FI)"
    assert "Western Finland" in result.output
    assert "FI199  Etelä-Pohjanmaa  (level 3, FI)" in result.output
    payload = json.loads(_run("show", "LU", "--json").output)
    assert [child["code"] for child in payload["children"]] == ["LU0"]
    assert payload["ancestors"] == []


def test_search_prints_scored_candidates() -> None:
    result = _run("search", "Ostrobothnia", "--limit", "3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["count"] == len(payload["data"]) == 3
    assert payload["data"][0]["code"] == "FI19A"
    assert payload["data"][0]["score"] == 100.0
    scores = [row["score"] for row in payload["data"]]
    assert scores == sorted(scores, reverse=True)
    text = _run("search", "Ostrobothnia", "--limit", "2").output.splitlines()
    assert len(text) == 2 and text[0].startswith("100.0  FI19A")


def test_unknown_version_and_code() -> None:
    assert isinstance(_run("show", "XX9").exception, NotFound)
    assert isinstance(_run("resolve", "Bavaria", "--nuts-version", "1999").exception, InvalidInput)
    assert _run("resolve", "Scotland", "--include-uk").output.startswith("UKM  Scotland")
