"""From scored candidate groups to the selected priorities, their hierarchy and descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.ingest.candidate_groups import candidate_groups
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
    normalise,
    same_title,
)
from pipelines.ingest.scoring import GroupScorer, load_scorer, probability, score_groups
from pipelines.ingest.structure import Block
from pipelines.ingest.subpriorities import text_sub_priorities

# below this no group is worth reporting; between it and DOUBTFUL the best list is reported
# with its low confidence, so that the extraction review (not silence) settles it
MIN_PROBABILITY = 0.01
DOUBTFUL = 0.5  # the fitted model's decision boundary
RESTATED_MARGIN = 1.5  # log-odds: a list restating the chosen one within this adds its items
RIVAL_OVERLAP = 0.5  # a rival list shares less than this with the chosen one


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
                score=round(probability(group.score), 3),
                chosen=group is best,
                items=items,
            )
        )
    return result


def _without_template_sections(detected: list[Detected]) -> list[Detected]:
    """Drop sub-sections every domain repeats ("Challenges", "Current strengths").

    A sub-heading named alike under two or more priorities is the document's template for
    describing a priority, not a sub-priority of one.
    """
    parents: dict[str, set[str]] = {}
    for item in detected:
        if item.parent is not None:
            parents.setdefault(normalise(item.title), set()).add(item.parent)
    return [d for d in detected if d.parent is None or len(parents[normalise(d.title)]) < 2]


def _stated_pages(best: Group, others: list[Group]) -> dict[int, set[int]]:
    """Pages of the other lists restating the chosen one (a summary list, the chapter's
    headings), per chosen item: whatever their score, the priority is stated there too."""
    pages: dict[int, set[int]] = {}
    for other in others:
        if _overlap(best, other) < RIVAL_OVERLAP:
            continue
        parallel = len(other.items) == len(best.items)
        for position, item in enumerate(other.items):
            match = next(
                (k for k, c in enumerate(best.items) if same_title(item.title, c.title)),
                position if parallel else None,
            )
            if match is not None:
                pages.setdefault(match, set()).add(item.page)
    return pages


def extraction_confidence(groups: list[Group]) -> float:
    """How sure the choice is: the best list's probability, less a close rival's.

    A rival is a list sharing under half its items with the chosen one; when both look like a
    selection, the extraction is doubtful whatever the best one's own probability.
    """
    best = groups[0]
    rival = max(
        (probability(g.score) for g in groups[1:] if _overlap(best, g) < RIVAL_OVERLAP),
        default=0.0,
    )
    return round(max(0.0, probability(best.score) - 0.5 * rival), 3)


def _overlap(group: Group, other: Group) -> float:
    hits = sum(
        1 for item in other.items if any(same_title(item.title, c.title) for c in group.items)
    )
    return hits / len(other.items)


def select_priorities(
    blocks: list[Block], warnings: list[str], scorer: GroupScorer | None = None
) -> Selection:
    """Detect the strategy's selected priorities (sub-priorities carry their parent's title)."""
    groups = candidate_groups(blocks)
    if not groups:
        warnings.append("no lists, enumerations or numbered sections found: no priorities")
        return Selection([])
    groups = score_groups(groups, blocks, scorer or load_scorer())
    best = groups[0]
    if probability(best.score) < MIN_PROBABILITY:
        warnings.append(
            "no convincing statement of priorities "
            f"(best candidate list scored {probability(best.score):.2f})"
        )
        return Selection([], candidate_lists(groups, None), 0.0)
    if probability(best.score) < DOUBTFUL:
        warnings.append(
            f"doubtful statement of priorities (best candidate list scored "
            f"{probability(best.score):.2f}): review the extraction"
        )
    chosen: list[tuple[Candidate, Group]] = [(item, best) for item in best.items]
    restated: dict[int, list[Candidate]] = {}  # best item index -> the same item said elsewhere
    for other in groups[1:]:
        if other.score < best.score - RESTATED_MARGIN or _overlap(best, other) < 0.5:
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
    stated = _stated_pages(best, groups[1:])
    headings = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading"]
    result: list[Detected] = []
    siblings = [item.title for item, _ in chosen]
    for rank, (item, group) in enumerate(chosen):
        heading_index = _matching_heading(item, headings, blocks, restated.get(rank, []))
        # the pages where the list states the priority, and where it is restated or described
        pages = {item.page, *(alias.page for alias in restated.get(rank, []))}
        pages.update(stated.get(rank, set()))
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
        score = probability(group.score) * (1.0 if group is best else 0.9) - 0.001 * rank
        detected = Detected(item.title, sorted(pages), description, round(max(score, 0.0), 3))
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
    result = _without_template_sections(result)
    return Selection(result, candidate_lists(groups, best), extraction_confidence(groups))


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
