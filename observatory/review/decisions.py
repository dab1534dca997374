"""Decisions on review tasks: accept, reject, correct, skip, and undoing one's last decision.

Every decision is one append-only ``review_decisions`` row plus one ``audit_log`` record (who,
when, which task, before, after, comment), written in the same transaction as the label
changes, so a crash leaves either all of it or none. With ``required_reviews`` = N a task
settles once N distinct reviewers agree; if they disagree it goes to adjudication, where one
adjudicator's (or admin's) decision settles it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from observatory.errors import Conflict, Forbidden, InvalidInput, NotFound
from observatory.review.claims import (
    ADJUDICATING_ROLES,
    DECIDING_ROLES,
    holds_live_claim,
    is_claimed_by_other,
    lease_seconds,
    release_held,
)
from observatory.review.code_sets import SetDecision, audit_verdicts, set_outcome
from observatory.review.codes import validate_codes
from observatory.review.outcome import LabelChanges, apply_outcome, revert_outcome
from observatory.review.queue import active_decisions, doubt_score, suggestions
from observatory.review.types import (
    Action,
    ConfirmedListener,
    DecisionResult,
    Suggestion,
    TaskStatus,
)
from observatory.store.audit import record_audit
from observatory.store.database import Store
from observatory.store.strategies import get_priority
from observatory.store.tables import AuditRow, ReviewDecisionRow, ReviewTaskRow, utcnow
from observatory.users import Actor, Identity, require_role

log = logging.getLogger(__name__)

Confirmation = tuple[int, str, list[str], str]  # priority_id, taxonomy, codes, text


def decide(
    store: Store,
    task_id: int,
    reviewer: Identity,
    action: Action | str,
    codes: Sequence[str] | None = None,
    comment: str | None = None,
    *,
    listeners: Iterable[ConfirmedListener] = (),
    now: datetime | None = None,
    code_set: SetDecision | None = None,
) -> DecisionResult:
    """Record one reviewer's decision on a task in its own write transaction; once committed,
    confirmed labels are passed to the ``on_confirmed`` listeners. ``code_set`` carries the
    per-code verdicts of a ``set`` decision (``observatory.review.code_sets``)."""
    actor = Actor.of(reviewer)
    with store.transaction(write=True) as session:
        result, confirmation = decide_in_session(
            session,
            task_id,
            actor,
            action,
            codes,
            comment,
            now=now,
            lock=store.dialect == "postgresql",
            code_set=code_set,
        )
    notify(listeners, [confirmation] if confirmation else [])
    return result


def decide_in_session(
    session: Session,
    task_id: int,
    actor: Actor,
    action: Action | str,
    codes: Sequence[str] | None = None,
    comment: str | None = None,
    *,
    now: datetime | None = None,
    lock: bool = False,
    require_claim: bool = True,
    code_set: SetDecision | None = None,
) -> tuple[DecisionResult, Confirmation | None]:
    """The body of ``decide`` in the caller's (write) transaction; returns the result and what
    to tell the listeners after commit.

    The reviewer must hold the task under a live lease (``claim_next``), else ``Conflict``;
    only ``bulk_accept``, which picks unclaimed tasks itself, passes ``require_claim=False``.
    Everything is validated before anything is written.
    """
    now = now or utcnow()
    require_role(actor, *DECIDING_ROLES)
    action = _parse_action(action)
    task = _load_task(session, task_id, lock)
    _check_may_decide(session, task, actor, now)
    if require_claim and not holds_live_claim(task, actor.name, now):
        raise Conflict(
            f"task {task.id} is not claimed by {actor.name} (or the lease ran out); "
            "claim it first with 'next'"
        )
    offered = suggestions(session, task.priority_id, task.taxonomy)
    before = _snapshot(task, offered)
    judged = None
    if action == Action.SET:
        judged = set_outcome(code_set, offered, task.taxonomy)
        outcome = judged.codes
    else:
        outcome = [] if action == Action.SKIP else _outcome_codes(action, codes, task, offered)
    decision = ReviewDecisionRow(
        task_id=task.id,
        reviewer=actor.name,
        action=action.value,
        codes=outcome,
        comment=comment,
        created_at=now,
    )
    session.add(decision)
    session.flush()
    if judged is not None:
        audit_verdicts(session, task, judged, offered, actor=actor.name,
                       decision_id=decision.id, comment=comment)  # fmt: skip
    settled, changes = False, LabelChanges()
    if action != Action.SKIP:
        settled = _settle_or_escalate(session, task, offered)
        if settled:
            changes = apply_outcome(
                session, task.priority_id, task.taxonomy, action.value, outcome, actor.name, now
            )
            task.status = TaskStatus.CLOSED.value
            task.closed_at = now
    task.claimed_by = None
    task.claimed_at = None
    task.lease_expires_at = None
    task.version += 1
    record_audit(
        session,
        actor=actor.name,
        action=f"review.{action.value}",
        entity_type="review_task",
        entity_id=task.id,
        before=before,
        after={
            "decision_id": decision.id,
            "codes": outcome,
            "status": task.status,
            "settled": settled,
            "version": task.version,
            "labels": vars(changes),
        },
        comment=comment,
    )
    result = DecisionResult(
        decision_id=decision.id,
        task_id=task.id,
        priority_id=task.priority_id,
        taxonomy=task.taxonomy,
        action=action.value,
        codes=outcome,
        task_status=task.status,
        settled=settled,
        confirmed_codes=outcome if settled else [],
        rejected_codes=judged.rejected if judged else [],
    )
    confirmation = None
    if settled and outcome:
        confirmation = (task.priority_id, task.taxonomy, outcome, priority_text(session, task))
    return result, confirmation


def undo_last(
    store: Store, reviewer: Identity, *, lease: int | None = None, now: datetime | None = None
) -> DecisionResult:
    """Undo the reviewer's own most recent decision that is not undone yet: a new decision row
    ``undoes_id`` it, the labels are restored, and the task returns to the reviewer's hands."""
    actor = Actor.of(reviewer)
    with store.transaction(write=True) as session:
        return undo_in_session(
            session, actor, lease=lease, now=now, lock=store.dialect == "postgresql"
        )


