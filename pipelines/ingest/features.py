"""Features of a candidate group, for the fitted scoring in ``scoring``.

Two kinds:
- layout and text features, cheap, for every group: cue phrases around it (several languages,
  ``cues``), its kind, size, item shape, where it sits in the document, how often its items
  recur as headings or in the text, whether its items have sub-sections;
- reading features, for the best groups only (they need the multilingual embedder): how much
  its items read like thematic domains (near NACE divisions and the industrial ecosystems)
  rather than objectives or instruments, how alike the siblings are, and whether the sentence
  introducing them reads like a statement of selected priorities.
No feature names a document; the weights are fitted (``pipelines/ingest/fit.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipelines.ingest.cues import ANALYSIS, HORIZONTAL, cue_scores
from pipelines.ingest.detect import Group, normalise
from pipelines.ingest.structure import Block, body_size_of_blocks

KINDS = ("headings", "list", "runin", "table", "textbox", "inline")
CHEAP_FEATURES = (
    "selection_cue",
    "verb_cue",
    "analysis_cue",
    "horizontal_cue",
    "item_cue",
    "log_size",
    "size_3_to_10",
    "mean_words",
    "sentences",
    "position",
    "recurrence",
    "as_heading",
    "corroboration",
    "has_children",
    "relative_size",
    "lowercase_start",
    *(f"kind_{kind}" for kind in KINDS),
)
READING_FEATURES = ("domain_mean", "domain_min", "coherence", "intro_selection")
MAX_MENTIONS = 6  # recurrence saturates: a domain named six times is as supported as sixty
HEADING_MATCH = 90  # fuzzy score at which an item and a heading name the same thing


@dataclass(frozen=True)
class DocumentView:
    """What every group's features read from the document, computed once."""

    blocks: list[Block]
    headings: tuple[str, ...]
    lowered_text: str
    body: float
    parents: frozenset[int]  # block indexes of headings that have a sub-heading group


def document_view(blocks: list[Block], groups: list[Group]) -> DocumentView:
    """Precompute the document-wide lookups of the cheap features."""
    return DocumentView(
        blocks=blocks,
        headings=tuple(normalise(b.text) for b in blocks if b.kind == "heading"),
        lowered_text="\n".join(b.text for b in blocks).lower(),
        body=body_size_of_blocks(blocks),
        parents=frozenset(g.parent_index for g in groups if g.parent_index is not None),
    )


def _recurrence(group: Group, view: DocumentView) -> tuple[float, float]:
    mentions = heading = 0.0
    for item in group.items:
        key = normalise(item.title)
        if not key:
            continue
        heading += any(
            fuzz.token_set_ratio(key, h) >= HEADING_MATCH and abs(len(key) - len(h)) < 25
            for h in view.headings
        )
        mentions += min(view.lowered_text.count(item.title.lower()), MAX_MENTIONS) / MAX_MENTIONS
    return mentions / len(group.items), heading / len(group.items)


def cheap_features(group: Group, view: DocumentView) -> dict[str, float]:
    """Layout and text features of one group (``corroboration`` is filled in afterwards)."""
    cues = cue_scores(group.context)
    words = [len(item.title.split()) for item in group.items]
    size = len(group.items)
    recurrence, as_heading = _recurrence(group, view)
    item_cue = sum(
        1 for item in group.items if HORIZONTAL.search(item.title) or ANALYSIS.search(item.title)
    )
    blocks = view.blocks
    sizes = [blocks[item.block_index].size for item in group.items]
    features = {
        "selection_cue": min(cues["selection"], 2),
        "verb_cue": min(cues["verb"], 2),
        "analysis_cue": min(cues["analysis"], 2),
        "horizontal_cue": min(cues["horizontal"], 2),
        "item_cue": item_cue / size,
        "log_size": math.log(size),
        "size_3_to_10": float(3 <= size <= 10),
        "mean_words": min(sum(words) / size, 15) / 10,
        "sentences": sum(
            1 for item in group.items if item.title.endswith(".") or len(item.title.split()) > 14
        )
        / size,
        "position": group.items[0].block_index / max(1, len(blocks)),
        "recurrence": recurrence,
        "as_heading": as_heading,
        "corroboration": 0.0,
        "has_children": sum(1 for item in group.items if item.block_index in view.parents) / size,
        "relative_size": min(sum(sizes) / size / view.body, 2.0) - 1.0,
        # fragments of wrapped figure labels start mid-phrase ("and growth", "of the sea")
        "lowercase_start": sum(1 for item in group.items if item.title[:1].islower()) / size,
    }
    for kind in KINDS:
        features[f"kind_{kind}"] = float(group.kind == kind)
    return features
