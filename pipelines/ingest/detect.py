"""Priority detection: candidate groups from structure, scored by cues and support.

A strategy states its selection as a group of sibling items: the child headings of a section
("4.1 Priority areas" -> 4.1.1 ... 4.1.5), a list after an announcing sentence ("These focus
points are:"), or an enumeration inside one sentence ("five key clusters were identified,
namely: A, B, C and D"). Every such group in the document is a candidate; each is scored by the
cue phrases around it (selection vs analysis vs horizontal themes), the shape of its items, and
how often its items recur elsewhere (as headings or in the text). The best group is the
selection; child headings of its items are sub-priorities.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipelines.ingest.cues import cue_scores
from pipelines.ingest.structure import Block

_ENUM_START = re.compile(r"(?:namely|as follows|:|\bare\b|\binclude\b|\bsuch as\b)\s*:?\s*", re.I)
_SPLIT_ITEMS = re.compile(r"\s*(?:;|,|\s\u2022\s)\s*")
_TRAILING = re.compile(r"[\s;,.:·–\-]+$|\s+(?:and|or|und|et|y|e|en|ja|i|oraz)$", re.I)
_ROMAN_OR_LETTER = re.compile(r"^\(?(?:[ivx]{1,4}|[a-h])\)\s*")


@dataclass
class Candidate:
    """One candidate priority inside a group."""

    title: str
    page: int
    block_index: int
    detail: str = ""


@dataclass
class Group:
    """Sibling candidates stated together, with the context that introduces them."""

    kind: str  # "headings" | "list" | "inline"
    context: str
    items: list[Candidate]
    parent_index: int | None = None  # the heading whose children these are
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)


@dataclass
class Detected:
    """A selected priority, with where it is described and its sub-priorities."""

    title: str
    pages: list[int]
    description: str
    confidence: float
    parent: str | None = None


def normalise(title: str) -> str:
    """Lower-case, strip numbering, punctuation and articles for matching titles."""
    text = _ROMAN_OR_LETTER.sub("", title.lower())
    text = re.sub(r"^[\d.]+\s*", "", text)
    text = re.sub(r"[^\w\s&]", " ", text)
    text = re.sub(r"\b(?:the|a|an|of|and|in|for|sector|cluster)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def clean_title(text: str) -> str:
    """A list item or heading cut down to a title (no trailing punctuation or definition)."""
    text = _ROMAN_OR_LETTER.sub("", text.strip())
    for separator in (": ", " – ", " — ", " - "):
        head, sep, _ = text.partition(separator)
        if sep and 1 <= len(head.split()) <= 12:
            text = head
            break
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING.sub("", text).strip()
    return text


def candidate_groups(blocks: list[Block]) -> list[Group]:
    """All sibling groups in the document: child headings, lists and inline enumerations."""
    return _heading_groups(blocks) + _list_groups(blocks) + _inline_groups(blocks)


def _heading_groups(blocks: list[Block]) -> list[Group]:
    groups = []
    numbered = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading" and b.number]
    for index, (i, parent) in enumerate(numbered):
        prefix = parent.number.rstrip(".") + "."
        children = []
        for j, block in numbered[index + 1 :]:
            number = block.number.rstrip(".")
            if not number.startswith(prefix):
                if number.count(".") <= parent.number.count("."):
                    break
                continue
            if number.count(".") == prefix.count("."):
                children.append(Candidate(clean_title(block.text), block.page, j))
        if len(children) >= 2:
            grand = _ancestor_text(numbered, index)
            context = f"{grand} {parent.text} {_following_text(blocks, i, 400)}"
            groups.append(Group("headings", context, children, parent_index=i))
    return groups


def _ancestor_text(numbered: list[tuple[int, Block]], index: int) -> str:
    parent = numbered[index][1].number.rstrip(".")
    if "." not in parent:
        return ""
    top = parent.rsplit(".", 1)[0]
    for _, block in reversed(numbered[:index]):
        if block.number.rstrip(".") == top:
            return block.text
    return ""


def _following_text(blocks: list[Block], i: int, limit: int) -> str:
    text = ""
    for block in blocks[i + 1 :]:
        if block.kind == "heading" or len(text) > limit:
            break
        text += " " + block.text
    return text[:limit]


def _list_groups(blocks: list[Block]) -> list[Group]:
    groups = []
    i = 0
    while i < len(blocks):
        if blocks[i].kind != "item":
            i += 1
            continue
        start = i
        while i < len(blocks) and blocks[i].kind == "item":
            i += 1
        items = [
            Candidate(clean_title(b.text), b.page, k, b.text)
            for k, b in enumerate(blocks[start:i], start=start)
        ]
        intro = _last_sentences(blocks[start - 1].text) if start > 0 else ""
        if start > 1 and blocks[start - 1].kind != "heading":
            heading = next((b.text for b in reversed(blocks[:start]) if b.kind == "heading"), "")
            intro = f"{heading} | {intro}"
        if len(items) >= 2:
            groups.append(Group("list", intro, items))
    return groups


def _last_sentences(text: str, count: int = 2) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(sentences[-count:])


def _inline_groups(blocks: list[Block]) -> list[Group]:
    groups = []
    for index, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", block.text):
            scores = cue_scores(sentence)
            if not scores["selection"]:
                continue
            items = _enumeration(sentence)
            if len(items) >= 2:
                candidates = [Candidate(t, block.page, index, sentence) for t in items]
                groups.append(Group("inline", sentence, candidates))
    return groups


def _enumeration(sentence: str) -> list[str]:
    """Items of 'X, Y, Z and W' after the last announcing word of a sentence."""
    starts = list(_ENUM_START.finditer(sentence))
    if not starts:
        return []
    tail = sentence[starts[-1].end() :].rstrip(" .")
    # the list ends where the sentence goes on ("... and W. These clusters ...")
    tail = re.split(r"\.\s", tail)[0]
    parts = [p for p in _SPLIT_ITEMS.split(tail) if p.strip()]
    if len(parts) < 2:
        return []
    last = parts[-1]
    # only the final conjunction separates list items: "A, B and C and D" -> "A, B and C", "D"
    match = list(re.finditer(r"\s(?:and|&|und|et|y|e|en|ja|i|oraz)\s", last))
    if match:
        cut = match[-1]
        parts[-1:] = [last[: cut.start()], last[cut.end() :]]
    titles = [clean_title(p) for p in parts]
    if any(not t or len(t.split()) > 8 or not t[0].isupper() for t in titles):
        return []
    return titles


def score_group(group: Group, blocks: list[Block], full_text: str) -> None:
    """Score a group: cues in its context, item shape and how often its items recur."""
    cues = cue_scores(group.context)
    words = [len(item.title.split()) for item in group.items]
    mean_words = sum(words) / len(words)
    headings = [normalise(b.text) for b in blocks if b.kind == "heading"]
    support = 0.0
    lowered = full_text.lower()
    for item in group.items:
        key = normalise(item.title)
        if not key:
            continue
        as_heading = any(
            fuzz.token_set_ratio(key, h) >= 90 and abs(len(key) - len(h)) < 25 for h in headings
        )
        mentions = lowered.count(item.title.lower())
        support += 0.6 * as_heading + min(mentions, 6) / 6
    support /= len(group.items)
    shape = 0.6 if mean_words <= 7 else (-0.8 if mean_words > 12 else 0.0)
    size = 0.4 if 2 <= len(group.items) <= 10 else -0.6
    verbs = 1.0 if cues["verb"] else 0.0
    features = {
        "selection": min(cues["selection"], 2) * 1.2,
        "verb": verbs,
        "analysis": -min(cues["analysis"], 2) * 0.8,
        "horizontal": -min(cues["horizontal"], 2) * 0.8,
        "shape": shape,
        "size": size,
        "support": 1.5 * support,
        "structure": 0.4 if group.kind == "headings" else 0.0,
        "sentences": -1.5
        if any(t.title.endswith(".") or len(t.title.split()) > 14 for t in group.items)
        else 0.0,
    }
    group.features = features
    group.score = sum(features.values())


def confidence(score: float) -> float:
    """Map a group score onto 0..1."""
    return round(1.0 / (1.0 + math.exp(-(score - 2.0))), 3)
