"""The human review queue: reviewers validate and correct the AI tags, with roles, double
review, agreement figures and a full audit trail.

Functions taking a ``Session`` work in the caller's transaction; functions taking a ``Store``
open their own (write) transaction. ``ReviewService`` bundles a store with the ``on_confirmed``
listeners (for example the API layer's hook that adds kNN examples to the running classifier;
the core never imports ``models``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from observatory.review.agreement import (
    Agreement,
    agreement,
    cohen_kappa,
    krippendorff_alpha_nominal,
)
from observatory.review.bulk import bulk_accept
from observatory.review.claims import claim_next, describe_task, held_task, release
from observatory.review.code_sets import SetDecision, none_fits
from observatory.review.codes import validate_codes
from observatory.review.decisions import decide, undo_last
from observatory.review.export import export_gold, gold_rows, history
from observatory.review.figures import model_precision, queue_stats, reviewer_stats
from observatory.review.outcome import rejected_codes
from observatory.review.queue import doubt_score, enqueue, flag, list_queue, queue_size
from observatory.review.types import (
    Action,
    BulkResult,
    ClaimedTask,
    ConfirmedListener,
    DecisionResult,
    HistoryEntry,
    QueueFilters,
    QueueItem,
    Suggestion,
    TaskStatus,
    UndoneListener,
    Verdict,
)
from observatory.store.database import Store
from observatory.users import Identity

log = logging.getLogger(__name__)

__all__ = [
    "Action",
    "Agreement",
    "BulkResult",
    "ClaimedTask",
    "ConfirmedListener",
    "DecisionResult",
    "HistoryEntry",
    "QueueFilters",
    "QueueItem",
    "ReviewService",
    "SetDecision",
    "Suggestion",
    "TaskStatus",
    "UndoneListener",
    "Verdict",
    "agreement",
    "bulk_accept",
    "claim_next",
    "cohen_kappa",
    "decide",
    "describe_task",
    "doubt_score",
    "enqueue",
    "export_gold",
    "flag",
    "gold_rows",
    "held_task",
    "history",
    "krippendorff_alpha_nominal",
    "list_queue",
    "model_precision",
    "none_fits",
    "queue_size",
    "queue_stats",
    "rejected_codes",
    "release",
    "reviewer_stats",
    "undo_last",
    "validate_codes",
]


@dataclass
class ReviewService:
    """The store-level review operations with the ``on_confirmed`` listeners attached."""

    store: Store
    on_confirmed: list[ConfirmedListener] = field(default_factory=list)
    on_undone: list[UndoneListener] = field(default_factory=list)

    def claim_next(
        self,
        reviewer: Identity,
        filters: QueueFilters | None = None,
        *,
        now: datetime | None = None,
    ) -> ClaimedTask | None:
        """See ``claim_next``."""
        return claim_next(self.store, reviewer, filters, now=now)

    def held(self, reviewer: Identity, *, now: datetime | None = None) -> ClaimedTask | None:
        """See ``held_task``: the reviewer's task in hand, claiming nothing."""
        return held_task(self.store, reviewer, now=now)

    def decide(
        self,
        task_id: int,
        reviewer: Identity,
        action: Action | str,
        codes: Sequence[str] | None = None,
        comment: str | None = None,
        *,
        now: datetime | None = None,
        code_set: SetDecision | None = None,
    ) -> DecisionResult:
        """See ``decide``; confirmed labels go to ``on_confirmed``."""
        return decide(
            self.store,
            task_id,
            reviewer,
            action,
            codes,
            comment,
            listeners=self.on_confirmed,
            now=now,
            code_set=code_set,
        )

    def undo_last(self, reviewer: Identity, *, now: datetime | None = None) -> DecisionResult:
        """See ``undo_last``; the undone (priority, taxonomy) goes to ``on_undone``."""
        result = undo_last(self.store, reviewer, now=now)
        for listener in self.on_undone:
            try:
                listener(result.priority_id, result.taxonomy)
            except Exception:
                log.exception("on_undone listener %r failed", listener)
        return result

    def bulk_accept(
        self,
        actor: Identity,
        filters: QueueFilters | None,
        min_probability: float,
        dry_run: bool = True,
    ) -> BulkResult:
        """See ``bulk_accept``; confirmed labels go to ``on_confirmed``."""
        return bulk_accept(
            self.store, actor, filters, min_probability, dry_run, listeners=self.on_confirmed
        )
