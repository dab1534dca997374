"""Which labels in force tag a priority for filters, facets and matching."""

from __future__ import annotations

from pathlib import Path

import pytest

import taxonomies
from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.search.catalog import is_tag
from observatory.search.catalog_cache import CatalogCache
from observatory.search.filters import make_filters
from observatory.search.service import SearchRequest, SearchService
from observatory.store import SQLStore
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy


@pytest.mark.parametrize(
    ("status", "rank", "probability", "expected"),
    [
        ("suggested", 1, 0.2, True),
        ("suggested", None, None, True),
        ("suggested", 2, 0.45, True),
        ("suggested", 3, 0.05, False),
        ("auto_accepted", 1, 0.95, True),
        ("accepted", None, None, True),
        ("corrected", None, None, True),
        ("rejected", 1, 0.9, False),
    ],
)
def test_is_tag(status: str, rank: int | None, probability: float | None, expected: bool) -> None:
    assert is_tag(status, rank, probability) is expected


def test_unlikely_alternatives_do_not_match_code_filters(tmp_path: Path) -> None:
    store = SQLStore(f"sqlite:///{tmp_path / 'tags.db'}")
    store.migrate()
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="S3 NL1", nuts_code="NL1", country="NL"),
            [PriorityCreate(title="Offshore wind")],
        )
        suggestions = [("35", 0.7), ("33", 0.32), ("62", 0.04)]
        add_labels(
            session,
            saved.priority_ids[0],
            [LabelCreate(taxonomy="nace", code=code, probability=p, rank=rank)
             for rank, (code, p) in enumerate(suggestions, start=1)],
        )  # fmt: skip
    service = SearchService(CatalogCache(store, {"nace": taxonomies.load("nace")}, check_seconds=0))

    def count(code: str) -> int:
        return service.search(SearchRequest(filters=make_filters(nace=[code]))).count

    assert (count("35"), count("33"), count("62"), count("J")) == (1, 1, 0, 0)
    store.close()
