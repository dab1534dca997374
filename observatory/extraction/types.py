"""Types of the extraction review: statuses, candidate lists as stored, reviewed items, views."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ExtractionStatus(StrEnum):
    """Whether a person checked the priorities that a strategy's extraction selected."""

    NONE = "none"  # typed or imported priorities: nothing was extracted
    AUTOMATIC = "automatic"  # extraction confident enough; not reviewed
    PENDING = "pending"  # waits in the extraction review queue
    REVIEWED = "reviewed"  # a reviewer decided the list

    @property
    def unreviewed(self) -> bool:
        """Whether the priorities are shown as unreviewed and their tags kept from auto-accept."""
        return self is ExtractionStatus.PENDING


@dataclass(frozen=True)
class CandidateItemIn:
    """One item of a candidate list: title, the PDF page (from 1) it is printed on, its text."""

    title: str
    page: int | None
    description: str = ""


@dataclass(frozen=True)
class CandidateListIn:
    """A candidate list as the extraction hands it to the store (the pipeline's CandidateList)."""

    kind: str
    heading: str
    page: int | None
    score: float
    chosen: bool
    items: tuple[CandidateItemIn, ...]


@dataclass(frozen=True)
class StoredCandidateList(CandidateListIn):
    """A stored candidate list, with its position (0 = first shown) in the strategy version."""

    position: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


@dataclass(frozen=True)
class ReviewedItem:
    """A priority of the reviewed list.

    ``priority_id`` names the stored priority it continues (kept with its tags when its text is
    unchanged); ``merged_ids`` the stored priorities folded into it. New items have neither.
    """

    title: str
    description: str = ""
    pages: tuple[int, ...] = ()
    parent: str | None = None
    priority_id: int | None = None
    merged_ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form (what the audit trail and the re-ingest memory keep)."""
        return {
            "title": self.title,
            "description": self.description,
            "pages": list(self.pages),
            "parent": self.parent,
            "priority_id": self.priority_id,
            "merged_ids": list(self.merged_ids),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewedItem:
        """Inverse of ``to_dict``."""
        return cls(
            title=str(data["title"]),
            description=str(data.get("description") or ""),
            pages=tuple(int(p) for p in data.get("pages") or ()),
            parent=data.get("parent"),
            priority_id=data.get("priority_id"),
            merged_ids=tuple(int(i) for i in data.get("merged_ids") or ()),
        )


@dataclass(frozen=True)
class QueueEntry:
    """A strategy waiting in the extraction review queue."""

    strategy_id: int
    title: str
    region: str | None
    nuts_code: str | None
    country: str | None
    confidence: float | None
    priorities: int
    candidate_lists: int
    reason: str  # "confidence" (below the threshold) or "request"
    since: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["since"] = self.since.isoformat()
        return data


@dataclass(frozen=True)
class ReviewEvent:
    """A request for, or a decision of, a strategy's extraction review."""

    id: int
    action: str
    actor: str
    at: datetime
    chosen_position: int | None
    items: tuple[dict[str, Any], ...]
    comment: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["at"] = self.at.isoformat()
        data["items"] = list(self.items)
        return data


@dataclass(frozen=True)
class DecisionOutcome:
    """What an extraction review decision did."""

    strategy_id: int  # the new, reviewed version
    previous_id: int
    kept: tuple[int, ...]  # stored priorities carried over with their tags (old ids)
    renamed: tuple[tuple[str, str], ...]  # (before, after) titles
    added: tuple[str, ...]
    removed: tuple[str, ...]
    merged: tuple[tuple[str, str], ...]  # (merged away, into)
    priority_ids: tuple[int, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "strategy_id": self.strategy_id,
            "previous_id": self.previous_id,
            "kept": list(self.kept),
            "renamed": [list(pair) for pair in self.renamed],
            "added": list(self.added),
            "removed": list(self.removed),
            "merged": [list(pair) for pair in self.merged],
            "priority_ids": list(self.priority_ids),
        }
