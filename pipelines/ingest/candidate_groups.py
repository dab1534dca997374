"""All candidate sibling groups of a document, from every structure it uses.

Text structures (numbered headings, lists, inline enumerations) come from `detect`; layout ones
(headings by style, text boxes, tables) from `layout_groups`. Kept apart from both so that
neither has to import the other.
"""

from __future__ import annotations

from pipelines.ingest.detect import Group, heading_groups, inline_groups, list_groups
from pipelines.ingest.layout_groups import style_heading_groups, table_groups
from pipelines.ingest.structure import Block


def candidate_groups(blocks: list[Block]) -> list[Group]:
    """All sibling groups: child headings (numbered or by style), lists, tables, inline ones."""
    groups = heading_groups(blocks) + style_heading_groups(blocks)
    groups += list_groups(blocks) + table_groups(blocks) + inline_groups(blocks)
    unique: dict[tuple[tuple[int, str], ...], Group] = {}
    for group in groups:  # the same items found twice (numbered and by style) count once
        unique.setdefault(tuple((item.block_index, item.title) for item in group.items), group)
    return list(unique.values())
