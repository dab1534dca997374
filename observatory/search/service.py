"""Hybrid priority search: BM25 and dense vectors fused by reciprocal rank, filters first.

The core knows nothing of models: the dense side is an injected ``DenseSearch`` callable that the
API (or a pipeline) builds from an embedder and a vector index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from observatory.errors import InvalidInput
from observatory.search.bm25 import BM25Index
from observatory.search.catalog import Catalog
from observatory.search.catalog_cache import CatalogCache
from observatory.search.filters import SORT_KEYS, PriorityFilters, filter_mask
from observatory.search.language import query_language
from observatory.search.score_order import by_score, split_best
from observatory.search.text import query_terms

RRF_K = 60  # the constant of Cormack et al.; damps the weight of the very first ranks
DENSE_DEPTH = 1000  # dense neighbours considered per query (and counted when similar enough)
# A dense neighbour counts as a match when its similarity reaches this share of the query's
# best one in the neighbour's language: relative, and per language, so no cosine drops the
# languages a model scores lower (a fixed
# 0.35 dropped most Greek and Czech matches); on the parallel benchmark set 0.3 loses no
# translation that 0 keeps (0.5 lost a tenth of the Greek ones) while unrelated priorities
# still fall out (benchmarks/bench_parallel_search.py)
DENSE_RELATIVE_SIMILARITY = 0.3
# BM25's share of the fused score beside dense (1.0): words matter, but a same-language priority
# sharing a word with the query should not outrank the best translation (0.5 and 0.25 measured
# alike on the parallel benchmark set, benchmarks/bench_parallel_search.py)
LEXICAL_WEIGHT = 0.5
# A model scores some languages lower than others (e5-small at 4 bits reads Greek worst), so
# the best Greek match of an English query can sit at dense rank 30 behind English and Spanish
# priorities on nearby topics. For a priority in another language than the query's, fusion
# takes the better of its dense rank and this many times its rank among the dense neighbours
# written in its own language: each language's closest priorities reach the first page, as
# when merging per-language result lists by normalised score (Savoy 2003, CLEF), without
# letting every language's second-best crowd the query's own language out. On the parallel
# set's tuning half 5 kept recall@16 >= 0.95 in every language with English queries; 2 let
# other languages' runners-up push out English matches of German queries, and 10 lost Greek
# and Dutch matches (benchmarks/bench_parallel_search.py, half A).
LANGUAGE_RANK_SCALE = 5
MAX_LIMIT = 500


class DenseSearch(Protocol):
    """Dense nearest neighbours of a query text among ``allowed_ids`` (all when None)."""

    def __call__(
        self, query: str, k: int, allowed_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(ids, similarities)`` best first."""
        ...


@dataclass(frozen=True)
class SearchRequest:
    """One page of a priority search."""

    q: str | None = None
    filters: PriorityFilters = field(default_factory=PriorityFilters)
    limit: int = 20
    offset: int = 0
    sort: str | None = None


@dataclass(frozen=True)
class MatchExplanation:
    """Why a priority matched a query."""

    matched_terms: list[str]
    bm25_score: float | None
    bm25_rank: int | None
    dense_similarity: float | None
    dense_rank: int | None
    fused_score: float


@dataclass(frozen=True)
class SearchHit:
    """A matching priority by row in the catalog, with its explanation when a query was given."""

    row: int
    priority_id: int
    score: float | None
    explanation: MatchExplanation | None


@dataclass(frozen=True)
class SearchPage:
    """One page of hits, the total number of matches, and every matching row in order."""

    hits: list[SearchHit]
    count: int
    catalog: Catalog
    # the ranked matches in pieces (concatenated only when asked for: most callers page)
    ranked: tuple[np.ndarray, ...] = ()
    # when given, the last piece is not ordered yet: it follows these (BM25) scores, best
    # first, ties by row (ordered by ``rows``; a page orders only what it shows)
    tail_scores: np.ndarray | None = None

    def rows(self) -> np.ndarray:
        """Catalog rows of every match (all pages), in the request's order."""
        if not self.ranked:
            return np.zeros(0, dtype=np.int64)
        parts = list(self.ranked)
        if self.tail_scores is not None:
            parts[-1] = by_score(parts[-1], self.tail_scores)
        return np.concatenate(parts)

    def mask(self) -> np.ndarray:
        """The matches as a row mask of the catalog (for facet counts)."""
        selected = np.zeros(len(self.catalog), dtype=bool)
        for part in self.ranked:
            selected[part] = True
        return selected


