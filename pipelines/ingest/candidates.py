"""The candidate lists an extraction considered, for review: each with its page and score.

An extraction picks one candidate list (a group of sibling items: child headings, a bulleted or
numbered list, table cells, run-in headings, text boxes) as the strategy's selection. The
reviewer sees the chosen list and its runners-up, each item with the PDF page it comes from, and
may pick another list. This shape is a stable interface: fields are only ever added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MAX_CANDIDATE_LISTS = 8  # the chosen list and its best runners-up: more is noise to a reviewer
MAX_HEADING_CHARS = 300  # the context shown above a list (its heading or announcing sentence)


@dataclass(frozen=True)
class CandidateItem:
    """One item of a candidate list: its title, the page it is printed on, and its text."""

    title: str
    page: int  # PDF page, counted from 1
    description: str


@dataclass(frozen=True)
class CandidateList:
    """A group of sibling items that might be the strategy's selected priorities."""

    kind: str  # "headings" | "list" | "table" | "runin" | "textbox" | "inline"
    heading: str  # the heading or announcing sentence introducing the list
    page: int  # page of the first item
    score: float  # 0..1: how likely this list is the strategy's selection
    chosen: bool  # whether the extraction took this list
    items: tuple[CandidateItem, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form (items as a list)."""
        data = asdict(self)
        data["items"] = [asdict(item) for item in self.items]
        return data
