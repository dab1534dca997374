"""Vector indexes: the ``VectorIndex`` ABC, FAISS and NumPy backends, the ``INDEXES`` registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.index.base import VectorIndex, check_compatible, read_config
from models.index.numpy_index import NumpyIndex
from observatory.errors import InvalidInput


def _faiss_class() -> type[VectorIndex]:
    from models.index.faiss_index import FaissIndex

    return FaissIndex


def _numpy_class() -> type[VectorIndex]:
    return NumpyIndex


INDEXES = {"faiss": _faiss_class, "numpy": _numpy_class}


def default_backend() -> str:
    """FAISS when it is installed, else the NumPy fallback."""
    try:
        import faiss  # noqa: F401
    except ImportError:
        return "numpy"
    return "faiss"


def create_index(dimension: int, *, backend: str | None = None, **options: Any) -> VectorIndex:
    """Build an empty index (``options``: model_id, taxonomy_version, kind, omp_threads...)."""
    name = backend or default_backend()
    if name not in INDEXES:
        raise InvalidInput(f"unknown index backend {name!r}; choose one of: {', '.join(INDEXES)}")
    cls = INDEXES[name]()
    if name == "numpy":
        options = {k: v for k, v in options.items() if k in ("model_id", "taxonomy_version")}
    return cls(dimension, **options)


def load_index(
    folder: Path, *, model_id: str | None = None, dimension: int | None = None
) -> VectorIndex:
    """Load a saved index with the backend named in its config.json, checking compatibility."""
    config = read_config(folder)
    check_compatible(config, folder, model_id=model_id, dimension=dimension)
    backend = config.get("backend", "faiss")
    if backend not in INDEXES:
        raise InvalidInput(f"{folder}: unknown index backend {backend!r} in config.json")
    return INDEXES[backend]().load(folder, model_id=model_id, dimension=dimension)


__all__ = ["INDEXES", "NumpyIndex", "VectorIndex", "create_index", "default_backend", "load_index"]
