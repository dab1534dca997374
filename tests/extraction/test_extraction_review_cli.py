"""``observatory ingest`` and ``observatory extraction list/show/request/decide`` on a real store
with a real PDF: the CLI does what the review page does."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cli import main
from observatory.domain import Role
from observatory.store.strategies import list_strategies
from observatory.users import create_user


@pytest.fixture
def run(store, monkeypatch, capsys, tmp_path):
    """The real entry point against the test store; returns stdout + stderr."""
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", store.url)
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OBSERVATORY_EXTRACTION_REVIEW_BELOW", "1.0")
    monkeypatch.setenv("OBSERVATORY_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("OBSERVATORY_API_KEY", raising=False)

    def invoke(*args: str, code: int = 0) -> str:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        with pytest.raises(SystemExit) as ended:
            main(list(args))
        captured = capsys.readouterr()
        output = captured.out + captured.err
        assert (ended.value.code or 0) == code, output
        return output

    return invoke


def _titles(store) -> list[str]:
    with store.transaction() as session:
        (strategy,) = list_strategies(session)
        return [p.title for p in strategy.priorities]


def test_cli_lists_shows_and_decides_like_the_page(run, store, strategy_pdf: Path, tmp_path):
    with store.transaction(write=True) as session:
        reviewer = create_user(session, "rita", Role.REVIEWER)[1]
        analyst = create_user(session, "ana", Role.ANALYST)[1]
    run("ingest", str(strategy_pdf))
    assert (tmp_path / "data" / "pdfs").is_dir()
    (entry,) = json.loads(run("extraction", "list", "--json"))
    strategy_id = entry["strategy_id"]
    shown = run("extraction", "show", str(strategy_id))
    assert "CHOSEN" in shown and "Access to finance for SMEs" in shown  # the decoy list too
    decide = ["extraction", "decide", str(strategy_id), "--list", "0"]
    edits = [
        "--rename", "Smart dairy chains=Smart dairy value chains",
        "--remove", "Precision forestry",
        "--merge", "Circular textiles=Marine robotics",
        "--add", "Blue biotechnology@4",
        "--comment", "from the terminal",
    ]  # fmt: skip
    refused = run(*decide, *edits, "--api-key", analyst, code=1)
    assert refused.startswith("error:") and "reviewer" in refused
    assert "no item titled" in run(*decide, "--remove", "Nothing", "--api-key", reviewer, code=1)
    outcome = json.loads(run(*decide, *edits, "--api-key", reviewer, "--json"))
    assert outcome["merged"] == [["Circular textiles", "Marine robotics"]]
    reviewed = ["Marine robotics", "Smart dairy value chains", "Blue biotechnology"]
    assert _titles(store) == reviewed
    assert "nothing waits" in run("extraction", "list")
    # re-ingest and re-extract the same file: the reviewed list survives
    assert "unchanged" in run("ingest", str(strategy_pdf))
    assert "reviewed list kept" in run("ingest", "--reextract", str(strategy_pdf))
    assert _titles(store) == reviewed
    new_id = str(outcome["strategy_id"])
    assert "waits" in run("extraction", "request", new_id, "--api-key", analyst)
    assert json.loads(run("extraction", "list", "--json"))[0]["reason"] == "request"
    # the whole list as JSON, as the API takes it
    items = tmp_path / "items.json"
    items.write_text(json.dumps([{"title": "Marine robotics", "pages": [2]}]), encoding="utf-8")
    run("extraction", "decide", new_id, "--items", str(items), "--api-key", reviewer)
    assert _titles(store) == ["Marine robotics"]
