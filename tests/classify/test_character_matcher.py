"""The character n-gram matcher gives scikit-learn's TF-IDF numbers, without importing it."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from models.classifier.params import ClassifierParams
from models.classifier.prototypes import PrototypeOptions, build_prototypes
from models.classifier.scoring import CharacterMatcher
from models.classifier.taxonomy_model import TARGET_LEVELS
from taxonomies import load

TEXTS = [
    "Zelené technologie a bioekonomika",
    "Železničná technika",
    "Offshore-Windenergie und intelligente Netze",
    "AI  in   health",  # runs of spaces, a word shorter than every n-gram
    "Ψηφιακός μετασχηματισμός του τουρισμού",
    "",
]


def _prototype_texts() -> list[str]:
    params = ClassifierParams()
    options = PrototypeOptions(
        english_keywords=params.english_keywords, language_keywords=params.language_keywords
    )
    return [
        p.text
        for name, level in TARGET_LEVELS.items()
        for p in build_prototypes(load(name), level, options)
    ]


def test_the_matcher_reproduces_sklearns_char_wb_tfidf():
    corpus = _prototype_texts()
    ours = CharacterMatcher(corpus)
    reference = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
    ).fit(corpus)

    got = CharacterMatcher.similarities(ours.vectors(TEXTS), ours.vectors(corpus))
    expected = CharacterMatcher.similarities(
        reference.transform(TEXTS), reference.transform(corpus)
    )

    assert got.shape == (len(TEXTS), len(corpus))
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert got[-1].max() == 0.0  # an empty text matches nothing
