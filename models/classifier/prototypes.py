"""Code prototypes: several short texts per code whose embeddings stand for the code.

Each code of the target level gets its title, title + description, each keyword phrase, its
keyword phrases in other languages (taxonomies/data/keywords), its titles in other languages
and the items of its "includes" notes (when an official file was imported); finer codes (NACE
groups and classes) add their titles to their division. A phrase in another language only
competes for texts in that language: matched against English texts it adds noise, not signal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taxonomies import Code, Taxonomy

NOTE_KINDS_USED = ("includes", "also_includes")
MAX_NOTE_ITEMS = 12
MAX_PROTOTYPE_CHARS = 300
_NOTE_SPLIT = re.compile(r"\s*(?:\n|;|\u2022|(?:^|\s)-\s)\s*")
_NOTE_PREAMBLE = re.compile(
    r"^(this (section|division|group|class) (also )?includes?|includes?|also includes?)\s*:?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Prototype:
    """One text standing for a code, and what it was made from."""

    code: str
    text: str
    kind: str  # title, description, keyword, label:<lang>, keyword:<lang>, includes, child-title
    # "" for English (every text sees it); otherwise only texts in this language do
    language: str = ""


def note_items(note: str, limit: int = MAX_NOTE_ITEMS) -> list[str]:
    """Split an official includes-note into short item phrases."""
    items = []
    for raw in _NOTE_SPLIT.split(note or ""):
        item = _NOTE_PREAMBLE.sub("", raw.strip(" .,:-")).strip()
        if len(item) >= 4:
            items.append(item[:MAX_PROTOTYPE_CHARS])
        if len(items) >= limit:
            break
    return items


def _code_texts(code: Code, *, finer: bool, options: PrototypeOptions) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    title = code.title.strip()
    texts.append(("child-title" if finer else "title", title))
    for language, label in code.labels.items():
        if language != "en" and label and not finer:
            texts.append((f"label:{language}", str(label)))
    if not finer and code.description:
        texts.append(("description", f"{title}: {code.description}"[:MAX_PROTOTYPE_CHARS]))
    if options.english_keywords:
        texts.extend(("keyword", str(keyword)) for keyword in code.keywords)
    if not finer and options.language_keywords:
        for language, phrases in code.keywords_by_language.items():
            texts.extend((f"keyword:{language}", str(phrase)) for phrase in phrases)
    if finer:
        # notes of hundreds of classes drown the divisions' own prototypes in near-misses
        return texts
    for kind in NOTE_KINDS_USED:
        for item in note_items(code.notes.get(kind, ""), MAX_NOTE_ITEMS):
            texts.append((kind, item))
    return texts


@dataclass(frozen=True)
class PrototypeOptions:
    """Which texts become prototypes.

    ``hidden`` codes (finer codes of a benchmark's held-out classes) give none, so none of their
    phrases can be met as a prototype. The keyword phrases are the team's hand-written ones
    (``code.keywords`` in English, ``taxonomies/data/keywords/<lang>.json`` in 14 languages).
    """

    english_keywords: bool = True
    language_keywords: bool = True
    hidden: frozenset[str] = frozenset()


def build_prototypes(
    taxonomy: Taxonomy, level: str, options: PrototypeOptions | None = None
) -> list[Prototype]:
    """Prototypes of every code at ``level``, grouped by code in taxonomy order."""
    options = options or PrototypeOptions()
    rank = {name: i for i, name in enumerate(taxonomy.levels)}
    target_rank = rank[level]
    by_code: dict[str, list[Prototype]] = {c.code: [] for c in taxonomy.at_level(level)}
    seen: dict[str, set[str]] = {code: set() for code in by_code}
    for code in taxonomy.codes.values():
        code_rank = rank.get(code.level, -1)
        if code_rank < target_rank or code.code in options.hidden:
            continue
        target = code.code if code_rank == target_rank else taxonomy.roll_up(code.code, level)
        for kind, text in _code_texts(code, finer=code_rank > target_rank, options=options):
            key = text.casefold().strip()
            if key and key not in seen[target]:
                seen[target].add(key)
                language = kind.partition(":")[2]
                by_code[target].append(Prototype(target, text, kind, language))
    return [proto for protos in by_code.values() for proto in protos]
