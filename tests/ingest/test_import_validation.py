"""Import and ingest check everything before writing, and fail with one line per bad row or file.

Runs on SQLite and, with OBSERVATORY_TEST_POSTGRES_URL, on PostgreSQL, which enforces column
widths and refuses NUL: there a long period or language code used to stop an import half-way
with a traceback, leaving the earlier strategies committed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from cli import main
from observatory.domain import PriorityCreate, StrategyCreate
from observatory.errors import InvalidInput, ObservatoryError
from observatory.settings import load_settings
from observatory.store.strategies import list_strategies, save_strategy
from pipelines.ingest.job import ingest_file, ingest_paths
from pipelines.ingest.manual_import import import_priorities

HEADER = "region,nuts_code,country,strategy_title,period,language,title,description,parent,pages"
GOOD = 'Galicia,ES11,ES,Galician S3,2021-2027,es,Blue growth,"Aquaculture and fishing.",,3'


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _stored(store) -> list:
    with store.transaction() as session:
        return [
            (row.nuts_code, row.period, len(row.priorities)) for row in list_strategies(session)
        ]


def _one_line_each(errors: list[str], path: Path) -> None:
    assert errors and all("\n" not in error and error.startswith(f"{path}:") for error in errors)


# -- finding 5: lengths and characters are checked first; all or nothing ----------------------


def test_values_the_store_cannot_hold_are_rows_in_error_and_nothing_is_written(
    store, tmp_path
) -> None:
    path = _csv(
        tmp_path / "p.csv",
        [
            GOOD,
            "Lombardia,ITC4,IT,Lombard S3," + "2021-2027 " * 8 + ",it,Fashion,Textiles.,,",
            "Groningen,NL11,NL,Groningen S3,2021-2027,english-language,Energy,Hydrogen.,,",
            'Galicia,ES11,ES,Galician S3,2021-2027,es,"Dairy\x00 and cheese","Milk\x0b plants.",,',
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        import_priorities(store, path)
    errors = caught.value.errors
    _one_line_each(errors, path)
    assert [e.split(":")[1] for e in errors] == ["3", "4"]
    assert "period" in errors[0] and "at most 60" in errors[0]
    assert "language" in errors[1] and "at most 8" in errors[1]
    assert _stored(store) == []  # the good rows were not committed either


def test_skip_invalid_imports_the_valid_rows_with_nul_and_controls_cleaned(store, tmp_path) -> None:
    path = _csv(
        tmp_path / "p.csv",
        [
            GOOD,
            "Groningen,NL11,NL,Groningen S3,2021-2027,english-language,Energy,Hydrogen.,,",
            'Galicia,ES11,ES,Galician S3,2021-2027,es,"Dairy\x00 and cheese","Milk\x0bplants.",,',
        ],
    )
    report = import_priorities(store, path, skip_invalid=True)
    assert report.imported_rows == 2 and report.skipped_rows == 1
    with store.transaction() as session:
        (strategy,) = list_strategies(session)
        titles = {p.title: p.description for p in strategy.priorities}
    assert titles == {
        "Blue growth": "Aquaculture and fishing.",
        "Dairy and cheese": "Milk\nplants.",
    }


def test_a_period_with_a_revision_note_is_accepted_by_ingest(store, tmp_path, pdfs) -> None:
    pdf = pdfs.write_pdf(tmp_path / "s3.pdf", pdfs.strategy_pages())
    settings = load_settings(data_dir=tmp_path / "data")
    outcome = ingest_file(
        store, pdf, overrides={"period": "2021-2027 (revised 2023)"}, settings=settings
    )
    assert outcome.status == "created", outcome.reason
    assert _stored(store)[0][1] == "2021-2027 (revised 2023)"


def test_ingest_options_the_store_cannot_hold_fail_in_one_line_before_reading(
    store, tmp_path, pdfs
) -> None:
    pdf = pdfs.write_pdf(tmp_path / "s3.pdf", pdfs.strategy_pages())
    for overrides, words in (
        ({"period": "2021-2027 " * 10}, "--period"),
        ({"language": "english-language"}, "--language"),
        ({"country": "XYZ"}, "--country"),
        ({"nuts_code": "XX99"}, "XX99"),
        ({"nuts_code": "ES21", "country": "FR"}, "is in ES, not in FR"),
    ):
        with pytest.raises(ObservatoryError) as caught:
            ingest_paths(store, [pdf], overrides=overrides)
        assert words in caught.value.message and "\n" not in caught.value.message
    assert _stored(store) == []


# -- finding 13: parents and territories that cannot be right ------------------------------


def test_self_and_cyclic_parents_and_a_foreign_nuts_code_are_refused(store, tmp_path) -> None:
    path = _csv(
        tmp_path / "p.csv",
        [
            GOOD,
            "Galicia,ES11,ES,Galician S3,2021-2027,es,Mirror,Its own parent.,Mirror,",
            "Galicia,ES11,ES,Galician S3,2021-2027,es,Chicken,Came first.,Egg,",
            "Galicia,ES11,ES,Galician S3,2021-2027,es,Egg,Came first.,Chicken,",
            "País Vasco,ES21,FR,Basque S3,2021-2027,es,Hydrogen,Electrolysers.,,",
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        import_priorities(store, path)
    errors = caught.value.errors
    _one_line_each(errors, path)
    by_line = {int(e.split(":")[1]): e for e in errors}
    assert set(by_line) == {3, 4, 5, 6}
    assert "names itself as its parent" in by_line[3]
    assert "cycle of parents" in by_line[4] and "cycle of parents" in by_line[5]
    assert "ES21" in by_line[6] and "not in FR" in by_line[6]
    assert _stored(store) == []


def test_the_store_refuses_cyclic_parents_from_any_producer(store) -> None:
    strategy = StrategyCreate(title="Cycles", nuts_code="ES11", country="ES", key="test:cycles")
    cyclic = [
        PriorityCreate(title="A", parent="B"),
        PriorityCreate(title="B", parent="A"),
    ]
    with (
        pytest.raises(InvalidInput, match="invalid parents") as caught,
        store.transaction(write=True) as session,
    ):
        save_strategy(session, strategy, cyclic)
    assert all("cycle" in e for e in caught.value.errors)
    assert _stored(store) == []


# -- finding 10: one line instead of a traceback, from the command line --------------------


def _run(argv: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    return int(done.value.code or 0), capsys.readouterr().err


@pytest.fixture()
def cli_store(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_bad_tables_and_options_give_one_line_not_a_traceback(cli_store, capsys, pdfs) -> None:
    superscript = _csv(
        cli_store / "pages.csv",
        ['Galicia,ES11,ES,Galician S3,2021-2027,es,Blue growth,"Fishing.",,²'],
    )
    workbook = cli_store / "good.xlsx"
    pd.DataFrame([dict(zip(HEADER.split(","), GOOD.split(","), strict=False))]).to_excel(
        workbook, index=False
    )
    truncated = cli_store / "truncated.xlsx"
    truncated.write_bytes(workbook.read_bytes()[: workbook.stat().st_size // 2])
    not_a_workbook = cli_store / "archive.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("notes.txt", "a zip archive, not a spreadsheet")
    pdf = pdfs.write_pdf(cli_store / "s3.pdf", pdfs.strategy_pages())
    cases = [
        (["import-priorities", str(superscript)], "pages must be positive integers, got '²'"),
        (["import-priorities", str(truncated)], "not a valid .xlsx file"),
        (["import-priorities", str(not_a_workbook)], "not a valid .xlsx file"),
        (["ingest", "--country", "XYZ", str(pdf)], "--country"),
        (["ingest", "--nuts-code", "XX99", str(pdf)], "XX99"),
    ]
    for argv, words in cases:
        code, err = _run(argv, capsys)
        assert code == 1, (argv, err)
        assert "Traceback" not in err and words in err, (argv, err)
        assert all(line.startswith("error: ") for line in err.strip().splitlines()), err


def test_partnerships_with_nul_and_controls_are_stored_clean(store, tmp_path) -> None:
    """A NUL used to stop the partnerships import on PostgreSQL with a traceback."""
    from observatory.partnerships import import_partnerships, list_partnerships

    path = tmp_path / "partnerships.csv"
    path.write_text(
        "name,thematic_platform,lead_regions,member_regions,interested_regions,description\n"
        'Hydrogen\x00 valleys,Energy,ES21,NL11,,"Electrolysers\x0band pipelines."\n',
        encoding="utf-8",
    )
    summary = import_partnerships(store, path, check=lambda code: code.strip().upper())
    assert summary.created == 1
    with store.transaction() as session:
        (row,) = list_partnerships(session)
        assert (row.name, row.description) == ("Hydrogen valleys", "Electrolysers\nand pipelines.")