def undo_in_session(
    session: Session,
    actor: Actor,
    *,
    lease: int | None = None,
    now: datetime | None = None,
    lock: bool = False,
) -> DecisionResult:
    """The body of ``undo_last`` in the caller's write transaction."""
    now = now or utcnow()
    require_role(actor, *DECIDING_ROLES)
    undo = aliased(ReviewDecisionRow)
    last = session.scalar(
        select(ReviewDecisionRow)
        .where(
            ReviewDecisionRow.reviewer == actor.name,
            ReviewDecisionRow.action != Action.UNDO.value,
            ~select(undo.id).where(undo.undoes_id == ReviewDecisionRow.id).exists(),
        )
        .order_by(ReviewDecisionRow.id.desc())
        .limit(1)
    )
    if last is None:
        raise NotFound(f"{actor.name} has no decision to undo")
    task = _load_task(session, last.task_id, lock)
    record = _decision_audit(session, task.id, last.id)
    if task.version != record.after["version"]:
        raise Conflict(
            f"task {task.id} changed after {actor.name}'s decision {last.id}; it cannot be undone"
        )
    release_held(session, actor.name, now, keep=task.id)  # the undone task is the one in hand
    reverted = LabelChanges()
    if record.after.get("settled"):
        reverted = revert_outcome(session, LabelChanges(**record.after["labels"]), now)
    previous_status = record.before["status"]
    task.status = previous_status
    task.doubt = record.before["doubt"]
    task.closed_at = None
    task.claimed_by = actor.name
    task.claimed_at = now
    task.lease_expires_at = now + timedelta(seconds=lease_seconds(lease))
    task.version += 1
    row = ReviewDecisionRow(
        task_id=task.id,
        reviewer=actor.name,
        action=Action.UNDO.value,
        codes=list(last.codes),
        undoes_id=last.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    record_audit(
        session,
        actor=actor.name,
        action="review.undo",
        entity_type="review_task",
        entity_id=task.id,
        before={"status": record.after["status"], "decision_id": last.id, "codes": last.codes},
        after={
            "decision_id": row.id,
            "undoes_id": last.id,
            "status": task.status,
            "version": task.version,
            "labels": vars(reverted),
        },
    )
    return DecisionResult(
        decision_id=row.id,
        task_id=task.id,
        priority_id=task.priority_id,
        taxonomy=task.taxonomy,
        action=Action.UNDO.value,
        codes=list(last.codes),
        task_status=task.status,
        settled=False,
    )


def notify(listeners: Iterable[ConfirmedListener], confirmations: list[Confirmation]) -> None:
    """Tell each listener about confirmed labels; a failing listener is logged, never undoes
    the committed decision."""
    for listener in listeners:
        for priority_id, taxonomy, codes, text in confirmations:
            try:
                listener(priority_id, taxonomy, list(codes), text)
            except Exception:
                log.exception("on_confirmed listener %r failed", listener)


def priority_text(session: Session, task: ReviewTaskRow) -> str:
    """The text a classifier learns from: title, then description."""
    priority = get_priority(session, task.priority_id)
    return ". ".join(part for part in (priority.title, priority.description.strip()) if part)


def _parse_action(action: Action | str) -> Action:
    try:
        parsed = Action(action)
    except ValueError:
        allowed = ", ".join(a.value for a in Action if a != Action.UNDO)
        raise InvalidInput(f"unknown action {action!r}; expected one of {allowed}") from None
    if parsed == Action.UNDO:
        raise InvalidInput("undo is not a decision; use undo_last")
    return parsed


def _load_task(session: Session, task_id: int, lock: bool) -> ReviewTaskRow:
    query = select(ReviewTaskRow).where(ReviewTaskRow.id == task_id)
    if lock:
        query = query.with_for_update()
    task = session.scalar(query)
    if task is None:
        raise NotFound(f"no review task with id {task_id}")
    return task


def _check_may_decide(session: Session, task: ReviewTaskRow, actor: Actor, now: datetime) -> None:
    if task.status == TaskStatus.CLOSED.value:
        raise Conflict(f"task {task.id} is already settled")
    if task.status == TaskStatus.ADJUDICATION.value and actor.role not in ADJUDICATING_ROLES:
        raise Forbidden(f"task {task.id} is in adjudication: only adjudicators or admins decide")
    if is_claimed_by_other(task, actor.name, now):
        raise Conflict(f"task {task.id} is claimed by {task.claimed_by}")
    mine = active_decisions().where(
        ReviewDecisionRow.task_id == task.id, ReviewDecisionRow.reviewer == actor.name
    )
    if session.scalar(mine.limit(1)) is not None:
        raise Conflict(f"{actor.name} already decided task {task.id}")


def _snapshot(task: ReviewTaskRow, offered: list[Suggestion]) -> dict[str, Any]:
    return {
        "status": task.status,
        "version": task.version,
        "doubt": task.doubt,
        "claimed_by": task.claimed_by,
        "suggestions": [s.code for s in offered],
        "set": [s.code for s in offered if s.in_set],
        "top": offered[0].code if offered else None,
        "top_probability": offered[0].probability if offered else None,
        "model_version": task.model_version,
    }


def _outcome_codes(
    action: Action, codes: Sequence[str] | None, task: ReviewTaskRow, offered: list[Suggestion]
) -> list[str]:
    offered_codes = [s.code for s in offered]
    if action == Action.ACCEPT:
        if not codes:
            if not offered_codes:
                raise InvalidInput(f"task {task.id} has no suggestion to accept; use correct")
            return offered_codes[:1]
        chosen = validate_codes(task.taxonomy, codes)
        foreign = [code for code in chosen if code not in offered_codes]
        if foreign:
            raise InvalidInput(
                f"accept takes codes among the suggestions {offered_codes}; "
                f"use correct for {foreign}"
            )
        return chosen
    if action == Action.CORRECT:
        if not codes:
            raise InvalidInput("correct needs at least one code")
        return validate_codes(task.taxonomy, codes)
    return validate_codes(task.taxonomy, codes or [])  # reject: optional replacement


def _settle_or_escalate(session: Session, task: ReviewTaskRow, offered: list[Suggestion]) -> bool:
    """Whether the decision just flushed settles the task; moves it to adjudication when the
    required reviewers disagree."""
    if task.status == TaskStatus.ADJUDICATION.value:
        return True
    votes = session.scalars(active_decisions().where(ReviewDecisionRow.task_id == task.id)).all()
    if len(votes) < task.required_reviews:
        return False
    outcomes = Counter(tuple(sorted(vote.codes)) for vote in votes)
    if len(outcomes) == 1:
        return True
    majority = outcomes.most_common(1)[0][1]
    top = offered[0].probability if offered else None
    margin = (
        offered[0].probability - offered[1].probability
        if len(offered) > 1 and offered[0].probability is not None and offered[1].probability
        else top
    )
    task.status = TaskStatus.ADJUDICATION.value
    task.doubt = doubt_score(top, margin, 1.0 - majority / len(votes))
    return False


def _decision_audit(session: Session, task_id: int, decision_id: int) -> AuditRow:
    records = session.scalars(
        select(AuditRow)
        .where(AuditRow.entity_type == "review_task", AuditRow.entity_id == task_id)
        .order_by(AuditRow.id.desc())
    )
    for record in records:
        if record.after and record.after.get("decision_id") == decision_id:
            return record
    raise NotFound(f"no audit record of decision {decision_id}")
