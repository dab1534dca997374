"""Building a reviewed list: start from a candidate list or the stored priorities, then rename,
remove, merge and add. The review page edits rows in a form; ``observatory extraction decide``
names the same edits as options; both end in the same ``ReviewedItem`` list for ``decide``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from observatory.errors import InvalidInput
from observatory.extraction.types import ReviewedItem
from observatory.extraction.view import ExtractionView


def starting_items(view: ExtractionView, position: int | None) -> list[ReviewedItem]:
    """The list a reviewer starts from: the candidate list at ``position`` (each item matched to
    the stored priority of the same title, so that it keeps its tags), or the stored priorities."""
    if position is None:
        return [
            ReviewedItem(p.title, p.description, p.pages, p.parent, p.id) for p in view.priorities
        ]
    found = [c for c in view.candidate_lists if c.position == position]
    if not found:
        raise InvalidInput(f"strategy {view.strategy_id} has no candidate list {position}")
    stored = {p.title.casefold(): p for p in view.priorities}
    items = []
    for item in found[0].items:
        match = stored.get(item.title.casefold())
        items.append(
            ReviewedItem(
                title=item.title,
                description=item.description or (match.description if match else ""),
                pages=(item.page,) if item.page else (match.pages if match else ()),
                priority_id=match.id if match else None,
            )
        )
    return items


def _index(items: list[ReviewedItem], title: str) -> int:
    wanted = " ".join(title.split()).casefold()
    for index, item in enumerate(items):
        if item.title.casefold() == wanted:
            return index
    raise InvalidInput(f"no item titled {title!r} in the list")


def merge_into(source: ReviewedItem, target: ReviewedItem) -> ReviewedItem:
    """``target`` with ``source`` folded in: its pages, its text, its stored priority."""
    description = target.description
    if source.description and source.description not in description:
        description = f"{description}\n{source.description}".strip()
    merged = (*target.merged_ids, *source.merged_ids)
    if source.priority_id is not None:
        merged = (*merged, source.priority_id)
    return replace(
        target,
        description=description,
        pages=tuple(sorted({*target.pages, *source.pages})),
        merged_ids=merged,
    )


def apply_edits(
    items: Sequence[ReviewedItem],
    *,
    renames: Sequence[tuple[str, str]] = (),
    removes: Sequence[str] = (),
    merges: Sequence[tuple[str, str]] = (),
    adds: Sequence[ReviewedItem] = (),
) -> list[ReviewedItem]:
    """Apply, in this order, merges (source into target), removals, renames and additions."""
    result = list(items)
    for source_title, target_title in merges:
        source = result.pop(_index(result, source_title))
        target = _index(result, target_title)
        result[target] = merge_into(source, result[target])
    for title in removes:
        result.pop(_index(result, title))
    for old, new in renames:
        index = _index(result, old)
        result[index] = replace(result[index], title=" ".join(new.split()))
    return [*result, *adds]
