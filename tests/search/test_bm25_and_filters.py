"""BM25 ranking, tokenising and catalog filters on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import taxonomies
from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.errors import InvalidInput
from observatory.search import (
    CatalogCache,
    SearchRequest,
    SearchService,
    facet_counts,
    make_filters,
    region_counts,
)
from observatory.search.bm25 import BM25Index
from observatory.search.text import query_terms, tokens
from observatory.store import SQLStore
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy


def test_tokens_fold_accents_and_plurals() -> None:
    assert tokens("Énergies renouvelables and the Batteries") == [
        "energy",
        "renouvelable",
        "battery",
    ]
    assert query_terms("Hydrogen valleys") == {"hydrogen": "Hydrogen", "valley": "valleys"}


def test_bm25_prefers_rarer_and_denser_matches() -> None:
    index = BM25Index(
        [
            "hydrogen hydrogen electrolysis",
            "hydrogen in a very long text about many other industrial topics and more",
            "tourism and culture",
        ]
    )
    scores = index.scores(["hydrogen"])
    assert scores[0] > scores[1] > 0 and scores[2] == 0
    both = index.scores(["hydrogen", "electrolysis"])
    assert both[0] > scores[0]
    assert index.matched_terms(0, ["hydrogen", "tourism"]) == ["hydrogen"]
    assert not index.scores(["unknownword"]).any()


@pytest.fixture
def service(tmp_path: Path) -> SearchService:
    store = SQLStore(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()
    with store.transaction(write=True) as session:
        for nuts, titles in {
            "ES51": ["Port logistics", "Port digital twins", "Food processing"],
            "ES30": ["Port cranes"],
            "DE21": ["Automotive batteries"],
        }.items():
            saved = save_strategy(
                session,
                StrategyCreate(title=f"S3 {nuts}", nuts_code=nuts, country=nuts[:2]),
                [PriorityCreate(title=t) for t in titles],
            )
            for pid, title in zip(saved.priority_ids, titles, strict=True):
                code = "10" if "Food" in title else "52"
                add_labels(session, pid, [LabelCreate(taxonomy="nace", code=code)])
    served = {"nace": taxonomies.load("nace")}
    return SearchService(CatalogCache(store, served, check_seconds=0))


def test_filters_narrow_before_ranking(service: SearchService) -> None:
    served = {"nace": taxonomies.load("nace")}
    page = service.search(
        SearchRequest(q="port", filters=make_filters(nuts=["ES5"], taxonomies=served), limit=5)
    )
    assert page.count == 2
    assert {page.catalog.titles[h.row] for h in page.hits} == {
        "Port logistics",
        "Port digital twins",
    }
    section_h = make_filters(nace=["H"], taxonomies=served)  # transport, holding division 52
    assert service.search(SearchRequest(filters=section_h)).count == 4
    with pytest.raises(InvalidInput):
        make_filters(nace=["99.99.99"], taxonomies=served)


def test_catalog_refreshes_when_the_store_changes(service: SearchService) -> None:
    before = service.search(SearchRequest(q="batteries")).count
    store = service.catalogs.store
    with store.transaction(write=True) as session:
        save_strategy(
            session,
            StrategyCreate(title="S3 FI1D", nuts_code="FI1D", country="FI"),
            [PriorityCreate(title="Battery recycling")],
        )
    after = service.search(SearchRequest(q="batteries"))
    assert after.count == before + 1
    assert np.all(np.diff(after.catalog.ids) > 0)


def test_facet_counts_say_what_each_filter_keeps(service: SearchService) -> None:
    served = {"nace": taxonomies.load("nace")}
    page = service.search(SearchRequest(q="port", limit=1))
    assert page.count == 3 and len(page.rows()) == 3  # every match, not just the page
    counts = facet_counts(page.catalog, page.mask())
    assert dict(counts["nuts"]) == {"ES51": 2, "ES30": 1}
    assert dict(counts["nace"]) == {"H": 3, "52": 3}  # a division counts under its section
    for facet, key in (("nuts", "nuts"), ("nace", "nace"), ("country", "country")):
        for value, count in counts[facet]:
            narrowed = make_filters(**{key: [value]}, taxonomies=served)
            assert service.search(SearchRequest(q="port", filters=narrowed)).count == count
    everything = service.search(SearchRequest(limit=1))
    assert dict(facet_counts(everything.catalog, everything.mask())["status"]) == {
        "suggested": 5,
        "unreviewed": 5,
    }
    assert region_counts(everything.catalog, "nace", "H") == {"DE21": 1, "ES30": 1, "ES51": 2}
