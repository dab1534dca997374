"""Clean lines -> blocks: headings (with numbering and level), list items and paragraphs.

Typography decides: the body font size is the most common size by characters; a short line
clearly larger than the body, or a bold short line, is a heading; section numbers ("4.1.2") give
the heading level. Wrapped lines are joined, with hyphenation (hard and soft) undone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipelines.ingest.pdf_text import SOFT_HYPHEN, Line

BULLET = re.compile(r"^\s*(?:[•●▪■◦○·►➢✓\-–—*]|\(?[a-z]\)|\(?[ivx]{1,4}\))\s+(?=\S)")
NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,4})(?:[.)]|\s)\s*(?=[^\d\s.,%])")
TOC_LINE = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$|…{2,}\s*\d+\s*$")
_SENTENCE_END = re.compile(r"[.;,]$")
# a line starting this far (pt) left of its block is a new table cell, not a wrapped line;
# first-line paragraph indents are ~10-20 pt
CELL_SHIFT = 30.0
SHORT_LINE_SLACK = 40.0  # pt: a line ending this far short of the next one's end was complete


@dataclass
class Block:
    """A heading, list item or paragraph with the pages it spans."""

    kind: str  # "heading" | "item" | "paragraph"
    text: str
    pages: list[int]
    size: float
    bold: bool
    number: str | None = None  # section or list number as printed ("4.1.2", "3")
    level: int = 0  # heading depth from the number (1 for "4", 3 for "4.1.2"), 0 if unknown
    indent: float = 0.0
    children: list[int] = field(default_factory=list)
    top: float = 0.0  # top of the first line on its page (table rows share it)
    x1: float = 0.0  # right edge of the first line

    @property
    def page(self) -> int:
        """First page of the block."""
        return self.pages[0]


def join_lines(first: str, second: str) -> str:
    """Join two wrapped lines, undoing end-of-line hyphenation (also soft hyphens)."""
    first = first.rstrip()
    if first.endswith(SOFT_HYPHEN):
        return first[:-1] + second.lstrip()
    if first.endswith("-") and len(first) > 1 and first[-2].isalpha() and second[:1].islower():
        return first[:-1] + second.lstrip()
    return f"{first} {second.lstrip()}"


def body_size(lines: list[Line]) -> float:
    """The font size of running text: the size carrying most characters."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size)] += len(line.text)
    return float(weights.most_common(1)[0][0]) if weights else 10.0


def build_blocks(lines: list[Line]) -> list[Block]:
    """Group lines into blocks in reading order."""
    body = body_size(lines)
    blocks: list[Block] = []
    previous: Line | None = None
    for line in lines:
        text = line.text.replace(SOFT_HYPHEN + " ", SOFT_HYPHEN).strip()
        if not text or TOC_LINE.search(text):
            continue  # table-of-contents lines repeat every heading and would double-count
        kind, number, rest = _classify(text, line, body)
        current = blocks[-1] if blocks else None
        if (
            current is not None
            and previous is not None
            and _continues(current, previous, line, kind, body)
        ):
            current.text = join_lines(current.text, text)
            if line.page not in current.pages:
                current.pages.append(line.page)
            previous = line
            continue
        level = number.count(".") + 1 if (number and kind == "heading") else 0
        blocks.append(
            Block(
                kind,
                rest if kind == "item" else text,
                [line.page],
                line.size,
                line.bold,
                number,
                level,
                line.x0,
                top=line.top,
                x1=line.x1,
            )
        )
        previous = line
    for block in blocks:
        block.text = block.text.replace(SOFT_HYPHEN, "")
        if block.kind == "heading" and block.number:
            block.text = NUMBERED.sub("", block.text, count=1).strip()
    return blocks


def _classify(text: str, line: Line, body: float) -> tuple[str, str | None, str]:
    words = text.split()
    short = len(words) <= 14 and not _SENTENCE_END.search(text)
    bigger = line.size >= body * 1.12
    number_match = NUMBERED.match(text)
    if number_match:
        number = number_match.group(1)
        rest = text[number_match.end() :].strip()
        dotted = "." in number.strip(".")
        long_ok = len(words) <= 18 and not _SENTENCE_END.search(text)
        if (short and (bigger or (line.bold and dotted))) or (dotted and long_ok):
            return "heading", number, text
        if "." in text[: number_match.end()] or ")" in text[: number_match.end()]:
            return "item", number, rest
    bullet = BULLET.match(text)
    if bullet:
        return "item", None, text[bullet.end() :].strip()
    if short and (bigger or line.bold) and len(words) >= 1 and not text.isdigit():
        return "heading", None, text
    return "paragraph", None, text


def _continues(current: Block, previous: Line, line: Line, kind: str, body: float) -> bool:
    """Whether ``line`` wraps the block that ``previous`` ended."""
    if kind == "heading" and current.kind == "heading":
        same_style = abs(previous.size - line.size) < 0.6 and previous.bold == line.bold
        close = 0 <= line.top - previous.bottom < line.size * 0.9 and line.page == previous.page
        return same_style and close and kind == "heading" and not NUMBERED.match(line.text)
    if kind != "paragraph" or current.kind == "heading":
        return False
    gap = line.top - previous.bottom
    same_region = line.page == previous.page and line.part == previous.part
    if same_region and line.top < previous.bottom - 1 and line.x0 > previous.x1:
        return False  # a cell beside the previous one on the same row (a table or text boxes)
    if same_region and line.x0 < current.indent - CELL_SHIFT:
        return False  # the next row's first cell, left of a wrapped cell of the row above
    if same_region and (gap > max(previous.size, line.size) * 0.9 or gap < -previous.size * 2):
        return False
    if abs(line.size - previous.size) > 1.0:
        return False
    if current.kind == "item":
        # a wrapped item is indented under its text; a flush-left line starts a paragraph
        open_ended = not re.search(r"[.;:!?]$", current.text)
        flush = line.x0 <= current.indent + 2 and line.text[:1].isupper()
        # a bulleted item wraps under its text; a numbered one may wrap flush, but then its
        # line ran to the margin: a flush capitalised line after a short one is the next text
        if flush and (current.number is None or previous.x1 < line.x1 - SHORT_LINE_SLACK):
            return False
        if not same_region:  # an item running over a page break ends mid-sentence
            return open_ended and not re.search(r",$", current.text)
        # a numbered paragraph wraps flush with its number once its line is full
        return line.x0 > current.indent + 2 or open_ended or flush
    if not same_region:
        # a paragraph running over a page break ends mid-sentence
        return not re.search(r"[.:!?]$", current.text)
    return True


def body_size_of_blocks(blocks: list[Block]) -> float:
    """The font size of running text, from blocks: the size carrying most characters."""
    weights: Counter[float] = Counter()
    for block in blocks:
        weights[round(block.size)] += len(block.text)
    return float(weights.most_common(1)[0][0]) if weights else 10.0
