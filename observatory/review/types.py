"""Typed values the review service takes and returns (dataclasses that serialise cleanly)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class TaskStatus(StrEnum):
    """Life of a review task. A claim is not a status: it is ``claimed_by`` plus a lease."""

    OPEN = "open"
    ADJUDICATION = "adjudication"
    CLOSED = "closed"


class Action(StrEnum):
    """What a reviewer can do with a task."""

    ACCEPT = "accept"
    REJECT = "reject"
    CORRECT = "correct"
    SET = "set"  # a verdict on each member of the code set, codes added, or "none fits"
    SKIP = "skip"
    UNDO = "undo"


class Verdict(StrEnum):
    """A reviewer's verdict on one member of a task's code set."""

    ACCEPT = "accept"
    REJECT = "reject"


# called after a decision is committed with (priority_id, taxonomy, codes, text)
ConfirmedListener = Callable[[int, str, list[str], str], None]
# (priority id, taxonomy) whose reviewed labels an undo just changed
UndoneListener = Callable[[int, str], None]


@dataclass(frozen=True)
class QueueFilters:
    """Which part of the queue to look at; every field is optional."""

    taxonomy: str | None = None
    country: str | None = None
    nuts_prefix: str | None = None
    strategy_id: int | None = None
    code: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """One of the labels in force for a task: a member of its code set (``in_set``) or a
    further suggestion, with its own probability and status."""

    code: str
    rank: int | None
    probability: float | None
    model_version: str | None
    status: str = "suggested"
    in_set: bool = True


@dataclass(frozen=True)
class QueueItem:
    """A task as listed in the queue."""

    task_id: int
    priority_id: int
    taxonomy: str
    status: str
    reason: str
    doubt: float
    required_reviews: int
    decisions: int
    claimed_by: str | None
    country: str | None
    nuts_code: str | None
    title: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class ClaimedTask:
    """A task handed to one reviewer until ``lease_expires_at``."""

    task_id: int
    priority_id: int
    taxonomy: str
    status: str
    reason: str
    doubt: float
    title: str
    description: str
    language: str | None
    country: str | None
    nuts_code: str | None
    suggestions: list[Suggestion]
    current_codes: list[str]
    lease_expires_at: datetime
    version: int
    # the members of the code set, best first: each gets its own verdict (Action.SET)
    code_set: list[Suggestion] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["lease_expires_at"] = self.lease_expires_at.isoformat()
        return data


@dataclass(frozen=True)
class DecisionResult:
    """What a decision (or an undo) did."""

    decision_id: int
    task_id: int
    priority_id: int
    taxonomy: str
    action: str
    codes: list[str]
    task_status: str
    settled: bool
    confirmed_codes: list[str] = field(default_factory=list)
    rejected_codes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class BulkResult:
    """Tasks a bulk accept would touch (dry run) or did touch."""

    count: int
    task_ids: list[int]
    dry_run: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class HistoryEntry:
    """One event in a priority's history: a label added or retired, a decision, an audit."""

    at: datetime
    kind: str
    actor: str | None
    action: str
    taxonomy: str | None
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back naive; every timestamp in the store is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
