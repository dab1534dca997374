"""What the command line says to a person (issue 16, CLI): usage errors in one line, close
region names only, no data folder left in the current directory, an honest re-ingest, a
readable demo summary, and titles beside codes in the terminal review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli import main

SHARED_PDF = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "strategies"
    / "FI_South_Ostrobothnia_S3.pdf"
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    """The real entry point: exit status, stdout, stderr."""
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    captured = capsys.readouterr()
    return ended.value.code or 0, captured.out, captured.err


def test_usage_errors_are_one_line(capsys) -> None:
    for args in (["export", "--bogus"], ["regions", "show"], ["export", "--format", "nope"]):
        code, _out, err = run(capsys, *args)
        assert code != 0, args
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), err
        assert not any(box in err for box in "╭╮│╰"), err


def test_regions_search_lists_close_names_only(capsys) -> None:
    code, out, _err = run(capsys, "regions", "search", "moravia")
    assert code == 0
    listed = {line.split()[1] for line in out.strip().splitlines()}
    assert {"CZ07", "CZ08"} <= listed
    assert not {"ES411", "ES417"} & listed  # Ávila and Soria only share letters
    code, out, _err = run(capsys, "regions", "search", "narnia")
    assert code == 0 and out.startswith("no region name is close to 'narnia'")


def test_classify_text_leaves_no_data_folder_in_the_current_directory(
    tmp_path, monkeypatch, capsys
) -> None:
    from cli.classify import text_settings

    work = tmp_path / "anywhere"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("OBSERVATORY_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert text_settings().data_dir == tmp_path / "cache" / "s3-observatory"
    code, out, _err = run(capsys, "classify-text", "Hydrogen valleys", "--embedder", "lexical")
    assert code == 0 and "nace [division]" in out
    assert list(work.iterdir()) == []
    # a configured data dir is kept
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "mine"))
    assert text_settings().data_dir == tmp_path / "mine"


def test_reingesting_an_unchanged_file_says_so(tmp_path, monkeypatch, capsys) -> None:
    if not SHARED_PDF.is_file():
        pytest.skip("../shared/strategies is absent")
    pdf = tmp_path / SHARED_PDF.name
    shutil.copy(SHARED_PDF, pdf)
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", f"sqlite:///{tmp_path / 'o.db'}")
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "data"))
    code, first, _err = run(capsys, "ingest", str(pdf))
    assert code == 0 and "created" in first
    code, again, _err = run(capsys, "ingest", str(pdf))
    assert code == 0 and "unchanged" in again  # the table may wrap its status cell
    assert "1 of 1 file(s) unchanged: the same bytes are already stored" in again


def test_demo_load_prints_a_human_summary(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", f"sqlite:///{tmp_path / 'o.db'}")
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path))
    code, out, _err = run(capsys, "demo", "load", "--skip-classify")
    assert code == 0
    assert "illustrative priorities" in out and "not real strategies" in out
    assert "sample partnerships: 11 new, 0 updated" in out
    assert "ImportSummary(" not in out


def test_terminal_review_shows_titles_beside_codes(tmp_path, monkeypatch, capsys) -> None:
    from sqlalchemy import select

    from observatory.domain import LabelCreate, LabelStatus, Role
    from observatory.review.queue import enqueue
    from observatory.settings import load_settings
    from observatory.store import open_store
    from observatory.store.labels import add_labels
    from observatory.store.tables import PriorityRow
    from observatory.users import create_user

    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", f"sqlite:///{tmp_path / 'o.db'}")
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path))
    assert run(capsys, "demo", "load", "--skip-classify")[0] == 0
    store = open_store(load_settings())
    try:
        with store.transaction(write=True) as session:
            priority_id = session.scalars(select(PriorityRow.id).limit(1)).one()
            labels = [
                LabelCreate(
                    taxonomy="nace",
                    code=code,
                    status=LabelStatus.SUGGESTED,
                    probability=probability,
                    rank=rank,
                    model_id="test",
                    model_version="1",
                )
                for rank, (code, probability) in enumerate([("10", 0.5), ("35", 0.3)], start=1)
            ]
            add_labels(session, priority_id, labels)
            enqueue(session, priority_id, "nace", doubt=0.5)
            _user, key = create_user(session, "terminal", Role.REVIEWER)
    finally:
        store.close()
    code, out, _err = run(capsys, "review", "next", "--api-key", key)
    assert code == 0
    assert "1. 10" in out and "Manufacture of food products" in out
    assert "Electricity, gas, steam and air conditioning supply" in out


def test_a_command_answers_the_same_from_its_own_module_as_from_the_whole_cli(capsys) -> None:
    from typer.testing import CliRunner

    import cli

    whole = cli.build_cli()  # no arguments: every module
    runner = CliRunner()
    for args in (
        ["classify-text", "--help"],
        ["evaluate", "--help"],  # a group two modules add to (classification, extraction)
        ["classify-text", "--top-k", "0", "x"],
        ["taxonomy", "show"],
    ):
        narrowed = cli.build_cli(args)
        assert len(narrowed.registered_commands) + len(narrowed.registered_groups) < len(
            whole.registered_commands
        ) + len(whole.registered_groups), args
        got = runner.invoke(narrowed, args, prog_name="observatory")
        expected = runner.invoke(whole, args, prog_name="observatory")
        assert (got.exit_code, got.output) == (expected.exit_code, expected.output), args
    assert "classification" in runner.invoke(whole, ["evaluate", "--help"]).output
    assert "extraction" in runner.invoke(whole, ["evaluate", "--help"]).output
    # no command named: the whole command line, as before
    assert len(cli.build_cli(["--help"]).registered_groups) == len(whole.registered_groups)
    code, out, _err = run(capsys, "--help")
    assert code == 0 and "classify-text" in out and "review" in out
