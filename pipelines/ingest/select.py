"""From scored candidate groups to the selected priorities, their hierarchy and descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipelines.ingest.candidates import (
    MAX_CANDIDATE_LISTS,
    MAX_HEADING_CHARS,
    CandidateItem,
    CandidateList,
)
from pipelines.ingest.describe import describe, listing
from pipelines.ingest.detect import (
    Candidate,
    Detected,
    Group,
    candidate_groups,
    confidence,
    normalise,
    score_group,
)
from pipelines.ingest.structure import Block
from pipelines.ingest.subpriorities import text_sub_priorities

MATCH = 88  # fuzzy score at which two titles name the same priority
MIN_SCORE = 2.0  # below this no group is convincing enough to report


def same_title(a: str, b: str) -> bool:
    """Whether two titles name the same thing (normalised, order-insensitive, fuzzy)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    shorter, longer = sorted((na, nb), key=len)
    # a one-word title must be a whole word of the other ("Energy" vs "Energy Valley")
    if len(shorter.split()) == 1:
        return shorter in longer.split() and len(longer.split()) <= 3
    return fuzz.token_set_ratio(na, nb) >= MATCH


@dataclass
class Selection:
    """The selected priorities, the candidate lists considered, and how sure the choice is."""

    priorities: list[Detected]
    candidates: list[CandidateList] = field(default_factory=list)
    confidence: float = 0.0


def candidate_lists(groups: list[Group], best: Group | None) -> list[CandidateList]:
    """The best-scored groups (``groups`` sorted best first) as review candidate lists."""
    result = []
    for group in groups[:MAX_CANDIDATE_LISTS]:
        items = tuple(
            CandidateItem(item.title, item.page, item.detail if item.detail != item.title else "")
            for item in group.items
        )
        result.append(
            CandidateList(
                kind=group.kind,
                heading=" ".join(group.context.split())[:MAX_HEADING_CHARS],
                page=min(item.page for item in group.items),
                score=confidence(group.score),
                chosen=group is best,
                items=items,
            )
        )
    return result


def _overlap(group: Group, other: Group) -> float:
    hits = sum(
        1 for item in other.items if any(same_title(item.title, c.title) for c in group.items)
    )
    return hits / len(other.items)


def select_priorities(blocks: list[Block], warnings: list[str]) -> Selection:
    """Detect the strategy's selected priorities (sub-priorities carry their parent's title)."""
    full_text = "\n".join(b.text for b in blocks)
    groups = candidate_groups(blocks)
    if not groups:
        warnings.append("no lists, enumerations or numbered sections found: no priorities")
        return Selection([])
    for group in groups:
        score_group(group, blocks, full_text)
    # groups that restate each other's items corroborate each other
    for group in groups:
        others = [g for g in groups if g is not group and g.score > 1.0]
        best = max((_overlap(o, group) for o in others), default=0.0)
        group.features["corroboration"] = 0.8 * best
        group.score += 0.8 * best
    groups.sort(key=lambda g: g.score, reverse=True)
    best = groups[0]
    if best.score < MIN_SCORE:
        warnings.append(
            f"no convincing statement of priorities (best candidate list scored {best.score:.1f})"
        )
        return Selection([], candidate_lists(groups, None), 0.0)
    chosen: list[tuple[Candidate, Group]] = [(item, best) for item in best.items]
    restated: dict[int, list[Candidate]] = {}  # best item index -> the same item said elsewhere
    for other in groups[1:]:
        if other.score < best.score - 1.5 or _overlap(best, other) < 0.5:
            continue
        parallel = len(other.items) == len(best.items)
        for position, item in enumerate(other.items):
            match = next(
                (k for k, (c, _) in enumerate(chosen) if same_title(item.title, c.title)), None
            )
            if match is None and parallel:
                # a list restated in the same order (e.g. as section headings) rewords items
                match = position
            if match is None:
                chosen.append((item, other))
            elif match < len(best.items):
                restated.setdefault(match, []).append(item)
    headings = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading"]
    result: list[Detected] = []
    siblings = [item.title for item, _ in chosen]
    for rank, (item, group) in enumerate(chosen):
        heading_index = _matching_heading(item, headings, blocks, restated.get(rank, []))
        pages = {item.page}
        description = ""
        if heading_index is not None:
            pages.update(_section_pages(blocks, heading_index))
            description = _section_text(blocks, heading_index)
        if not description:
            description, passage_pages = describe(blocks, item.title, item.block_index, siblings)
            pages.update(passage_pages)
        if not description and not listing(item.detail, item.title, siblings):
            description = item.detail if len(item.detail) > len(item.title) + 20 else ""
        if not description:
            description = _first_mention(blocks, item)
        score = group.score - (0.3 if group is not best else 0.0) - 0.01 * rank
        detected = Detected(item.title, sorted(pages), description, confidence(score))
        result.append(detected)
        if heading_index is not None:
            subs = _sub_priorities(groups, heading_index, blocks, detected)
            if not subs:  # no numbered sub-sections: sub-fields the section names in its text
                section = blocks[heading_index + 1 : _section_end(blocks, heading_index)]
                subs = [
                    sub
                    for sub in text_sub_priorities(section, detected)
                    if not any(same_title(sub.title, other) for other in siblings)
                ]
            result.extend(subs)
    return Selection(result, candidate_lists(groups, best), confidence(best.score))


