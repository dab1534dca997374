"""Ensemble embedder: several models side by side in one vector, weighted per text language.

Stored vectors (``encode`` without ``languages``) are the members' unit vectors, each scaled by
``1/sqrt(n)`` and concatenated: unit rows, and two of them score ``mean(cos_i)``. Scored
vectors (``encode(texts, languages=...)``) scale member ``i`` by ``sqrt(n) * w_i(language)``,
so ``scored @ stored.T = sum_i w_i(language) * cos_i``: one index and one matrix product score
every member at once, and each text leans on the member that reads its language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.embedders.base import Embedder, TextKind, check_languages, text_list


@dataclass(frozen=True)
class LanguageWeights:
    """The first member's share of a two-member ensemble's score, by text language.

    Chosen for MiniLM (English only) + USE (16 languages) on the dev gold set (see
    models/README.md): English texts weigh both equally; languages USE reads lean on USE;
    languages neither reads lean on MiniLM, whose sub-word overlap with same-language texts
    beats USE's guess there.
    """

    english: float = 0.5
    read: float = 0.2
    unread: float = 0.8

    def first_share(self, language: str | None, read: Sequence[str]) -> float:
        """The first member's share for a text in ``language`` (None: as English)."""
        if language is None or language == "en":
            return self.english
        return self.read if language in read else self.unread


class EnsembleEmbedder(Embedder):
    """Concatenation of two or more embedders' unit vectors (see the module docstring)."""

    weighs_languages = True

    def __init__(
        self, members: list[Embedder], language_weights: LanguageWeights | None = None
    ) -> None:
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two members")
        if language_weights is not None and len(members) != 2:
            raise ValueError("language weights are defined for two-member ensembles")
        self.members = members
        self.language_weights = language_weights or LanguageWeights()
        share = 1.0 / len(members)
        # the id names the stored (equal) split: indexes and calibrations were built under it
        self.model_id = "+".join(f"{m.model_id}*{share:.2f}" for m in members)
        self.dimension = sum(m.dimension for m in members)
        langs: set[str] = set()
        for member in members:
            langs.update(member.languages or ())
        self.languages = tuple(sorted(langs))
        # the languages the second (multilingual) member reads beyond English
        self._read = tuple(sorted(set(members[1].languages or ()) - {"en"}))
        self.device = members[0].device
        self.batch_size = members[0].batch_size

    def weights(self, languages: Sequence[str | None]) -> np.ndarray:
        """``(n, members)`` shares of each member in each text's score (rows sum to 1)."""
        if len(self.members) != 2:
            return np.full((len(languages), len(self.members)), 1.0 / len(self.members))
        first = np.array(
            [self.language_weights.first_share(lang, self._read) for lang in languages],
            dtype=np.float32,
        )
        return np.stack([first, 1.0 - first], axis=1)

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: TextKind = "passage",
        languages: Sequence[str | None] | None = None,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Stored unit rows without ``languages``; language-weighted scored rows with them."""
        items = text_list(texts)
        check_languages(languages, len(items))
        count = len(self.members)
        parts = [
            m.encode(items, kind=kind, batch_size=batch_size, show_progress=show_progress)
            for m in self.members
        ]
        if languages is None:
            scale = np.full((len(items), count), 1.0 / math.sqrt(count), dtype=np.float32)
        else:
            scale = math.sqrt(count) * self.weights(languages)
        scaled = [part * scale[:, i : i + 1] for i, part in enumerate(parts)]
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.hstack(scaled).astype(np.float32)

    def _encode(
        self, texts: list[str], *, kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        return self.encode(texts, kind=kind, batch_size=batch_size)  # type: ignore[arg-type]
