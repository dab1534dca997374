"""The ``observatory users`` and ``observatory review`` commands on a real store."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from sqlalchemy import select

from cli import main
from observatory.review import doubt_score, enqueue
from observatory.store.tables import PriorityRow, ReviewDecisionRow, ReviewTaskRow
from tests.store_fixtures import SEED_TOP_PROBABILITY


@pytest.fixture
def cli(seeded_store, monkeypatch, capsys):
    """Run the CLI against the seeded store, with every seed priority queued for NACE."""
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", seeded_store.url)
    monkeypatch.setenv("OBSERVATORY_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("OBSERVATORY_API_KEY", raising=False)
    with seeded_store.transaction(write=True) as session:
        ids = list(session.scalars(select(PriorityRow.id).order_by(PriorityRow.id)))
        for priority_id, top in zip(ids, SEED_TOP_PROBABILITY, strict=True):
            enqueue(session, priority_id, "nace", doubt=doubt_score(top, top / 2))

    def run(*args: str, input: str | None = None, code: int = 0) -> str:
        """The real entry point, with stdin from ``input`` (not a terminal); stdout + stderr."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        with pytest.raises(SystemExit) as ended:
            main(list(args))
        captured = capsys.readouterr()
        output = captured.out + captured.err
        assert (ended.value.code or 0) == code, output
        return output

    return run


def add_user(cli, name: str, role: str = "reviewer") -> str:
    lines = cli("users", "add", name, "--role", role).splitlines()
    return next(line for line in lines if line.startswith("s3o_"))


def test_users_commands(cli):
    key = add_user(cli, "alice")
    assert key.startswith("s3o_")
    listing = json.loads(cli("users", "list", "--json"))
    assert listing["count"] == 1 and listing["data"][0]["key_prefix"] == key[:12]
    assert key not in cli("users", "list")
    assert "already exists" in cli("users", "add", "alice", code=1)
    cli("users", "deactivate", "alice")
    assert "invalid or deactivated" in cli("review", "next", "--api-key", key, code=1)


def test_review_start_reads_keys_from_lines(cli, seeded_store, monkeypatch):
    key = add_user(cli, "alice")
    monkeypatch.setenv("OBSERVATORY_API_KEY", key)
    # accept, choose suggestion 2, correct by typing a bad then a good code, undo, skip, quit
    output = cli("review", "start", "--taxonomy", "nace", input="a\n2\nc\nZ9\nc\n62;26\nu\ns\nq\n")
    assert "[a]ccept" in output and "error: unknown nace code 'Z9'" in output
    assert "undone: decision on task" in output
    with seeded_store.transaction() as session:
        decisions = session.scalars(select(ReviewDecisionRow).order_by(ReviewDecisionRow.id))
        actions = [(d.action, d.codes) for d in decisions]
        open_tasks = session.scalars(
            select(ReviewTaskRow).where(ReviewTaskRow.status == "open")
        ).all()
    assert [a for a, _codes in actions] == ["accept", "correct", "correct", "undo", "skip"]
    assert actions[2][1] == ["62", "26"] and actions[3][1] == ["62", "26"]
    assert all(task.claimed_by is None for task in open_tasks)  # q released the claim
    assert len(open_tasks) == 4


def test_review_reporting_commands(cli, seeded_store, tmp_path, monkeypatch):
    key = add_user(cli, "bob")
    analyst = add_user(cli, "anna", "analyst")
    assert "analyst" in cli("review", "next", "--api-key", analyst, code=1)
    monkeypatch.setenv("OBSERVATORY_API_KEY", key)
    assert "2 tasks" in cli(
        "review", "bulk-accept", "--min-probability", "0.9", input="n\n", code=1
    )
    assert "accepted 2 tasks" in cli("review", "bulk-accept", "--min-probability", "0.9", "--yes")
    task = json.loads(cli("review", "next", "--json"))
    assert task["taxonomy"] == "nace" and len(task["suggestions"]) == 5
    stats = json.loads(cli("review", "stats", "--json"))
    assert stats["queue"]["nace"]["closed"] == 2
    assert stats["model_precision"]["nace"]["precision"] == 1.0
    assert stats["reviewers"][0]["reviewer"] == "bob"
    assert "precision nace" in cli("review", "stats")
    gold = tmp_path / "GOLD.csv"
    assert "wrote 2 reviewed" in cli("review", "export", str(gold))
    with gold.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 2
    flagged = cli("review", "flag", str(task["priority_id"]), "--taxonomy", "nabs")
    assert "flagged: task #" in flagged
    history = json.loads(cli("review", "history", str(task["priority_id"]), "--json"))
    assert "review.flag" in {entry["action"] for entry in history["data"]}
    assert "error: no priority with id 999999" in cli("review", "history", "999999", code=1)


def test_review_start_judges_each_code_of_the_set(cli, seeded_store, monkeypatch):
    key = add_user(cli, "carla")
    monkeypatch.setenv("OBSERVATORY_API_KEY", key)
    # the most doubtful item (top probability 0.30) has a set of three NACE codes: keep the
    # first, reject the second, keep the third, add 38; then "none fits" on the next item
    output = cli("review", "start", "--taxonomy", "nace", input="m\ny\nn\ny\n38\nn\nq\n")
    assert "[set, suggested]" in output and "[not in set]" in output
    assert "(rejected 02)" in output and "set none fits" in output
    with seeded_store.transaction() as session:
        decisions = list(session.scalars(select(ReviewDecisionRow).order_by(ReviewDecisionRow.id)))
    assert [(d.action, d.codes) for d in decisions] == [("set", ["16", "17", "38"]), ("set", [])]
