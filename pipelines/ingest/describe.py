"""The passage that describes a priority which has no numbered section of its own.

A strategy that states its selection in one sentence or list usually describes each priority
elsewhere: under a short line carrying its name (a fact-sheet or box title), under a heading
that names it, or in paragraphs that talk about it. The sentence that lists all priorities is
the last resort, since it says nothing about any one of them.
"""

from __future__ import annotations

import re

from pipelines.ingest.detect import normalise
from pipelines.ingest.structure import Block

LIMIT = 900
_END = re.compile(r"[.;:!?]$")


def content_words(title: str) -> list[str]:
    """The words of a title that carry its meaning (no articles, numbers or short words)."""
    return [w for w in normalise(title).split() if len(w) >= 3 and not w.isdigit()]


def coverage(text: str, title: str) -> float:
    """Share of the title's content words that start a word of ``text`` (plurals count)."""
    words = content_words(title)
    if not words:
        return 0.0
    lowered = text.lower()
    return sum(1 for w in words if re.search(r"\b" + re.escape(w), lowered)) / len(words)


def mentions(text: str, title: str) -> bool:
    """Whether ``text`` names the priority: the whole title, or most of its content words."""
    if title.lower() in text.lower():
        return True
    needed = 1.0 if len(content_words(title)) <= 2 else 0.6
    return coverage(text, title) >= needed


def _short_line(block: Block) -> bool:
    return len(block.text.split()) <= 8 and not _END.search(block.text)


def _is_name_line(block: Block, title: str) -> bool:
    """A short line that names the priority: a box, fact-sheet or table-row title."""
    if not _short_line(block) or block.kind == "item":
        return False
    words = content_words(title)
    shared = sum(1 for w in words if re.search(r"\b" + re.escape(w), block.text.lower()))
    return shared == len(words) or (shared >= 2 and shared / len(words) >= 0.5)


def _passage_after(blocks: list[Block], start: int, siblings: list[str]) -> tuple[str, list[int]]:
    """Text under a name line, up to the next heading, the next record or a sibling's name."""
    parts: list[str] = []
    pages: set[int] = set()
    first_label: str | None = None
    for j in range(start + 1, len(blocks)):
        block = blocks[j]
        if block.kind == "heading" or any(_is_name_line(block, s) for s in siblings):
            break
        if _short_line(block) and block.kind != "item":
            following = blocks[j + 1].text if j + 1 < len(blocks) else None
            # records repeat their labels ("Evidence", "Policy", ...): a short line followed by
            # the first label again is the name of the next record
            if first_label is not None and following == first_label:
                break
            first_label = first_label or block.text
        parts.append(block.text)
        pages.update(block.pages)
        if sum(len(p) for p in parts) > LIMIT:
            break
    return trim(" ".join(parts), LIMIT), sorted(pages)


def listing(text: str, title: str, siblings: list[str]) -> bool:
    """Whether ``text`` names other priorities too (the statement or a listing of all)."""
    return sum(1 for s in siblings if s != title and mentions(text, s)) >= 2


def describe(
    blocks: list[Block], title: str, statement_index: int, siblings: list[str]
) -> tuple[str, list[int]]:
    """The best passage describing ``title`` and its pages; ("", []) when there is none.

    Preference: the text under a short line naming the priority, then a heading naming it,
    then a paragraph about it (named early, often, and without the other priorities); ties go
    to the passage closest after the statement.
    """
    best: tuple[float, int, str, list[int]] | None = None
    count = len(blocks)
    for index, block in enumerate(blocks):
        if index == statement_index:
            continue
        distance = (index - statement_index) % count
        score = 0.0
        text, pages = "", []
        named = _is_name_line(block, title)
        if named or block.kind == "heading":
            if not (named or (_short_line(block) and mentions(block.text, title))):
                continue
            text, pages = _passage_after(blocks, index, siblings)
            if len(text) < 40 or listing(text, title, siblings):
                continue
            if coverage(text, title) == 0:
                # fact sheets name their subject once, above the text: keep the name with it
                text, pages = f"{block.text}: {text}", sorted({*block.pages, *pages})
            score = 3.0 if block.kind != "heading" else 2.5
        elif block.kind in ("paragraph", "item") and len(block.text) > 80:
            if not mentions(block.text, title) or listing(block.text, title, siblings):
                continue
            lowered = block.text.lower()
            words = content_words(title) or [title.lower()]
            early = 0.5 if any(w in lowered[:200] for w in words) else 0.0
            often = 0.2 * min(sum(lowered.count(w) for w in words) / len(words), 3)
            score = 1.0 + early + often
            text, pages = trim(block.text, LIMIT), list(block.pages)
        else:
            continue
        key = (score, -distance)
        if best is None or key > (best[0], best[1]):
            best = (score, -distance, text, pages)
    if best is None:
        return "", []
    return best[2], best[3]


def trim(text: str, limit: int) -> str:
    """Cut a passage at a sentence end before ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(". ", 1)[0]
    return cut + "." if len(cut) > limit / 2 else text[:limit].rsplit(" ", 1)[0] + " ..."
