"""The language of a search query, among the languages of the searched priorities.

Fusion needs it: BM25 only sees words, so a priority written in another language than the
query's has no lexical evidence to give, and its missing BM25 rank must not count against it.
"""

from __future__ import annotations

from collections.abc import Iterable


def query_language(query: str, candidates: Iterable[str | None]) -> str | None:
    """The most likely of ``candidates`` (ISO 639-1 codes) for ``query`` (py3langid's ranking
    restricted to them), or None when there is no candidate or no detector."""
    wanted = {c for c in candidates if c}
    if not wanted or not query.strip():
        return None
    try:
        import py3langid
    except ImportError:
        return None
    for language, _score in py3langid.rank(query):
        if language in wanted:
            return str(language)
    return None
