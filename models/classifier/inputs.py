"""Checking and normalising the texts handed to the classifier."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from observatory.errors import InvalidInput


def prepare_texts(texts: Sequence[str], max_chars: int) -> tuple[list[str], list[list[str]]]:
    """Whitespace-normalised texts, cut to ``max_chars``, and the warnings for each.

    An empty text or a bare string (instead of a list) is refused: classifying characters one
    by one is never what the caller meant. A long text is truncated with a warning, never
    refused, so a 100,000-character extraction error still gets suggestions.
    """
    if isinstance(texts, str):
        raise InvalidInput("classify() takes a list of texts, not one string")
    prepared, warnings = [], []
    for position, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(f"text {position + 1} is empty; nothing to classify")
        notes = []
        text = " ".join(text.split())
        if len(text) > max_chars:
            notes.append(f"text truncated from {len(text)} to {max_chars} characters")
            text = text[:max_chars]
        prepared.append(text)
        warnings.append(notes)
    return prepared, warnings


def check_taxonomies(names: Sequence[str], known: Collection[str]) -> list[str]:
    """``names`` as a list, refusing any that is not among ``known``."""
    for name in names:
        if name not in known:
            raise InvalidInput(f"unknown taxonomy {name!r}; choose one of: {', '.join(known)}")
    return list(names)
