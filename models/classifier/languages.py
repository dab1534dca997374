"""Which language a text is in, so each text meets prototypes it can match."""

from __future__ import annotations

from collections.abc import Sequence


def detect_languages(texts: Sequence[str]) -> list[str]:
    """ISO 639-1 language of each text (py3langid); 'en' when detection is unavailable."""
    try:
        import py3langid
    except ImportError:
        return ["en"] * len(texts)
    return [py3langid.classify(text)[0] for text in texts]


def language_group(language: str, read: Sequence[str] | None) -> str:
    """'en', 'read' (a language the embedder was trained on) or 'unread': the classifier's
    weights (n-gram match, kNN votes, ensemble members) depend on it."""
    if language == "en":
        return "en"
    return "read" if language in (read or ()) else "unread"
