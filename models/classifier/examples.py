"""Human-validated examples per taxonomy, searched by kNN: usable the moment they are added."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class ExampleSnapshot:
    """One consistent, read-only state of the memory: row ``i`` of every field is one example."""

    ids: np.ndarray  # (n,) int64
    vectors: np.ndarray  # (n, dimension) float32
    labels: np.ndarray  # (n, codes) float32 multi-hot
    texts: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)

    def votes(
        self, queries: np.ndarray, k: int, min_similarity: float, prototype_similarity: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """kNN evidence per code: votes in [0, 1], best example similarity, neighbour rows, sims.

        A neighbour votes ``(sim - min_similarity) / (1 - min_similarity)`` for each of its codes,
        so several agreeing examples add up. A neighbour at ``prototype_similarity`` or above (a
        near-duplicate text) also acts as an extra prototype of its codes through the best
        similarity, so a reviewer's correction decides the same text's next prediction.
        Neighbour rows index this snapshot.
        """
        n = len(queries)
        if len(self) == 0:
            empty = np.zeros((n, 0), dtype=np.int64)
            none = np.zeros((n, self.labels.shape[1]), np.float32)
            return none, np.full_like(none, -np.inf), empty, empty.astype(np.float32)
        sims = queries @ self.vectors.T
        take = min(k, len(self))
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
        top_sims = np.take_along_axis(sims, top, axis=1)
        weights = np.clip((top_sims - min_similarity) / (1.0 - min_similarity), 0.0, 1.0)
        labels = self.labels[top]  # (n, k, codes)
        votes = np.einsum("nk,nkc->nc", weights, labels)
        relevant = (labels > 0) & (top_sims[:, :, None] >= prototype_similarity)
        best = np.where(relevant, top_sims[:, :, None], -np.inf).max(axis=1)
        return np.minimum(votes, 1.0), best, top, top_sims


class ExampleMemory:
    """Vectors of labelled examples and their codes (multi-hot over the taxonomy's codes).

    Thread-safe: writers serialise on a lock and publish a new immutable ``ExampleSnapshot``
    with one reference assignment, so readers (classification threads) never see the parallel
    arrays disagree. Read several fields through one ``snapshot()`` to keep rows aligned.
    """

    def __init__(self, codes: Sequence[str], dimension: int) -> None:
        self.code_index = {code: i for i, code in enumerate(codes)}
        self.dimension = dimension
        self._lock = threading.Lock()
        self._snapshot = ExampleSnapshot(
            _frozen(np.zeros(0, dtype=np.int64)),
            _frozen(np.zeros((0, dimension), dtype=np.float32)),
            _frozen(np.zeros((0, len(codes)), dtype=np.float32)),
            (),
        )
        self._next_id = 1

    def snapshot(self) -> ExampleSnapshot:
        """The current consistent state (it never changes; later writes make a new one)."""
        return self._snapshot

    @property
    def ids(self) -> np.ndarray:
        """Example ids of the current snapshot."""
        return self._snapshot.ids

    @property
    def vectors(self) -> np.ndarray:
        """Example vectors of the current snapshot."""
        return self._snapshot.vectors

    @property
    def labels(self) -> np.ndarray:
        """Multi-hot labels of the current snapshot."""
        return self._snapshot.labels

    @property
    def texts(self) -> tuple[str, ...]:
        """Example texts of the current snapshot."""
        return self._snapshot.texts

    def __len__(self) -> int:
        return len(self._snapshot)

    def copy(self) -> ExampleMemory:
        """An independent memory holding the same examples."""
        other = ExampleMemory(list(self.code_index), self.dimension)
        with self._lock:
            other._snapshot, other._next_id = self._snapshot, self._next_id  # immutable: shared
        return other

    def add(
        self,
        vectors: np.ndarray,
        codes: Sequence[Sequence[str]],
        texts: Sequence[str],
        ids: Sequence[int] | None = None,
    ) -> list[int]:
        """Store examples (codes already normalised to this taxonomy's level)."""
        labels = np.zeros((len(codes), len(self.code_index)), dtype=np.float32)
        for row, example_codes in enumerate(codes):
            for code in example_codes:
                labels[row, self.code_index[code]] = 1.0
        with self._lock:
            if ids is None:
                new_ids = list(range(self._next_id, self._next_id + len(codes)))
            else:
                new_ids = [int(i) for i in ids]
                self._remove_locked(new_ids)
            self._next_id = max([self._next_id - 1, *new_ids]) + 1
            old = self._snapshot
            self._snapshot = ExampleSnapshot(
                _frozen(np.concatenate([old.ids, np.asarray(new_ids, dtype=np.int64)])),
                _frozen(np.vstack([old.vectors, vectors.astype(np.float32)])),
                _frozen(np.vstack([old.labels, labels])),
                (*old.texts, *texts),
            )
        return new_ids

    def remove(self, ids: Iterable[int]) -> int:
        """Forget examples by id; returns how many were present."""
        with self._lock:
            return self._remove_locked(ids)

    def _remove_locked(self, ids: Iterable[int]) -> int:
        old = self._snapshot
        drop = np.isin(old.ids, np.asarray(list(ids), dtype=np.int64))
        if drop.any():
            keep = ~drop
            self._snapshot = ExampleSnapshot(
                _frozen(old.ids[keep]),
                _frozen(old.vectors[keep]),
                _frozen(old.labels[keep]),
                tuple(t for t, k in zip(old.texts, keep, strict=True) if k),
            )
        return int(drop.sum())

    def votes(
        self, queries: np.ndarray, k: int, min_similarity: float, prototype_similarity: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``ExampleSnapshot.votes`` on the current snapshot (see there)."""
        return self._snapshot.votes(queries, k, min_similarity, prototype_similarity)
