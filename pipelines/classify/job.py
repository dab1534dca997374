"""The classification job: classify stored priorities, store scored labels, route doubt to review.

For every (priority, taxonomy) the model's previous suggestions are retired and the new top-k
stored with probability, rank, model id and version, and rationale. The first of them form the
pair's code set (``pipelines.classify.code_set``: the top code plus each further code likely
enough), marked ``in_set``. Each member passes or fails the routing gate on its own
(``Classifier.gate(prediction, rank=r)``) and is stored ``auto_accepted`` when it passes; if any
member fails, the pair goes to the review queue with its doubt. Pairs that a reviewer already
decided are left alone (people win over models), including a reviewer's "none fits", and codes a
reviewer rejected for this model version are not suggested again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.classifier import Classifier
from models.classifier.results import Evidence, Prediction
from observatory import __version__
from observatory.domain import TAXONOMY_NAMES, LabelCreate, LabelSource, LabelStatus
from observatory.errors import InvalidInput
from observatory.extraction import unreviewed_strategy_ids
from observatory.review import doubt_score, enqueue, none_fits, rejected_codes
from observatory.settings import Settings
from observatory.store import Store
from observatory.store.audit import record_audit
from observatory.store.labels import add_labels, current_labels, retire_labels
from observatory.store.tables import LabelRow, PriorityRow, StrategyRow
from pipelines.classify.code_set import prediction_set

log = logging.getLogger(__name__)

REVIEWED_SOURCES = (LabelSource.REVIEWER.value, LabelSource.IMPORT.value)


@dataclass
class ClassifyReport:
    """Counts of one classification run."""

    priorities: int = 0
    labels: int = 0
    auto_accepted: dict[str, int] = field(default_factory=dict)
    queued: dict[str, int] = field(default_factory=dict)
    kept_reviewed: dict[str, int] = field(default_factory=dict)
    model_id: str = ""
    model_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


def model_version(classifier: Classifier) -> str:
    """Version stamp of the labels: package version plus a digest of the calibration."""
    payload = repr(classifier.calibration).encode()
    return f"{__version__}+{hashlib.sha256(payload).hexdigest()[:8]}"


def priority_text(priority: PriorityRow) -> str:
    """The text a priority is classified and searched by: title, then description."""
    description = (priority.description or "").strip()
    return f"{priority.title}. {description}" if description else priority.title


def select_priorities(
    session: Session,
    *,
    strategy_id: int | None = None,
    since: datetime | None = None,
    priority_ids: Sequence[int] | None = None,
) -> list[PriorityRow]:
    """Priorities of current strategy versions, optionally narrowed."""
    query = (
        select(PriorityRow)
        .join(StrategyRow, PriorityRow.strategy_id == StrategyRow.id)
        .where(StrategyRow.is_current.is_(True))
        .order_by(PriorityRow.id)
    )
    if strategy_id is not None:
        query = query.where(PriorityRow.strategy_id == strategy_id)
    if since is not None:
        query = query.where(PriorityRow.created_at >= since)
    if priority_ids is not None:
        query = query.where(PriorityRow.id.in_(list(priority_ids)))
    return list(session.scalars(query))


def classify_priorities(
    store: Store,
    classifier: Classifier,
    settings: Settings,
    *,
    strategy_id: int | None = None,
    since: datetime | None = None,
    priority_ids: Sequence[int] | None = None,
    taxonomies: Sequence[str] = TAXONOMY_NAMES,
    top_k: int = 5,
    batch_size: int = 256,
    progress: bool = False,
    actor: str = "classifier",
) -> ClassifyReport:
    """Classify the selected priorities and store labels; one transaction per batch."""
    for name in taxonomies:
        if name not in TAXONOMY_NAMES:
            raise InvalidInput(f"unknown taxonomy {name!r}; expected one of {TAXONOMY_NAMES}")
    with store.transaction() as session:
        ids = [
            p.id
            for p in select_priorities(
                session, strategy_id=strategy_id, since=since, priority_ids=priority_ids
            )
        ]
    version = model_version(classifier)

    def accepts(prediction: Prediction, rank: int) -> bool:
        return classifier.gate(
            prediction, settings.auto_accept_probability, settings.auto_accept_margin, rank=rank
        )

    report = ClassifyReport(model_id=classifier.embedder.model_id, model_version=version)
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    if progress:
        from tqdm import tqdm

        batches = tqdm(batches, desc="classifying", unit="batch")
    for batch in batches:
        with store.transaction(write=True) as session:
            rows = select_priorities(session, priority_ids=batch)
            predictions = classifier.classify(
                [priority_text(row) for row in rows],
                taxonomies=list(taxonomies),
                top_k=top_k,
                languages=[row.language for row in rows],
            )
            # priorities of an extraction waiting for review are never auto-accepted
            unsure = unreviewed_strategy_ids(session, [row.strategy_id for row in rows])
            for row, by_taxonomy in zip(rows, predictions, strict=True):
                gate = never if row.strategy_id in unsure else accepts
                for name, prediction in by_taxonomy.items():
                    _store_prediction(session, row, name, prediction, version, gate, report)
                report.priorities += 1
            record_audit(
                session,
                actor=actor,
                action="labels.classify",
                entity_type="batch",
                entity_id=None,
                after={
                    "priorities": [row.id for row in rows],
                    "model_version": version,
                    "model_id": report.model_id,
                },
            )
    return report


def never(_prediction: Prediction, _rank: int) -> bool:
    """The gate of a priority nobody may stand behind yet (its extraction awaits review)."""
    return False


def _store_prediction(
    session: Session,
    priority: PriorityRow,
    taxonomy: str,
    prediction: Prediction,
    version: str,
    accepts: Callable[[Prediction, int], bool],
    report: ClassifyReport,
) -> None:
    in_force = current_labels(session, priority.id, taxonomy)
    reviewed = any(label.source_kind in REVIEWED_SOURCES for label in in_force)
    # a reviewer's "none fits" leaves nothing in force (checked only then: one query fewer)
    if reviewed or (not in_force and none_fits(session, priority.id, taxonomy)):
        report.kept_reviewed[taxonomy] = report.kept_reviewed.get(taxonomy, 0) + 1
        return
    retire_labels(session, in_force)
    refused = rejected_codes(session, priority.id, taxonomy, version)
    codes = [scored for scored in prediction.codes if scored.code not in refused]
    if refused:
        # the crosswalk conflicts still hold: they are about the other taxonomies' top codes
        prediction = dataclasses.replace(prediction, codes=codes)
    members = len(prediction_set(prediction))
    # a pair a reviewer turned codes down for is never accepted again without a person
    passed = {rank for rank in range(1, members + 1) if not refused and accepts(prediction, rank)}
    labels = [
        LabelCreate(
            taxonomy=taxonomy,
            code=scored.code,
            status=LabelStatus.AUTO_ACCEPTED if rank in passed else LabelStatus.SUGGESTED,
            probability=min(max(float(scored.probability), 0.0), 1.0),
            score=float(scored.score),
            rank=rank,
            source_kind=LabelSource.MODEL,
            model_id=prediction.model_id,
            model_version=version,
            taxonomy_version=prediction.taxonomy_version,
            rationale=[evidence_dict(e) for e in scored.rationale[:3]],
            in_set=rank <= members,
        )
        for rank, scored in enumerate(codes, start=1)
    ]
    add_labels(session, priority.id, labels)
    report.labels += len(labels)
    if 1 in passed:
        report.auto_accepted[taxonomy] = report.auto_accepted.get(taxonomy, 0) + 1
    if members and len(passed) == members:
        return
    enqueue(
        session,
        priority.id,
        taxonomy,
        doubt=set_doubt(prediction, members, passed),
        reason="abstain" if prediction.abstained else "gate",
        model_version=version,
    )
    report.queued[taxonomy] = report.queued.get(taxonomy, 0) + 1


def set_doubt(prediction: Prediction, members: int, passed: set[int]) -> float:
    """Doubt of a pair whose set is not all accepted: the top code's (``doubt_score`` of its
    probability and margin) when it failed the gate, else that of the most doubtful further
    member (its probability, no margin: nothing says it belongs beside the top code)."""
    codes = prediction.codes
    if 1 not in passed or not codes:
        top = codes[0].probability if codes else None
        return doubt_score(top, prediction.margin if codes else None)
    return max(
        doubt_score(codes[rank - 1].probability, None)
        for rank in range(2, members + 1)
        if rank not in passed
    )


def evidence_dict(evidence: Evidence) -> dict[str, object]:
    """JSON form of one piece of rationale."""
    return {
        "kind": evidence.kind,
        "text": evidence.text,
        "similarity": round(float(evidence.similarity), 4),
        "source": evidence.source,
    }


def reviewed_codes(
    session: Session, priority_ids: Sequence[int] | None = None
) -> dict[tuple[int, str], list[str]]:
    """Reviewed codes in force per (priority, taxonomy), in rank order."""
    query = (
        select(LabelRow.priority_id, LabelRow.taxonomy, LabelRow.code)
        .where(LabelRow.is_current.is_(True), LabelRow.source_kind.in_(REVIEWED_SOURCES))
        .order_by(LabelRow.priority_id, LabelRow.rank)
    )
    if priority_ids is not None:
        query = query.where(LabelRow.priority_id.in_(list(priority_ids)))
    grouped: dict[tuple[int, str], list[str]] = {}
    for priority_id, taxonomy, code in session.execute(query):
        grouped.setdefault((priority_id, taxonomy), []).append(code)
    return grouped


def seed_examples(store: Store, classifier: Classifier) -> int:
    """Give the classifier every reviewed label in force as a kNN example; returns the count."""
    added = 0
    with store.transaction() as session:
        grouped = reviewed_codes(session)
        texts = {
            p.id: priority_text(p)
            for p in select_priorities(session, priority_ids=[pid for pid, _ in grouped])
        }
    for taxonomy in TAXONOMY_NAMES:
        items = [(pid, codes) for (pid, tax), codes in grouped.items()
                 if tax == taxonomy and pid in texts]  # fmt: skip
        if items:
            classifier.add_examples(
                [texts[pid] for pid, _ in items], taxonomy, [codes for _, codes in items],
                ids=[pid for pid, _ in items],
            )  # fmt: skip
            added += len(items)
    return added


def reviewed_example(store: Store, priority_id: int, taxonomy: str) -> tuple[str, list[str]] | None:
    """The text and reviewed codes in force of one (priority, taxonomy), if any."""
    with store.transaction() as session:
        codes = reviewed_codes(session, [priority_id]).get((priority_id, taxonomy))
        found = select_priorities(session, priority_ids=[priority_id])
        if not codes or not found:
            return None
        return priority_text(found[0]), codes
