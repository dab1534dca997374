"""Partner matching: regions whose priorities overlap (shared rare codes, similar texts) or
complement (strong where the region is weak along the same value chain) a region's.

Overlap score = CODE_WEIGHT x cosine of IDF-weighted code profiles + (1 - CODE_WEIGHT) x semantic
similarity, where semantic similarity is the symmetric mean of best matches between the two
regions' priority embeddings. The exact semantic term is computed for a shortlist chosen by
codes and region centroids, which keeps 300 regions well under the latency target.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from observatory.errors import InvalidInput, NotFound
from observatory.matching.profiles import RegionProfiles, normalise_rows
from taxonomies import Taxonomy

CODE_WEIGHT = 0.5
LIKE_WEIGHT = 0.5  # Rocchio beta: pull towards example regions
UNLIKE_WEIGHT = 0.5  # Rocchio gamma: push away from counter-examples
SHORTLIST_MIN = 40
TOP_CODES = 5
TOP_PAIRS = 3


@dataclass(frozen=True)
class SharedCode:
    """A code both sides have, with its weight in the score."""

    taxonomy: str
    code: str
    title: str | None
    weight: float
    share_query: float
    share_candidate: float


@dataclass(frozen=True)
class SimilarPair:
    """A pair of priorities (query side, candidate side) and their cosine similarity."""

    query_priority_id: int
    candidate_priority_id: int
    similarity: float


@dataclass(frozen=True)
class ChainGap:
    """Complementarity inside one value chain (an ecosystem and its NACE divisions)."""

    ecosystem: str
    title: str | None
    divisions: list[dict[str, float | str | None]]
    score: float


@dataclass(frozen=True)
class PartnerMatch:
    """One ranked region with the parts of its score and the reasons."""

    region: str
    score: float
    code_score: float
    semantic_score: float | None
    shared_codes: list[SharedCode] = field(default_factory=list)
    similar_pairs: list[SimilarPair] = field(default_factory=list)
    chains: list[ChainGap] = field(default_factory=list)


@dataclass(frozen=True)
class MatchQuery:
    """What partners are sought for: a code profile (per code column) and priority vectors."""

    profile: np.ndarray
    shares: np.ndarray
    vectors: np.ndarray | None
    vector_ids: np.ndarray
    exclude: frozenset[str]


def region_query(
    profiles: RegionProfiles,
    region: str,
    *,
    like: Sequence[str] = (),
    unlike: Sequence[str] = (),
    catalog_ids: np.ndarray | None = None,
) -> MatchQuery:
    """The query of a region, moved towards ``like`` and away from ``unlike`` regions."""
    index = _indices(profiles, [region, *like, *unlike])
    own = index[0]
    likes = index[1 : 1 + len(like)]
    unlikes = index[1 + len(like) :]
    profile = profiles.weighted[own].copy()
    if likes:
        profile += LIKE_WEIGHT * profiles.weighted[likes].mean(axis=0)
    if unlikes:
        profile -= UNLIKE_WEIGHT * profiles.weighted[unlikes].mean(axis=0)
    excluded = [region, *like, *unlike]
    return _query(profiles, np.clip(profile, 0, None), [own], [own, *likes], catalog_ids, excluded)


def members_query(
    profiles: RegionProfiles,
    members: Sequence[str],
    *,
    extra_vectors: np.ndarray | None = None,
    catalog_ids: np.ndarray | None = None,
    exclude: Sequence[str] = (),
) -> MatchQuery:
    """The scope of a group of regions (a partnership): their mean profile and all their
    priorities, plus ``extra_vectors`` (its embedded description)."""
    present = [m for m in members if m in profiles.region_index]
    index = [profiles.region_index[m] for m in present]
    width = profiles.weighted.shape[1]
    profile = profiles.weighted[index].mean(axis=0) if index else np.zeros(width, np.float32)
    query = _query(profiles, profile, index, index, catalog_ids, [*members, *exclude])
    if extra_vectors is not None and query.vectors is not None:
        vectors = np.vstack([query.vectors, extra_vectors.astype(np.float32)])
        ids = np.concatenate([query.vector_ids, np.full(len(extra_vectors), -1, np.int64)])
        return MatchQuery(query.profile, query.shares, vectors, ids, query.exclude)
    return query


def _query(
    profiles: RegionProfiles,
    profile: np.ndarray,
    share_regions: Sequence[int],
    vector_regions: Sequence[int],
    catalog_ids: np.ndarray | None,
    exclude: Sequence[str],
) -> MatchQuery:
    """The query of ``share_regions``' code shares and ``vector_regions``' priorities."""
    counts = profiles.counts[list(share_regions)].sum(axis=0)
    size = float(profiles.sizes[list(share_regions)].sum())
    shares = counts / max(size, 1.0)
    parts = [profiles.rows[i] for i in vector_regions]
    rows = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    vectors = None
    if profiles.vectors is not None:
        blocks = [profiles.block(i) for i in vector_regions]
        vectors = np.vstack(blocks) if blocks else profiles.vectors[:0]
    ids = catalog_ids[rows] if catalog_ids is not None else rows
    return MatchQuery(profile, shares, vectors, ids, frozenset(exclude))


def _indices(profiles: RegionProfiles, regions: Sequence[str]) -> list[int]:
    missing = [r for r in regions if r not in profiles.region_index]
    if missing:
        raise NotFound(f"no strategy is stored for region(s) {', '.join(missing)}", errors=missing)
    return [profiles.region_index[r] for r in regions]


def overlap_partners(
    profiles: RegionProfiles,
    query: MatchQuery,
    *,
    taxonomy: str | None = None,
    limit: int = 10,
    titles: Mapping[str, Taxonomy] | None = None,
    catalog_ids: np.ndarray | None = None,
) -> list[PartnerMatch]:
    """Regions ranked by overlap with the query, each with shared codes and similar pairs."""
    if limit < 1:
        raise InvalidInput("limit must be positive")
    columns = profiles.taxonomy_mask(taxonomy)
    weighted = normalise_rows(profiles.weighted * columns)
    target = query.profile * columns
    norm = float(np.linalg.norm(target))
    code_scores = weighted @ (target / norm) if norm > 0 else np.zeros(len(profiles.regions))
    eligible = np.array([r not in query.exclude for r in profiles.regions], dtype=bool)
    use_vectors = (
        query.vectors is not None and len(query.vectors) and profiles.centroids is not None
    )
    semantic = np.zeros(len(profiles.regions), dtype=np.float32)
    if use_vectors:
        centre = normalise_rows(query.vectors.mean(axis=0, keepdims=True))[0]
        rough = CODE_WEIGHT * code_scores + (1 - CODE_WEIGHT) * (profiles.centroids @ centre)
        rough = np.where(eligible, rough, -np.inf)
        shortlist = np.argsort(-rough)[: max(SHORTLIST_MIN, 3 * limit)]
        shortlist = shortlist[eligible[shortlist]]
        semantic[shortlist], blocks = _mean_best_matches(query.vectors, profiles, shortlist)
        final = CODE_WEIGHT * code_scores + (1 - CODE_WEIGHT) * semantic
        candidates = shortlist
    else:
        final = code_scores
        candidates = np.flatnonzero(eligible)
        blocks = {}
    order = sorted(candidates.tolist(), key=lambda i: (-final[i], profiles.regions[i]))
    matches = []
    for i in order[:limit]:
        if final[i] <= 0:
            continue
        matches.append(
            PartnerMatch(
                region=profiles.regions[i],
                score=round(float(final[i]), 4),
                code_score=round(float(code_scores[i]), 4),
                semantic_score=round(float(semantic[i]), 4) if use_vectors else None,
                shared_codes=_shared_codes(profiles, query, i, columns, titles or {}),
                similar_pairs=(
                    _best_pairs(
                        query.vectors, query.vector_ids, profiles, i, catalog_ids, blocks.get(i)
                    )
                    if use_vectors
                    else []
                ),
            )
        )
    return matches


def _mean_best_matches(
    query_vectors: np.ndarray, profiles: RegionProfiles, regions: np.ndarray
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Symmetric mean of best matches between the query's priorities and each region's: one
    matrix product per region (its contiguous block), then maxima both ways. Also returns each
    region's product (its similar pairs are read from it, not recomputed: ~20% of a partners
    request at 100,000 priorities).

    The products are the request's work (~330 x 13,000 x 384 at 10^5 priorities), so they
    are split between two threads, each on one BLAS thread: two cores answer one request in
    about half the time, and a busy machine queues them like any other work (OpenBLAS' own
    pool spun instead, ``api.services.single_threaded_blas``)."""
    assert profiles.vectors is not None
    lengths = profiles.sizes[np.asarray(regions, dtype=np.int64)].astype(np.int64)
    scores = np.zeros(len(regions), dtype=np.float32)
    present = lengths > 0
    if not present.any():
        return scores, {}
    kept = [int(r) for r in np.asarray(regions)[present]]
    ends = np.cumsum(lengths[present])
    starts = ends - lengths[present]
    # the maxima both ways, laid out as one product over the whole shortlist would give them
    # (the same sums in the same order: scores equal to the bit)
    query_max = np.empty((len(query_vectors), len(kept)), dtype=np.float32)
    their_max = np.empty(int(ends[-1]), dtype=np.float32)
    by_region: dict[int, np.ndarray] = {}

    def multiply(positions: range) -> None:
        for k in positions:
            sims = query_vectors @ profiles.block(kept[k]).T
            query_max[:, k] = sims.max(axis=1)
            their_max[starts[k] : ends[k]] = sims.max(axis=0)
            by_region[kept[k]] = sims

    half = len(kept) // 2
    helper = threading.Thread(target=multiply, args=(range(half),), name="partners-product")
    helper.start()
    try:
        multiply(range(half, len(kept)))
    finally:
        helper.join()
    # how well each query priority is covered by the region, and each of theirs by the query
    query_side = query_max.mean(axis=0)
    their_side = np.add.reduceat(their_max, starts) / lengths[present]
    scores[present] = 0.5 * (query_side + their_side)
    return scores, by_region


