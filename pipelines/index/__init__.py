"""Building and updating the priorities' vector index from the store."""

from pipelines.index.priority_vectors import (
    PriorityVectors,
    priority_text,
    priority_vectors_from_settings,
    taxonomy_versions,
)

__all__ = [
    "PriorityVectors",
    "priority_text",
    "priority_vectors_from_settings",
    "taxonomy_versions",
]
