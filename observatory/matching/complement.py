"""Complementarity: regions strong where a region is weak, within a value chain they share.

A value chain is an industrial ecosystem with the NACE divisions that compose it (the
ecosystem -> NACE crosswalk). Two regions share a chain when both engage in the ecosystem (an
ecosystem label, or priorities in its divisions). Within a shared chain the candidate scores
for each division where its share of priorities exceeds the region's:

    score = sum over shared chains E of min(engagement_q(E), engagement_c(E))
            x sum over divisions d of E of max(0, share_c(d) - share_q(d))
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from observatory.errors import InvalidInput
from observatory.matching.partners import ChainGap, MatchQuery, PartnerMatch, code_title
from observatory.matching.profiles import RegionProfiles
from taxonomies import Taxonomy

TOP_CHAINS = 3
TOP_DIVISIONS = 4


def complement_partners(
    profiles: RegionProfiles,
    query: MatchQuery,
    chains: Mapping[str, list[str]],
    *,
    limit: int = 10,
    titles: Mapping[str, Taxonomy] | None = None,
) -> list[PartnerMatch]:
    """Regions ranked by how much they add to the query's value chains, with the gaps."""
    if limit < 1:
        raise InvalidInput("limit must be positive")
    titles = titles or {}
    column = {key: i for i, key in enumerate(profiles.code_keys)}
    shares = profiles.shares()
    chain_columns = {
        ecosystem: [column[("nace", d)] for d in divisions if ("nace", d) in column]
        for ecosystem, divisions in chains.items()
    }
    query_engagement = _engagement(query.shares, chain_columns, column)
    scored: list[tuple[float, int, list[ChainGap]]] = []
    for i, region in enumerate(profiles.regions):
        if region in query.exclude:
            continue
        theirs = shares[i]
        engagement = _engagement(theirs, chain_columns, column)
        gaps: list[ChainGap] = []
        for ecosystem, columns in chain_columns.items():
            both = min(query_engagement[ecosystem], engagement[ecosystem])
            if both <= 0 or not columns:
                continue
            cols = np.array(columns)
            surplus = np.clip(theirs[cols] - query.shares[cols], 0, None)
            if surplus.sum() <= 0:
                continue
            divisions = [
                {
                    "code": profiles.code_keys[int(c)][1],
                    "title": code_title(titles, "nace", profiles.code_keys[int(c)][1]),
                    "share_query": round(float(query.shares[c]), 4),
                    "share_candidate": round(float(theirs[c]), 4),
                }
                for c in cols[np.argsort(-surplus)][:TOP_DIVISIONS]
                if theirs[c] > query.shares[c]
            ]
            gaps.append(
                ChainGap(
                    ecosystem=ecosystem,
                    title=code_title(titles, "ecosystem", ecosystem),
                    divisions=divisions,
                    score=round(float(both * surplus.sum()), 4),
                )
            )
        total = float(sum(g.score for g in gaps))
        if total > 0:
            gaps.sort(key=lambda g: -g.score)
            scored.append((total, i, gaps[:TOP_CHAINS]))
    scored.sort(key=lambda item: (-item[0], profiles.regions[item[1]]))
    return [
        PartnerMatch(
            region=profiles.regions[i],
            score=round(total, 4),
            code_score=round(total, 4),
            semantic_score=None,
            chains=gaps,
        )
        for total, i, gaps in scored[:limit]
    ]


def _engagement(
    shares: np.ndarray,
    chain_columns: Mapping[str, list[int]],
    column: Mapping[tuple[str, str], int],
) -> dict[str, float]:
    """How much of a region's priorities fall in each chain (ecosystem label or divisions)."""
    result = {}
    for ecosystem, columns in chain_columns.items():
        labelled = column.get(("ecosystem", ecosystem))
        by_label = float(shares[labelled]) if labelled is not None else 0.0
        by_divisions = float(min(1.0, shares[columns].sum())) if columns else 0.0
        result[ecosystem] = max(by_label, by_divisions)
    return result
