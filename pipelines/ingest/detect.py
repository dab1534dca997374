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

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipelines.ingest.cues import cue_scores
from pipelines.ingest.structure import Block

_ENUM_START = re.compile(r"(?:namely|as follows|:|\bare\b|\binclude\b|\bsuch as\b)\s*:?\s*", re.I)
_SPLIT_ITEMS = re.compile(r"\s*(?:;|,|\s\u2022\s)\s*")
_TRAILING = re.compile(r"[\s;,.:·–\-]+$|\s+(?:and|or|und|et|y|e|en|ja|i|a|oraz)$", re.I)
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

    kind: str  # "headings" | "list" | "inline" | "table" | "runin" | "textbox"
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


_RUN_IN = re.compile(
    r"^(?P<title>[^.!?:]{3,120}?[^\s.])[.:]\s+(?P<rest>[A-Z\u00c0-\u017d].{15,})$", re.S
)
MAX_RUN_IN_WORDS = 10  # a run-in heading longer than this is a sentence, not a title


def split_run_in(text: str) -> tuple[str, str] | None:
    """A run-in heading and its text: "Sustainable food systems. The region will ..."."""
    match = _RUN_IN.match(_ROMAN_OR_LETTER.sub("", text.strip()))
    if not match:
        return None
    title = match.group("title").strip()
    if not 1 <= len(title.split()) <= MAX_RUN_IN_WORDS or not title[0].isupper():
        return None
    return title, match.group("rest").strip()


def title_of(text: str) -> str:
    """The title of a heading or item, cutting a run-in heading at its first sentence."""
    split = split_run_in(text)
    return clean_title(split[0] if split else text)


def heading_groups(blocks: list[Block]) -> list[Group]:
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
                children.append(Candidate(title_of(block.text), block.page, j, block.text))
        if len(children) >= 2:
            grand = _ancestor_text(numbered, index)
            context = f"{grand} {parent.text} {following_text(blocks, i, 400)}"
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


def following_text(blocks: list[Block], i: int, limit: int) -> str:
    """The running text after block ``i``, up to the next heading, at most ``limit`` chars."""
    text = ""
    for block in blocks[i + 1 :]:
        if block.kind == "heading" or len(text) > limit:
            break
        text += " " + block.text
    return text[:limit]


def list_groups(blocks: list[Block]) -> list[Group]:
    groups = []
    i = 0
    while i < len(blocks):
        if blocks[i].kind != "item":
            i += 1
            continue
        start = i
        members = []
        while i < len(blocks):
            if blocks[i].kind == "item":
                members.append(i)
                i += 1
            elif _next_number_follows(blocks, members, i):
                i += 1  # a paragraph between numbered items "3." and "4.": the list goes on
            else:
                break
        items = []
        run_in = 0
        for k in members:
            b = blocks[k]
            split = split_run_in(b.text)
            title = clean_title(split[0]) if split else clean_title(b.text)
            run_in += split is not None and len(b.text.split()) > len(title.split()) + 3
            items.append(Candidate(title, b.page, k, b.text))
        intro = _last_sentences(blocks[start - 1].text) if start > 0 else ""
        if start > 1 and blocks[start - 1].kind != "heading":
            heading = next((b.text for b in reversed(blocks[:start]) if b.kind == "heading"), "")
            intro = f"{heading} | {intro}"
        if len(items) >= 2:
            groups.append(Group("runin" if run_in > len(items) / 2 else "list", intro, items))
    return groups


def _next_number_follows(blocks: list[Block], members: list[int], i: int) -> bool:
    """Whether a non-item block sits between item n and item n + 1 of a numbered list."""
    if not members or i + 1 >= len(blocks) or blocks[i].kind != "paragraph":
        return False
    last, following = blocks[members[-1]], blocks[i + 1]
    if following.kind != "item" or not (last.number or "").isdigit():
        return False
    return (following.number or "") == str(int(last.number or "0") + 1)


def _last_sentences(text: str, count: int = 2) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(sentences[-count:])


def inline_groups(blocks: list[Block]) -> list[Group]:
    groups = []
    for index, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", block.text):
            scores = cue_scores(sentence)
            if not scores["selection"] and ": " not in sentence:
                continue  # an enumeration needs a cue or an announcing colon
            for items in _enumerations(sentence):
                candidates = [Candidate(t, block.page, index, sentence) for t in items]
                groups.append(Group("inline", sentence, candidates))
    return groups


MAX_READINGS = 4  # readings of an ambiguous last item ("a and b and c and d") kept as candidates


def _enumerations(sentence: str) -> list[list[str]]:
    """Items of 'X, Y, Z and W' after the last announcing word of a sentence.

    Where the last part holds several conjunctions ("..., water and health and life sciences")
    the text alone cannot tell where the last item starts: every reading is a candidate, and
    the scoring (recurrence of the items elsewhere) chooses.
    """
    starts = list(_ENUM_START.finditer(sentence))
    if not starts:
        return []
    announced = ":" in starts[-1].group(0)
    tail = sentence[starts[-1].end() :].rstrip(" .")
    # the list ends where the sentence goes on ("... and W. These clusters ...")
    tail = re.split(r"\.\s", tail)[0]
    parts = [p for p in _SPLIT_ITEMS.split(tail) if p.strip()]
    if len(parts) < 2:
        return []
    last = parts[-1]
    cuts = list(re.finditer(r"\s(?:and|&|und|et|y|e|en|ja|i|a|oraz)\s", last))
    readings = [parts]
    if cuts:
        readings = [
            [*parts[:-1], last[: cut.start()], last[cut.end() :]]
            for cut in reversed(cuts[-MAX_READINGS:])
        ]
    result = []
    for reading in readings:
        titles = [clean_title(p) for p in reading]
        if any(not t or len(t.split()) > 8 for t in titles):
            continue
        if not announced and not all(t[0].isupper() for t in titles):
            continue  # lower-case items need an announcing colon ("namely: a, b and c")
        if len(titles) >= 2:
            result.append(titles)
    return result


MATCH = 88  # fuzzy score at which two titles name the same priority


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
