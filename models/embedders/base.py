"""The ``Embedder`` abstraction: texts in, float32 L2-normalised vectors out."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

log = logging.getLogger(__name__)

# Measured on the 2-core CPU machine: MiniLM peaks at batch 16 (~300 texts/s) and slows down
# with larger batches (padding to the longest text costs more than batching saves).
CPU_BATCH_SIZE = 16
GPU_BATCH_SIZE = 256


def choose_device(setting: str = "auto") -> str:
    """Resolve the device setting: 'auto' picks CUDA when torch sees a GPU, else CPU."""
    if setting != "auto":
        return setting
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def default_batch_size(device: str) -> int:
    """A batch size suited to the device (explicit settings override it)."""
    return GPU_BATCH_SIZE if device.startswith("cuda") else CPU_BATCH_SIZE


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows of unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class Embedder(ABC):
    """A sentence embedder.

    Subclasses set ``model_id`` and ``dimension`` and implement ``_encode``; ``encode`` handles
    batching, empty input and normalisation so every backend returns the same contract.
    """

    model_id: str
    dimension: int
    #: ISO 639-1 codes the model was trained for; ``None`` means "many" (multilingual).
    languages: tuple[str, ...] | None = None
    device: str = "cpu"
    batch_size: int = CPU_BATCH_SIZE

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embed ``texts`` into an ``(n, dimension)`` float32 array of unit-length rows."""
        items = text_list(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._encode(
            items, batch_size=batch_size or self.batch_size, show_progress=show_progress
        )
        return l2_normalise(vectors)

    @abstractmethod
    def _encode(self, texts: list[str], *, batch_size: int, show_progress: bool) -> np.ndarray:
        """Embed a non-empty list of texts (rows need not be normalised)."""

    def fit(self, corpus: Sequence[str]) -> None:
        """Adapt to a corpus before use; neural embedders need nothing (lexical ones do)."""
        return None

    def describe(self) -> dict[str, object]:
        """Identity written into saved artefacts' config.json."""
        return {"model_id": self.model_id, "dimension": self.dimension, "device": self.device}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r}, dimension={self.dimension})"


def text_list(texts: Sequence[str]) -> list[str]:
    """``encode``'s argument as a list; one bare string is a mistake, not a sequence of letters."""
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not one string")
    return list(texts)
