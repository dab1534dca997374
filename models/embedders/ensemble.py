"""Ensemble embedder: MiniLM and multilingual USE side by side in one vector.

Each model's unit vector is scaled by sqrt(weight) and the two are concatenated, so the inner
product of two ensemble vectors is ``w * cos_minilm + (1 - w) * cos_use``: one index and one
matrix product score both models at once.
"""

from __future__ import annotations

import math

import numpy as np

from models.embedders.base import Embedder


class EnsembleEmbedder(Embedder):
    """Weighted concatenation of several embedders' normalised vectors."""

    def __init__(self, members: list[Embedder], weights: list[float]) -> None:
        if len(members) != len(weights) or not members:
            raise ValueError("an ensemble needs one weight per member")
        total = float(sum(weights))
        self.members = members
        self.weights = [w / total for w in weights]
        pairs = zip(members, self.weights, strict=True)
        self.model_id = "+".join(f"{m.model_id}*{w:.2f}" for m, w in pairs)
        self.dimension = sum(m.dimension for m in members)
        langs: set[str] = set()
        for member in members:
            langs.update(member.languages or ())
        self.languages = tuple(sorted(langs))
        self.device = members[0].device
        self.batch_size = members[0].batch_size

    def _encode(self, texts: list[str], *, batch_size: int, show_progress: bool) -> np.ndarray:
        parts = [
            math.sqrt(w) * m.encode(texts, show_progress=show_progress)
            for m, w in zip(self.members, self.weights, strict=True)
        ]
        return np.hstack(parts).astype(np.float32)

    def split(self, vectors: np.ndarray) -> list[np.ndarray]:
        """Cut ensemble vectors back into each member's (unit-length) vectors."""
        out, start = [], 0
        for member, weight in zip(self.members, self.weights, strict=True):
            part = vectors[:, start : start + member.dimension] / math.sqrt(weight)
            out.append(part)
            start += member.dimension
        return out
