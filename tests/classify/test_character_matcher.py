"""The character n-gram matcher gives scikit-learn's TF-IDF numbers, without importing it (or
SciPy), and a saved matcher is read back only for the texts it was fitted on."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from models.classifier.derived import DerivedMatchers
from models.classifier.ngrams import CharacterMatcher, PrototypeGrams, similarities
from models.classifier.params import ClassifierParams
from models.classifier.prototypes import PrototypeOptions, build_prototypes
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


def _sklearn_similarities(corpus: list[str], texts: list[str]) -> np.ndarray:
    reference = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
    ).fit(corpus)
    return np.asarray((reference.transform(texts) @ reference.transform(corpus).T).todense())


def test_the_matcher_reproduces_sklearns_char_wb_tfidf():
    corpus = _prototype_texts()
    ours = CharacterMatcher.fit(corpus)
    # texts unseen, texts of the corpus (looked up) and both in one batch
    texts = [*TEXTS, corpus[0], corpus[-1], f"{corpus[5]} {corpus[9]}"]

    got = similarities(ours.vectors(texts), PrototypeGrams.of(ours.vectors(corpus)))

    assert got.shape == (len(texts), len(corpus))
    np.testing.assert_allclose(got, _sklearn_similarities(corpus, texts), atol=1e-5)
    assert got[len(TEXTS) - 1].max() == 0.0  # an empty text matches nothing
    assert got[len(TEXTS)][0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("dense_grams", [0, 3, 100_000])
def test_the_dense_and_sparse_layouts_give_the_same_similarities(dense_grams):
    corpus = _prototype_texts()[:200]
    matcher = CharacterMatcher.fit(corpus)
    layout = PrototypeGrams.of(matcher.vectors(corpus), dense_grams)

    got = similarities(matcher.vectors(TEXTS + corpus[:7]), layout)

    np.testing.assert_allclose(got, _sklearn_similarities(corpus, TEXTS + corpus[:7]), atol=1e-5)


def test_a_saved_matcher_is_read_back_only_for_its_own_corpus(tmp_path):
    corpus = ["Manufacture of cheese", "Offshore wind farms", "Marine biotechnology"]
    first = DerivedMatchers(tmp_path, shipped=tmp_path / "none")
    fitted = first.get(corpus)
    restarted = DerivedMatchers(tmp_path, shipped=tmp_path / "none")
    read = restarted.get(corpus)

    assert (first.built, restarted.built) == (1, 0)
    assert first.written == [tmp_path / "ngrams" / first.name(corpus)]
    texts = ["Cheese and wind", *TEXTS]
    np.testing.assert_array_equal(
        similarities(read.vectors(texts), PrototypeGrams.of(read.vectors(corpus))),
        similarities(fitted.vectors(texts), PrototypeGrams.of(fitted.vectors(corpus))),
    )
    # another corpus is another file; a file fitted on other texts under its name is refused
    other = [*corpus, "Smart grids"]
    (tmp_path / "ngrams" / first.name(other)).write_bytes(first.written[0].read_bytes())
    assert CharacterMatcher.load(tmp_path / "ngrams" / first.name(other), other) is None
    assert restarted.get(other).corpus == other and restarted.built == 1


def test_a_damaged_matcher_file_is_fitted_again(tmp_path):
    corpus = ["Manufacture of cheese", "Offshore wind farms"]
    store = DerivedMatchers(tmp_path, shipped=tmp_path / "none")
    path = tmp_path / "ngrams" / store.name(corpus)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"half a file")

    matcher = store.get(corpus)

    assert store.built == 1 and matcher.corpus == corpus
    assert CharacterMatcher.load(path, corpus) is not None  # replaced by a good one