class SearchService:
    """Filters, ranks and pages priorities from the current catalog."""

    def __init__(
        self,
        catalogs: CatalogCache,
        dense: DenseSearch | None = None,
        *,
        relative_similarity: float = DENSE_RELATIVE_SIMILARITY,
        on_refresh: Callable[[Catalog], None] | None = None,
    ) -> None:
        self.catalogs = catalogs
        self.dense = dense
        self.relative_similarity = relative_similarity
        self._on_refresh = on_refresh
        self._bm25: tuple[tuple, BM25Index] | None = None
        self._lock = threading.Lock()
        self._refreshed_stamp: tuple | None = None

    def catalog(self) -> Catalog:
        """The current catalog (listeners such as the vector index are synced when its priorities
        change; a label refresh keeps them)."""
        catalog = self.catalogs.current()
        if self._on_refresh is not None and self._refreshed_stamp != catalog.content_stamp:
            with self._lock:
                if self._refreshed_stamp != catalog.content_stamp:
                    self._on_refresh(catalog)
                    self._refreshed_stamp = catalog.content_stamp
        return catalog

    def bm25(self, catalog: Catalog) -> BM25Index:
        """The BM25 index of a catalog, built once per content (label refreshes share it)."""
        cached = self._bm25
        if cached is not None and cached[0] == catalog.content_stamp:
            return cached[1]
        with self._lock:
            if self._bm25 is None or self._bm25[0] != catalog.content_stamp:
                texts = [catalog.text(row) for row in range(len(catalog))]
                self._bm25 = (catalog.content_stamp, BM25Index(texts))
            return self._bm25[1]

    def search(self, request: SearchRequest) -> SearchPage:
        """Rank (by relevance when ``q`` is given) and page the matching priorities."""
        if not 1 <= request.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
        if request.offset < 0:
            raise InvalidInput("offset must not be negative")
        sort = request.sort or ("relevance" if request.q else "strategy")
        if sort not in SORT_KEYS:
            raise InvalidInput(f"sort must be one of {', '.join(SORT_KEYS)}")
        catalog = self.catalog()
        mask = filter_mask(catalog, request.filters)
        query = (request.q or "").strip()
        if query:
            return self._ranked(catalog, query, mask, request, sort)
        rows = catalog.order("strategy" if sort == "relevance" else sort)
        if mask is not None:
            rows = rows[mask[rows]]
        page = rows[request.offset : request.offset + request.limit]
        hits = [SearchHit(int(r), int(catalog.ids[r]), None, None) for r in page]
        return SearchPage(hits, len(rows), catalog, (rows,))

    def _ranked(
        self,
        catalog: Catalog,
        query: str,
        mask: np.ndarray | None,
        request: SearchRequest,
        sort: str,
    ) -> SearchPage:
        terms = query_terms(query)
        bm25 = self.bm25(catalog)
        scores = bm25.scores(list(terms))
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        # the BM25 order of the first DENSE_DEPTH matches; the others (the tail) still count
        # and follow in BM25 order, ordered only where a page or an export reaches them
        lexical_head, tail = split_best(np.flatnonzero(scores > 0), scores, DENSE_DEPTH)
        lexical_rank = dict(
            zip(lexical_head.tolist(), range(1, len(lexical_head) + 1), strict=True)
        )
        dense_rank, dense_sim, language_rank = self._dense(catalog, query, mask)
        fused = fuse(
            lexical_rank, dense_rank, self._foreign(catalog, query, dense_rank), language_rank
        )
        # best fused score first, ties by priority id (NumPy: ~2,000 rows in a Python sort
        # with a key cost a few ms per query at 10^5 priorities)
        fused_rows = np.fromiter(fused, dtype=np.int64, count=len(fused))
        fused_scores = np.fromiter(fused.values(), dtype=np.float64, count=len(fused))
        ordered = fused_rows[np.lexsort((catalog.ids[fused_rows], -fused_scores))]
        if sort != "relevance":
            position = np.empty(len(catalog), dtype=np.int64)
            position[catalog.order(sort)] = np.arange(len(catalog))
            merged = np.concatenate([ordered, tail])
            ordered, tail = merged[np.argsort(position[merged], kind="stable")], tail[:0]
        total = len(ordered) + len(tail)
        stop = request.offset + request.limit
        shown_tail = split_best(tail, scores, max(0, stop - len(ordered)))[0]
        page = np.concatenate([ordered, shown_tail])[request.offset : stop].tolist()
        hits = []
        for row in page:
            words = [terms[t] for t in bm25.matched_terms(row, list(terms))]
            explanation = MatchExplanation(
                matched_terms=words,
                bm25_score=float(scores[row]) if scores[row] > 0 else None,
                bm25_rank=lexical_rank.get(row),
                dense_similarity=round(dense_sim[row], 4) if row in dense_sim else None,
                dense_rank=dense_rank.get(row),
                fused_score=round(fused.get(row, 0.0), 6),
            )
            hits.append(SearchHit(row, int(catalog.ids[row]), explanation.fused_score, explanation))
        return SearchPage(hits, total, catalog, (ordered, tail), tail_scores=scores)

    @staticmethod
    def _foreign(catalog: Catalog, query: str, rows: dict[int, int]) -> set[int]:
        """Rows among ``rows`` written in another language than the query's."""
        language = query_language(query, catalog.language.levels)
        if language is None:
            return set()
        if not rows:
            return set()
        candidates = np.fromiter(rows, dtype=np.int64, count=len(rows))
        other = np.array(
            [level not in (None, "", language) for level in catalog.language.levels], dtype=bool
        )
        return set(candidates[other[catalog.language.codes[candidates]]].tolist())

    def _similar_enough(self, languages: np.ndarray, sims: np.ndarray) -> np.ndarray:
        """Neighbours whose similarity reaches ``relative_similarity`` x the best one written
        in the same language: a query's own language scores highest, so one best for all
        would drop the others' matches."""
        keep = np.zeros(len(sims), dtype=bool)
        for language in np.unique(languages):
            mine = languages == language
            best = float(sims[mine].max())
            keep |= mine & ((sims >= self.relative_similarity * best) if best > 0 else True)
        return keep

    def _dense(
        self, catalog: Catalog, query: str, mask: np.ndarray | None
    ) -> tuple[dict[int, int], dict[int, float], dict[int, int]]:
        """Rank, similarity and rank within its language of each dense neighbour kept."""
        if self.dense is None or len(catalog) == 0:
            return {}, {}, {}
        allowed = None if mask is None else catalog.ids[mask]
        if allowed is not None and len(allowed) == 0:
            return {}, {}, {}
        ids, sims = self.dense(query, DENSE_DEPTH, allowed)
        valid = ids >= 0
        ids, sims = ids[valid], sims[valid]
        rows = catalog.rows_of(ids)
        present = (rows < len(catalog.ids)) & (
            catalog.ids[np.minimum(rows, len(catalog) - 1)] == ids
        )
        rows, sims = rows[present], sims[present]
        languages = catalog.language.codes[rows]
        keep = self._similar_enough(languages, sims)
        kept_rows, kept_sims = rows[keep].tolist(), sims[keep].tolist()
        ranks = dict(zip(kept_rows, range(1, len(kept_rows) + 1), strict=True))
        # rounded where shown (a page's hits), not for all ~1,000 neighbours
        similarity = dict(zip(kept_rows, kept_sims, strict=True))
        in_language = dict(zip(kept_rows, ranks_within(languages[keep]).tolist(), strict=True))
        return ranks, similarity, in_language