def _matching_heading(
    item: Candidate,
    headings: list[tuple[int, Block]],
    blocks: list[Block],
    aliases: list[Candidate],
) -> int | None:
    """The heading that introduces the item's own section (the longest such section)."""
    found = [i for i, _ in headings if i == item.block_index]
    found += [alias.block_index for alias in aliases if blocks[alias.block_index].kind == "heading"]
    found += [i for i, block in headings if same_title(item.title, block.text)]
    if not found:
        return None
    return max(found, key=lambda i: len(_section_text(blocks, i, limit=5000)))


def _section_end(blocks: list[Block], start: int) -> int:
    level = blocks[start].level
    for j in range(start + 1, len(blocks)):
        block = blocks[j]
        if block.kind == "heading" and (level == 0 or 0 < block.level <= level):
            return j
    return len(blocks)


def _section_pages(blocks: list[Block], start: int) -> set[int]:
    return {p for b in blocks[start : _section_end(blocks, start)] for p in b.pages}


def _section_text(blocks: list[Block], start: int, limit: int = 900) -> str:
    parts: list[str] = []
    for block in blocks[start + 1 : _section_end(blocks, start)]:
        if block.kind == "heading":
            if parts:
                break
            continue
        parts.append(block.text)
        if sum(len(p) for p in parts) > limit:
            break
    return _trim(" ".join(parts), limit)


def _first_mention(blocks: list[Block], item: Candidate) -> str:
    """The first paragraph after the statement that talks about the item."""
    needle = item.title.lower()
    for block in blocks[item.block_index + 1 :] + blocks[: item.block_index]:
        if block.kind == "paragraph" and needle in block.text.lower():
            return _trim(block.text, 900)
    return item.detail or item.title


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(". ", 1)[0]
    return cut + "." if len(cut) > limit / 2 else text[:limit].rsplit(" ", 1)[0] + " ..."


def _sub_priorities(
    groups: list[Group], heading_index: int, blocks: list[Block], parent: Detected
) -> list[Detected]:
    subs = []
    for group in groups:
        if group.kind != "headings" or group.parent_index != heading_index:
            continue
        for item in group.items:
            pages = sorted(_section_pages(blocks, item.block_index))
            subs.append(
                Detected(
                    item.title,
                    pages,
                    _section_text(blocks, item.block_index),
                    round(parent.confidence * 0.9, 3),
                    parent=parent.title,
                )
            )
    return subs