def _best_pairs(
    query_vectors: np.ndarray,
    query_ids: np.ndarray,
    profiles: RegionProfiles,
    region: int,
    catalog_ids: np.ndarray | None,
    sims: np.ndarray | None = None,
) -> list[SimilarPair]:
    """The most similar (query priority, region priority) pairs, one per query priority
    (``sims``: the query x region similarities when already computed)."""
    assert profiles.vectors is not None
    rows = profiles.rows[region]
    if len(rows) == 0:
        return []
    if sims is None:
        sims = query_vectors @ profiles.block(region).T
    best_match = sims.argmax(axis=1)
    best_score = sims[np.arange(len(sims)), best_match]
    pairs: list[SimilarPair] = []
    for qi in np.argsort(-best_score)[:TOP_PAIRS]:
        ci = best_match[qi]
        candidate_id = int(catalog_ids[rows[ci]]) if catalog_ids is not None else int(rows[ci])
        pairs.append(SimilarPair(int(query_ids[qi]), candidate_id, round(float(sims[qi, ci]), 4)))
    return pairs


def _shared_codes(
    profiles: RegionProfiles,
    query: MatchQuery,
    region: int,
    columns: np.ndarray,
    titles: Mapping[str, Taxonomy],
) -> list[SharedCode]:
    theirs = profiles.shares()[region]
    both = np.flatnonzero((query.shares > 0) & (theirs > 0) & columns)
    weights = profiles.idf[both] * np.minimum(query.shares[both], theirs[both])
    shared = []
    for k in np.argsort(-weights)[:TOP_CODES]:
        column = int(both[k])
        name, code = profiles.code_keys[column]
        shared.append(
            SharedCode(
                taxonomy=name,
                code=code,
                title=code_title(titles, name, code),
                weight=round(float(profiles.idf[column]), 4),
                share_query=round(float(query.shares[column]), 4),
                share_candidate=round(float(theirs[column]), 4),
            )
        )
    return shared


def code_title(titles: Mapping[str, Taxonomy], name: str, code: str) -> str | None:
    """The title of a code when the taxonomy knows it."""
    taxonomy = titles.get(name)
    found = taxonomy.get(code) if taxonomy is not None else None
    return found.title if found is not None else None
