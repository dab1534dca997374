"""A strategy's versions are told apart by what it is (territory, period, title), not its file name.

Real PDFs in two folders, ingested into a real SQLite store: two regions' ``strategy.pdf`` stay
two strategies; a revised document of the same region under another name is the next version;
the same bytes under another name change nothing.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from observatory.domain import StrategyCreate
from observatory.settings import load_settings
from observatory.store import open_store
from observatory.store.strategies import list_strategies, normalise_period, strategy_key
from pipelines.ingest.job import ingest_file, save_extraction


@pytest.fixture()
def store(tmp_path: Path):
    opened = open_store(load_settings(database_url=f"sqlite:///{tmp_path / 'store.db'}"))
    yield opened
    opened.close()


def _regional_pdf(pdfs, path: Path, region: str, page_count: int = 4) -> Path:
    """The builders' small strategy, written for ``region`` instead of the made-up Testland."""
    pages = [
        [(x, y, text.replace("Testland", region), size, bold) for x, y, text, size, bold in page]
        for page in pdfs.strategy_pages(page_count)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    return pdfs.write_pdf(path, pages)


def _current(store) -> dict[str, tuple[int, int, int]]:
    """NUTS code -> (strategy id, version, priority count) of the current strategies."""
    with store.transaction() as session:
        return {
            row.nuts_code: (row.id, row.version, len(row.priorities))
            for row in list_strategies(session)
        }


def test_two_regions_files_of_the_same_name_are_two_strategies(store, tmp_path, pdfs) -> None:
    first = _regional_pdf(pdfs, tmp_path / "a" / "strategy.pdf", "Etelä-Pohjanmaa")
    second = _regional_pdf(pdfs, tmp_path / "b" / "strategy.pdf", "Noord-Brabant")
    outcomes = [ingest_file(store, first), ingest_file(store, second)]
    assert [(o.status, o.version) for o in outcomes] == [("created", 1), ("created", 1)]
    current = _current(store)
    assert set(current) == {"FI199", "NL41"}
    assert all(priorities == 3 for _, _, priorities in current.values())


def test_a_revision_under_another_name_is_the_next_version(store, tmp_path, pdfs) -> None:
    original = _regional_pdf(pdfs, tmp_path / "a" / "strategy.pdf", "Etelä-Pohjanmaa")
    other = _regional_pdf(pdfs, tmp_path / "b" / "strategy.pdf", "Noord-Brabant")
    revised = _regional_pdf(pdfs, tmp_path / "c" / "s3-revised.pdf", "Etelä-Pohjanmaa", 5)
    for path in (original, other):
        assert ingest_file(store, path).status == "created"
    outcome = ingest_file(store, revised)
    assert (outcome.status, outcome.version) == ("new version", 2)
    current = _current(store)
    assert current["FI199"][1] == 2 and current["NL41"][1] == 1  # the other region untouched
    with store.transaction() as session:
        assert len(list_strategies(session, current_only=False)) == 3


def test_the_same_bytes_under_a_new_name_change_nothing(store, tmp_path, pdfs) -> None:
    original = _regional_pdf(pdfs, tmp_path / "a" / "strategy.pdf", "Etelä-Pohjanmaa")
    copy = tmp_path / "b" / "copy-of-strategy.pdf"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    created = ingest_file(store, original)
    again = ingest_file(store, copy)
    assert again.status == "unchanged" and again.strategy_id == created.strategy_id
    assert len(_current(store)) == 1


def test_real_strategies_named_alike_in_two_folders(
    store, tmp_path, shared_strategies, real_extractions
) -> None:
    """South Ostrobothnia and the Northern Netherlands, both saved as ``strategy.pdf``.

    The session's extractions of the two real PDFs stand for reading the copies again (same
    bytes, so the same extraction); only the path differs, and it must not matter.
    """
    results = []
    for folder, name in (
        ("a", "FI_South_Ostrobothnia_S3.pdf"),
        ("b", "NL_Northern_Netherlands_RIS3.pdf"),
    ):
        copy = tmp_path / folder / "strategy.pdf"
        copy.parent.mkdir()
        shutil.copyfile(shared_strategies / name, copy)
        moved = dataclasses.replace(real_extractions[name], path=str(copy))
        results.append(save_extraction(store, moved))
    assert [r.version for r in results] == [1, 1]
    assert results[0].strategy_id != results[1].strategy_id
    with store.transaction() as session:
        current = {row.region: len(row.priorities) for row in list_strategies(session)}
    assert set(current) == {"South Ostrobothnia", "Northern Netherlands"}
    assert all(count > 0 for count in current.values())


def test_a_document_that_names_nothing_is_a_strategy_of_its_own() -> None:
    """The title fell back to the file name and no territory was found: no guessing."""
    unnamed = {"title": "strategy", "source_path": "/x/strategy.pdf", "period": "2021-2027"}
    first = StrategyCreate(**unnamed, sha256="a" * 64)
    second = StrategyCreate(**unnamed, sha256="b" * 64)
    assert strategy_key(first) != strategy_key(second)
    assert "strategy.pdf" not in strategy_key(first)


def test_period_spellings_are_one_identity() -> None:
    spellings = ["2021-2027", "2021–27", "2021 / 2027", "2021-2027 (revised 2023)"]
    assert {normalise_period(p) for p in spellings} == {"2021-2027"}
    keys = {strategy_key(StrategyCreate(title="S3", nuts_code="ES24", period=p)) for p in spellings}
    assert keys == {"ES24:2021-2027"}