def ranks_within(groups: np.ndarray) -> np.ndarray:
    """1-based rank of each element among the elements of its group, in the given order."""
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    ranks = np.empty(len(groups), dtype=np.int64)
    ranks[order] = np.arange(len(groups)) - first + 1
    return ranks


def fuse(
    lexical_rank: dict[int, int],
    dense_rank: dict[int, int],
    foreign: set[int],
    language_rank: dict[int, int] | None = None,
) -> dict[int, float]:
    """Reciprocal-rank fusion of BM25 and dense ranks (row -> score).

    BM25 reads words, so it cannot match a priority written in another language than the
    query's: for those (``foreign``) the lexical term is their dense term instead (or their
    BM25 term when a shared word gives a better one). Otherwise every same-language priority
    sharing a word with the query would outrank the best translation, which only dense finds.
    Their dense rank is also the better of it and ``LANGUAGE_RANK_SCALE`` x their rank among
    the dense neighbours of their own language (``language_rank``), so a language the model
    scores lower still has its closest priorities on the first page.
    """
    fused: dict[int, float] = {}
    for row, rank in lexical_rank.items():
        fused[row] = LEXICAL_WEIGHT / (RRF_K + rank)
    within = language_rank or {}
    for row, rank in dense_rank.items():
        if row in foreign and row in within:
            rank = min(rank, LANGUAGE_RANK_SCALE * within[row])
        dense = 1.0 / (RRF_K + rank)
        lexical = fused.get(row, 0.0)
        fused[row] = dense + (max(lexical, LEXICAL_WEIGHT * dense) if row in foreign else lexical)
    return fused
