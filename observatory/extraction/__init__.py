"""The extraction review: candidate lists of each strategy version, the queue of extractions
that wait for a person, and the decisions that turn a reviewed list into the strategy's next
version (see ``queue`` and ``decide``)."""

from observatory.extraction.decide import decide
from observatory.extraction.queue import (
    candidate_lists,
    list_queue,
    queue_count,
    record_extraction,
    request_review,
    review_events,
    reviewed_list,
    unreviewed_strategy_ids,
)
from observatory.extraction.types import (
    CandidateItemIn,
    CandidateListIn,
    DecisionOutcome,
    ExtractionStatus,
    QueueEntry,
    ReviewedItem,
    StoredCandidateList,
)

__all__ = [
    "CandidateItemIn",
    "CandidateListIn",
    "DecisionOutcome",
    "ExtractionStatus",
    "QueueEntry",
    "ReviewedItem",
    "StoredCandidateList",
    "candidate_lists",
    "decide",
    "list_queue",
    "queue_count",
    "record_extraction",
    "request_review",
    "review_events",
    "reviewed_list",
    "unreviewed_strategy_ids",
]
