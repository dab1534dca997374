"""Tokenising for the lexical (BM25) side of search: accent-folded, case-folded word stems."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)

# Function words of the languages S3 strategies are mostly written in; they carry no topic.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "within",
        "de",
        "del",
        "des",
        "du",
        "en",
        "et",
        "la",
        "le",
        "les",
        "los",
        "las",
        "el",
        "y",
        "e",
        "o",
        "da",
        "do",
        "der",
        "die",
        "das",
        "und",
        "im",
        "in",
        "zu",
        "von",
        "fur",
        "mit",
        "der",
        "den",
        "dem",
        "per",
        "il",
        "di",
        "che",
    ]
)


def fold(text: str) -> str:
    """Lower-case ASCII-ish form: accents stripped, case folded ('Énergie' -> 'energie')."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def stem(token: str) -> str:
    """A deliberately light English stemmer: plurals only, so matches stay explainable."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """The index terms of a text, in order (duplicates kept: BM25 counts them)."""
    found = []
    for word in _WORD.findall(fold(text)):
        if len(word) < 2 or word in STOPWORDS or word.isdigit():
            continue
        found.append(stem(word))
    return found


def query_terms(text: str) -> dict[str, str]:
    """Distinct index terms of a query mapped to the word the user typed (for explanations)."""
    terms: dict[str, str] = {}
    for word in _WORD.findall(text):
        folded = fold(word)
        if len(folded) < 2 or folded in STOPWORDS or folded.isdigit():
            continue
        terms.setdefault(stem(folded), word)
    return terms
