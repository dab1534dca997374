"""Sub-priorities stated in the text of a selected domain's section.

Numbered sub-sections are found from the heading structure (see ``select``). Many strategies
instead name a domain's sub-fields in its text: "... will target two fields: A and (ii) B", or
an announcing sentence followed by a bullet list. Only statements with a selection cue are read,
and lists of measures, objectives or other horizontal themes are skipped, so that top-level
precision does not pay for them.
"""

from __future__ import annotations

import re

from pipelines.ingest.cues import cue_scores
from pipelines.ingest.detect import Detected, clean_title
from pipelines.ingest.structure import Block

_MARKER = re.compile(r"\(?\b(?:[ivx]{1,4}|[a-h]|\d)\)\s*")
_ANNOUNCE = re.compile(r"(?::|\bnamely\b|\bas follows\b)\s*", re.I)
_FINAL_AND = re.compile(
    r"\s(?:and|&|und|et|y|e|en|ja|i|oraz)\s(?=\(?\b(?:[ivx]{1,4}|[a-h])\))|"
    r"\s(?:and|und|et|y|e|en|ja|i|oraz)\s"
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
MAX_WORDS = 8


def _stated_count(intro: str) -> int | None:
    """The number an announcing phrase gives ("two fields", "3 areas"), if any."""
    match = re.search(r"\b(two|three|four|five|six|seven|eight|[2-8])\s+\w+\s*$", intro, re.I)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _COUNTS[word]


def _valid(titles: list[str]) -> bool:
    return len(titles) >= 2 and all(
        t and len(t.split()) <= MAX_WORDS and t[0].isupper() for t in titles
    )


def inline_items(sentence: str) -> list[str]:
    """Items announced inside a sentence after a colon or 'namely' ("A, B and (ii) C")."""
    starts = list(_ANNOUNCE.finditer(sentence))
    if not starts:
        return []
    intro, tail = sentence[: starts[-1].start()], sentence[starts[-1].end() :].rstrip(" .")
    parts = [p for p in re.split(r"\s*[;,]\s*", tail) if p.strip()]
    last = parts.pop() if parts else ""
    conjunctions = list(_FINAL_AND.finditer(last))
    if conjunctions:
        cut = conjunctions[-1]
        parts += [last[: cut.start()], last[cut.end() :]]
    else:
        parts.append(last)
    titles = [clean_title(_MARKER.sub("", p, count=1)) for p in parts]
    expected = _stated_count(intro)
    if not _valid(titles) or (expected is not None and expected != len(titles)):
        return []
    return titles


# "will target two specialist fields", "focuses on three niches": a domain naming its sub-fields
_SUB_CUE = re.compile(
    r"\b(?:target\w*|focus\w*|concentrat\w+|speciali[sz]\w+|priorit\w+|selected|chosen)\b"
    r"[^.:;]{0,40}\b(?:fields?|areas?|domains?|sub-?sectors?|niches|segments|themes?|markets|"
    r"activities|lines)\b",
    re.I,
)


def _announces(text: str) -> bool:
    cues = cue_scores(text)
    return bool(cues["selection"] or _SUB_CUE.search(text)) and not cues["horizontal"]


def text_sub_priorities(section: list[Block], parent: Detected) -> list[Detected]:
    """Sub-priorities a domain's own section states in its text (sentences or bullet lists)."""
    found: list[tuple[str, list[int], str]] = []
    for position, block in enumerate(section):
        if block.kind == "paragraph":
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", block.text):
                if _announces(sentence):
                    found += [(t, block.pages, sentence) for t in inline_items(sentence)]
            if block.text.rstrip().endswith(":") and _announces(block.text[-300:]):
                items = []
                for following in section[position + 1 :]:
                    if following.kind != "item":
                        break
                    items.append(following)
                titles = [clean_title(b.text) for b in items]
                if _valid(titles):
                    found += [(t, b.pages, b.text) for t, b in zip(titles, items, strict=True)]
    seen: set[str] = set()
    subs = []
    for title, pages, passage in found:
        if title.lower() in seen or title.lower() == parent.title.lower():
            continue
        seen.add(title.lower())
        subs.append(
            Detected(title, list(pages), passage, round(parent.confidence * 0.85, 3), parent.title)
        )
    return subs
