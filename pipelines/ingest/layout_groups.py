"""Candidate groups that only the layout shows: sibling headings by style, tables, text boxes.

- Unnumbered sibling headings: the headings right below a larger heading, sharing one style
  (font size and weight), up to the next heading as large as the parent.
- Text boxes: such siblings printed side by side on one page (a figure of boxes).
- Tables: a row of cells side by side (blocks sharing a top on one page) and the first-column
  cells aligned below it; the first column holds the names.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from pipelines.ingest.detect import Candidate, Group, following_text, title_of
from pipelines.ingest.structure import Block

ROW_TOLERANCE = 2.5  # pt: cells of one table row share their top within this
COLUMN_TOLERANCE = 4.0  # pt: first cells of a table's rows start at the same x within this
MAX_CELL_WORDS = 12  # a longer first cell is running text beside a figure, not a name
FOLLOW_CHARS = 400  # text after a heading read as the group's context


def _rank(block: Block) -> float:
    """Typographic rank of a heading: size, a bold face counts as half a point more."""
    return round(block.size * 2) / 2 + (0.5 if block.bold else 0.0)


def style_heading_groups(blocks: list[Block]) -> list[Group]:
    """Headings of one style right below a larger heading (boxes side by side: "textbox")."""
    headings = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading"]
    groups = []
    for position, (i, parent) in enumerate(headings):
        below = []
        for j, block in headings[position + 1 :]:
            if _rank(block) >= _rank(parent):
                break
            below.append((j, block))
        if len(below) < 2:
            continue
        top_rank = max(_rank(b) for _, b in below)
        siblings = [(j, b) for j, b in below if _rank(b) == top_rank]
        if len(siblings) < 2:
            continue
        items = [Candidate(title_of(b.text), b.page, j, b.text) for j, b in siblings]
        side_by_side = any(
            a.page == b.page and abs(a.top - b.top) < ROW_TOLERANCE
            for (_, a), (_, b) in itertools.pairwise(siblings)
        )
        context = f"{parent.text} {following_text(blocks, i, FOLLOW_CHARS)}"
        kind = "textbox" if side_by_side else "headings"
        groups.append(Group(kind, context, items, parent_index=i))
    return groups


@dataclass
class _Table:
    cells: list[int]  # first-column blocks, one per row, top to bottom
    others: list[int]  # blocks of the later columns
    page: int
    opens_page: bool  # nothing before the table on its page
    closes_page: bool  # nothing after the table on its page


def _page_tables(blocks: list[Block], indexes: list[int], page: int) -> list[_Table]:
    """Tables of one page, found from a row of cells side by side.

    Below that row, a block starting in the first column and ending before the second is the
    next row's first cell; a block starting in a later column is cell text; anything else (a
    paragraph across the columns, a heading at the margin) ends the table.
    """
    order = sorted(indexes, key=lambda k: (blocks[k].top, blocks[k].indent))
    tables: list[_Table] = []
    position = 0
    while position < len(order):
        first = blocks[order[position]]
        partners = [
            k
            for k in order
            if abs(blocks[k].top - first.top) <= ROW_TOLERANCE and blocks[k].indent > first.x1
        ]
        if not partners:
            position += 1
            continue
        left, second = first.indent, min(blocks[k].indent for k in partners)
        cells, others = [order[position]], list(partners)
        closes = True
        following = position + 1
        while following < len(order):
            k = order[following]
            block = blocks[k]
            if k in partners:
                pass
            elif abs(block.indent - left) < COLUMN_TOLERANCE and block.x1 < second - 2:
                cells.append(k)
            elif block.indent >= second - COLUMN_TOLERANCE:
                others.append(k)
            else:
                closes = False
                break
            following += 1
        opens = all(k in partners for k in order[:position])
        tables.append(_Table(cells, others, page, opens, closes))
        position = following
    return tables


def _tables(blocks: list[Block]) -> list[_Table]:
    """All tables of the document, a table continued on the next page joined to its start."""
    by_page: dict[int, list[int]] = defaultdict(list)
    for index, block in enumerate(blocks):
        if block.kind != "item":
            by_page[block.page].append(index)
    joined: list[_Table] = []
    for page in sorted(by_page):
        for table in _page_tables(blocks, by_page[page], page):
            last = joined[-1] if joined else None
            if (
                last is not None
                and last.closes_page
                and table.opens_page
                and table.page == last.page + 1
                and abs(blocks[last.cells[0]].indent - blocks[table.cells[0]].indent)
                < COLUMN_TOLERANCE
            ):
                last.cells += table.cells
                last.others += table.others
                last.page, last.closes_page = table.page, table.closes_page
                continue
            joined.append(table)
    return [t for t in joined if len(t.cells) >= 2]


def _row_text(blocks: list[Block], table: _Table, row: int) -> str:
    """The later columns' text beside the first cell of ``row``."""
    cell = blocks[table.cells[row]]
    below = blocks[table.cells[row + 1]] if row + 1 < len(table.cells) else None
    return " ".join(
        blocks[k].text
        for k in table.others
        if blocks[k].page == cell.page
        and blocks[k].top >= cell.top - ROW_TOLERANCE
        and (below is None or below.page != cell.page or blocks[k].top < below.top - ROW_TOLERANCE)
    )


def _intro(blocks: list[Block], first: int) -> str:
    before = [b for b in blocks[max(0, first - 4) : first] if b.page == blocks[first].page]
    heading = next((b.text for b in reversed(blocks[:first]) if b.kind == "heading"), "")
    return f"{heading} | {' '.join(b.text for b in before)[-400:]}"


def table_groups(blocks: list[Block]) -> list[Group]:
    """The name column of every table (a bold header row is context, not an item)."""
    groups = []
    for table in _tables(blocks):
        header = ""
        if blocks[table.cells[0]].bold and not blocks[table.cells[1]].bold:
            header = f"{blocks[table.cells[0]].text} {_row_text(blocks, table, 0)}"
            table.cells = table.cells[1:]
        if sum(blocks[k].bold for k in table.cells) > len(table.cells) / 2 and all(
            blocks[k].bold for k in table.others
        ):
            continue  # bold titles side by side in every row: a figure of boxes, not a table
        rows = range(len(table.cells))
        if all(len(blocks[k].text) <= 3 for k in table.cells):
            continue  # the first column only numbers the rows
        items = [
            Candidate(title_of(blocks[k].text), blocks[k].page, k, _row_text(blocks, table, row))
            for row, k in zip(rows, table.cells, strict=True)
        ]
        if len(items) < 2 or any(len(c.title.split()) > MAX_CELL_WORDS for c in items):
            continue
        context = f"{_intro(blocks, table.cells[0])} {header}"
        groups.append(Group("table", context, items))
    return groups
