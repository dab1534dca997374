"""Reading features of candidate groups with the multilingual embedder (USE, 16 languages).

A selected priority names a thematic domain: it sits near a NACE division or an industrial
ecosystem. Objectives, principles and instruments sit near the prototypes below instead. The
same holds for the sentence that introduces a list: a statement of selected domains reads
unlike a list of objectives, analysed candidates or measures. Prototypes are English; the
embedder maps other languages onto the same space, so no phrase list per language is needed.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np

from pipelines.ingest.detect import Group

log = logging.getLogger(__name__)

MAX_CACHED_VECTORS = 20_000  # titles re-read across documents (fitting, re-ingest) stay cached
EMBEDDER_BACKEND = "use"  # multilingual, NumPy only, ~5x faster than MiniLM on CPU
MAX_INTRO_CHARS = 300

# Written for this project: what strategies list besides their domains (objectives, principles,
# instruments, governance); generic wording, not taken from any strategy.
NON_DOMAIN_PROTOTYPES = (
    "access to funding",
    "access to finance for companies",
    "boosting the growth potential of small and medium-sized enterprises",
    "internationalisation of companies",
    "skills and talent development",
    "education and training of the workforce",
    "cooperation between universities and businesses",
    "knowledge transfer",
    "strengthening research and innovation capacity",
    "governance and monitoring of the strategy",
    "evaluation and indicators",
    "innovation vouchers",
    "grants and loans for investment",
    "public procurement of innovation",
    "networking and cluster support",
    "attracting investment",
    "entrepreneurship and start-ups",
    "digitalisation of public services",
    "reducing administrative burden",
    "operating principles of the strategy",
    "openness and transparency",
    "objectives of the strategy",
    "support measures and instruments",
    "awareness raising and communication",
)
SELECTION_INTROS = (
    "the strategy selects the following priority domains",
    "the smart specialisation priorities of the region are",
    "the region will focus on these specialisation areas",
    "our key sectors for specialisation",
    "thematic priority areas chosen for the strategy",
)
OTHER_INTROS = (
    "the strategy pursues the following objectives",
    "the analysis examined the following candidate sectors",
    "sectors that were assessed but not selected",
    "support instruments and measures available",
    "horizontal principles of implementation",
    "the governance structure consists of",
    "challenges and weaknesses of the region",
    "table of contents",
)


@lru_cache(maxsize=1)
def _embedder():  # type: ignore[no-untyped-def]
    from models.embedders import create_embedder

    return create_embedder(EMBEDDER_BACKEND)


@lru_cache(maxsize=1)
def _prototypes() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Embedded domain, non-domain, selection-intro and other-intro prototypes."""
    from taxonomies.loader import load

    nace = load("nace_rev2")
    domains = [c.title for c in nace.codes.values() if c.level == "division"]
    domains += [c.title for c in load("ecosystems").codes.values()]
    embedder = _embedder()
    return (
        embedder.encode(domains),
        embedder.encode(list(NON_DOMAIN_PROTOTYPES)),
        embedder.encode(list(SELECTION_INTROS)),
        embedder.encode(list(OTHER_INTROS)),
    )


_CACHE: dict[str, np.ndarray] = {}


def _encode(texts: list[str]) -> np.ndarray:
    """Embed texts, each distinct text once per process (bounded cache)."""
    missing = sorted({t for t in texts if t not in _CACHE})
    if missing:
        if len(_CACHE) + len(missing) > MAX_CACHED_VECTORS:
            _CACHE.clear()
        _CACHE.update(zip(missing, _embedder().encode(missing), strict=True))
    return np.stack([_CACHE[t] for t in texts])


def available() -> bool:
    """Whether the embedder loads (the reading features are zero, with a warning, if not)."""
    try:
        _prototypes()
    except Exception as exc:  # a missing package or model: score on layout features alone
        log.warning("reading features unavailable (%s); scoring on layout alone", exc)
        return False
    return True


def reading_features(groups: list[Group]) -> list[dict[str, float]]:
    """Domain-likeness of the items, sibling coherence and the intro's selection margin."""
    if not groups:
        return []
    if not available():
        return [
            dict.fromkeys(("domain_mean", "domain_min", "coherence", "intro_selection"), 0.0)
        ] * len(groups)
    domains, others, selection, other_intros = _prototypes()
    titles = sorted({item.title for group in groups for item in group.items})
    intros = [" ".join(group.context.split())[:MAX_INTRO_CHARS] or "-" for group in groups]
    vectors = _encode(titles + intros)
    index = {title: vectors[i] for i, title in enumerate(titles)}
    result = []
    for position, group in enumerate(groups):
        items = np.stack([index[item.title] for item in group.items])
        margin = (items @ domains.T).max(axis=1) - (items @ others.T).max(axis=1)
        similarity = items @ items.T
        count = len(group.items)
        coherence = (similarity.sum() - count) / (count * (count - 1)) if count > 1 else 0.0
        intro = vectors[len(titles) + position]
        intro_margin = float((selection @ intro).max() - (other_intros @ intro).max())
        result.append(
            {
                "domain_mean": float(margin.mean()),
                "domain_min": float(margin.min()),
                "coherence": float(coherence),
                "intro_selection": intro_margin,
            }
        )
    return result
