"""The ``VectorIndex`` abstraction: integer ids -> unit vectors, inner-product search."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from observatory import artefacts
from observatory.errors import InvalidInput

KIND = "vector index"
REMEDY = "rebuild the index"


def as_ids(ids: Iterable[int]) -> np.ndarray:
    """Ids as a contiguous int64 array (FAISS' id type)."""
    return np.ascontiguousarray(np.fromiter((int(i) for i in ids), dtype=np.int64))


def as_matrix(vectors: np.ndarray, dimension: int) -> np.ndarray:
    """Vectors as a contiguous float32 ``(n, dimension)`` array, checking the width."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    if matrix.ndim != 2 or matrix.shape[1] != dimension:
        raise InvalidInput(
            f"vectors must have shape (n, {dimension}); got {tuple(np.shape(vectors))}"
        )
    return np.ascontiguousarray(matrix)


class VectorIndex(ABC):
    """Inner-product (cosine on unit vectors) index over int64 ids.

    ``add`` replaces the vector of an id that is already present, so re-indexing a priority
    never duplicates it.
    """

    backend: ClassVar[str]

    def __init__(
        self,
        dimension: int,
        *,
        model_id: str = "unknown",
        taxonomy_version: str | None = None,
        kind: str = "flat",
    ) -> None:
        if dimension <= 0:
            raise InvalidInput("index dimension must be positive")
        self.dimension = int(dimension)
        self.model_id = model_id
        self.taxonomy_version = taxonomy_version
        self.kind = kind

    @abstractmethod
    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Insert (or replace) one vector per id."""

    @abstractmethod
    def remove(self, ids: Iterable[int]) -> int:
        """Remove ids; returns how many were present."""

    @abstractmethod
    def search(
        self, vectors: np.ndarray, k: int, *, allowed_ids: set[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` ``(scores, ids)`` per query row, best first; missing slots have id -1."""

    @abstractmethod
    def ids(self) -> np.ndarray:
        """All ids currently indexed."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def _save_data(self, folder: Path) -> None: ...

    @abstractmethod
    def _load_data(self, folder: Path, config: dict[str, Any]) -> None: ...

    def config(self) -> dict[str, Any]:
        """Metadata written next to the saved index (``artefacts`` adds time and version)."""
        return {
            "backend": self.backend,
            "kind": self.kind,
            "model_id": self.model_id,
            "dimension": self.dimension,
            "taxonomy_version": self.taxonomy_version,
            "count": len(self),
        }

    def save(self, folder: Path) -> None:
        """Write the index and its ``config.json`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._save_data(folder)
        artefacts.write_config(folder, self.config())

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        model_id: str | None = None,
        dimension: int | None = None,
    ) -> VectorIndex:
        """Read an index saved by ``save``; refuses one built for another model or dimension."""
        config = read_config(folder)
        check_compatible(config, folder, model_id=model_id, dimension=dimension)
        index = cls(
            int(config["dimension"]),
            model_id=config["model_id"],
            taxonomy_version=config.get("taxonomy_version"),
            kind=config.get("kind", "flat"),
        )
        index._load_data(Path(folder), config)
        return index

    @staticmethod
    def _check_k(k: int) -> None:
        if k <= 0:
            raise InvalidInput("k must be a positive integer")


def read_config(folder: Path) -> dict[str, Any]:
    """The ``config.json`` of a saved index (NotFound when there is none)."""
    return artefacts.read_config(folder, kind=KIND)


def check_compatible(
    config: dict[str, Any], folder: Path, *, model_id: str | None, dimension: int | None
) -> None:
    """Refuse an index whose vectors come from a different model or have another width."""
    expected = {"model_id": model_id, "dimension": dimension}
    artefacts.check_compatible(config, expected, folder=folder, kind=KIND, remedy=REMEDY)


def checked_batch(
    ids: Iterable[int], vectors: np.ndarray, dimension: int
) -> tuple[np.ndarray, np.ndarray]:
    """Validated ``(ids, matrix)`` for ``add``: one unique id per vector of the right width."""
    new_ids = as_ids(ids)
    matrix = as_matrix(vectors, dimension)
    if len(new_ids) != len(matrix):
        raise InvalidInput(f"{len(new_ids)} ids for {len(matrix)} vectors")
    if len(np.unique(new_ids)) != len(new_ids):
        raise InvalidInput("ids passed to add() must be unique")
    return new_ids, matrix
