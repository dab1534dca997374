"""Partner suggestions explained in words, for the region, compare and partnership pages.

The matching service explains a partner with numbers (shared codes with weights, cosine of
the closest priorities, value-chain gaps); a reader wants a sentence: "Both prioritise
Electricity, gas, steam (NACE 35) and Machinery (NACE 28); closest pair: …".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.pages.names import Names
from api.pages.rendering import TAXONOMY_LABELS
from observatory.matching import PartnerMatch
from observatory.search import Catalog

SHARED_IN_WORDS = 3  # codes named in the sentence; the rest are listed under "details"
SHORT_TAXONOMY = {"nace": "NACE", "nabs": "NABS", "ecosystem": "ecosystem"}


@dataclass(frozen=True)
class PairView:
    """Two similar priorities, one of the region and one of the partner."""

    query_id: int
    query_title: str
    candidate_id: int
    candidate_title: str
    similarity: float


def _code_phrase(taxonomy: str, code: str, title: str) -> str:
    short = SHORT_TAXONOMY.get(taxonomy, taxonomy)
    if taxonomy == "ecosystem":
        return f"{title or code} ({short})"
    return f"{title} ({short} {code})" if title else f"{short} {code}"


def _listing(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def partner_sentence(shared: list[dict[str, Any]], pairs: list[PairView], chains: list[Any]) -> str:
    """One or two sentences saying why a region is suggested."""
    sentences = []
    if shared:
        phrases = [
            _code_phrase(item["taxonomy"], item["code"], item["title"])
            for item in shared[:SHARED_IN_WORDS]
        ]
        sentences.append("Both prioritise " + _listing(phrases))
    if chains:
        chain = chains[0]
        divisions = [
            _code_phrase("nace", str(d.get("code")), str(d.get("title") or ""))
            for d in chain.divisions[:2]
        ]
        what = f" with more weight on {_listing(divisions)}" if divisions else ""
        chain_name = chain.title or chain.ecosystem
        sentences.append(f"Complements it in the {chain_name} value chain{what}")
    if pairs:
        pair = pairs[0]
        first = f"“{pair.query_title}”" if pair.query_title else "the description"
        sentences.append(f"closest pair: {first} and “{pair.candidate_title}”")
    if not sentences:
        return "Similar priorities overall, with no single code in common."
    text = "; ".join(sentences) + "."
    return text[0].upper() + text[1:]


def partner_view(match: PartnerMatch, catalog: Catalog, names: Names) -> dict[str, Any]:
    """A partner with its score, explanation in words and the figures behind it."""

    def title(priority_id: int) -> str:
        row = catalog.row_of(priority_id) if priority_id > 0 else None
        return "" if row is None else catalog.titles[row]

    stored = {s.nuts_code: s.region for s in catalog.strategies.values() if s.region}
    shared = [
        {
            **shared.__dict__,
            "title": shared.title or names.code(shared.taxonomy, shared.code),
            "taxonomy_label": TAXONOMY_LABELS.get(shared.taxonomy, shared.taxonomy),
        }
        for shared in match.shared_codes
    ]
    pairs = [
        PairView(
            query_id=pair.query_priority_id,
            query_title=title(pair.query_priority_id),
            candidate_id=pair.candidate_priority_id,
            candidate_title=title(pair.candidate_priority_id),
            similarity=pair.similarity,
        )
        for pair in match.similar_pairs
    ]
    return {
        "code": match.region,
        "name": names.region_label(match.region, stored.get(match.region)),
        "score": match.score,
        "code_score": match.code_score,
        "semantic_score": match.semantic_score,
        "shared": shared,
        "pairs": pairs,
        "chains": match.chains,
        "sentence": partner_sentence(shared, pairs, match.chains),
    }
