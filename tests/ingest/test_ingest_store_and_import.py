"""Ingest into a real SQLite store (idempotent, versioned) and the manual import route."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.errors import InvalidInput
from observatory.settings import load_settings
from observatory.store import open_store
from observatory.store.strategies import list_strategies
from pipelines.ingest.job import ingest_paths
from pipelines.ingest.manual_import import import_priorities


@pytest.fixture()
def store(tmp_path: Path):
    opened = open_store(load_settings(database_url=f"sqlite:///{tmp_path / 'store.db'}"))
    yield opened
    opened.close()


def test_ingest_is_idempotent_and_versions_changed_files(store, tmp_path: Path, pdfs) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    path = pdfs.write_pdf(folder / "testland.pdf", pdfs.strategy_pages())
    first = ingest_paths(store, [folder])
    again = ingest_paths(store, [folder])
    assert [o.status for o in first] == ["created"]
    assert [o.status for o in again] == ["unchanged"]
    pdfs.write_pdf(path, pdfs.strategy_pages(page_count=5))  # same file name, new content
    changed = ingest_paths(store, [path])
    assert changed[0].status == "new version" and changed[0].version == 2
    with store.transaction() as session:
        current = list_strategies(session)
        assert len(current) == 1 and current[0].version == 2
        assert len(list_strategies(session, current_only=False)) == 2
        assert [p.title for p in current[0].priorities][:1] == ["Marine robotics"]
        assert current[0].priorities[0].pages == [2]


def _csv(path: Path, rows: list[str]) -> Path:
    header = "region,nuts_code,country,strategy_title,period,language,title,description,parent"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_priorities_with_hierarchy_is_idempotent(store, tmp_path: Path) -> None:
    table = _csv(
        tmp_path / "p.csv",
        [
            "Luxembourg,LU,LU,Test S3,2021-2027,en,Health technologies,Medical devices and data,",
            "Luxembourg,LU,LU,Test S3,2021-2027,en,Digital health,Care data,Health technologies",
            "Drenthe,,NL,Drenthe S3,2021-2027,en,Water technology,Purification,",
        ],
    )
    report = import_priorities(store, table)
    assert (report.strategies_created, report.priorities, report.errors) == (2, 3, [])
    again = import_priorities(store, table)
    assert (again.strategies_created, again.strategies_unchanged) == (0, 2)
    with store.transaction() as session:
        by_title = {s.title: s for s in list_strategies(session)}
        assert by_title["Drenthe S3"].nuts_code == "NL13"
        lux = {p.title: p for p in by_title["Test S3"].priorities}
        assert lux["Digital health"].parent_id == lux["Health technologies"].id


def test_bad_rows_are_all_reported_and_nothing_is_imported(store, tmp_path: Path) -> None:
    table = _csv(
        tmp_path / "bad.csv",
        [
            "Luxembourg,LU,LU,Test S3,2021-2027,en,Health,Fine row,",
            "Luxembourg,LU,LU,Test S3,2021-2027,en,,Row without a title,",
            "Nowhere-at-all-land,,,X,2021-2027,en,Title,Unknown region,",
            "Luxembourg,LU,LU,Test S3,2021-2027,en,Child,Orphan,Missing parent",
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        import_priorities(store, table)
    lines = sorted(int(e.rsplit(str(table) + ":", 1)[1].split(":")[0]) for e in caught.value.errors)
    assert lines == [3, 4, 5]
    with store.transaction() as session:
        assert list_strategies(session) == []
    report = import_priorities(store, table, skip_invalid=True)
    assert report.imported_rows == 1 and report.strategies_created == 1


def test_xlsx_is_accepted(store, tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "p.xlsx"
    pd.DataFrame(
        [
            {
                "nuts_code": "FI199",
                "title": "Food systems",
                "description": "Food chain",
                "pages": "3;8",
            }
        ]
    ).to_excel(path, index=False)
    report = import_priorities(store, path)
    assert report.strategies_created == 1
    with store.transaction() as session:
        assert list_strategies(session)[0].priorities[0].pages == [3, 8]
