"""Per-code decisions on a task's code set: accept or reject each member, add codes, or say
explicitly that none fits.

A (priority, taxonomy) task shows the whole set (the members the classification job marked
``in_set``). A ``set`` decision names a verdict for every member and any codes to add; its
outcome is the accepted members (in rank order) then the added codes. A decision that keeps no
code is refused unless it says ``none_fits``. Each verdict is one audit record on the priority
(``review.code.accept`` / ``review.code.reject`` / ``review.code.add``, or ``review.none_fits``),
beside the task's own ``review.set`` record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.errors import InvalidInput
from observatory.review.codes import validate_codes
from observatory.review.queue import active_decisions
from observatory.review.types import Action, Suggestion, TaskStatus, Verdict
from observatory.store.audit import record_audit
from observatory.store.tables import ReviewDecisionRow, ReviewTaskRow


@dataclass(frozen=True)
class SetDecision:
    """A reviewer's per-code decision: ``verdicts`` maps each member's code to accept/reject."""

    verdicts: Mapping[str, str]
    added: Sequence[str] = ()
    none_fits: bool = False


@dataclass(frozen=True)
class SetOutcome:
    """What a per-code decision keeps and turns down."""

    codes: list[str]
    rejected: list[str]
    added: list[str]


def members_of(offered: Sequence[Suggestion]) -> list[Suggestion]:
    """The members of the code set among the labels in force, best first."""
    return [s for s in offered if s.in_set]


def set_outcome(
    decision: SetDecision | None, offered: Sequence[Suggestion], taxonomy: str
) -> SetOutcome:
    """Check a per-code decision against the set (``InvalidInput`` naming every problem; added
    codes are checked against ``taxonomy``) and return its outcome."""
    if decision is None:
        raise InvalidInput("a set decision needs a verdict per member (or none_fits)")
    members = [s.code for s in members_of(offered)]
    problems: list[str] = []
    verdicts: dict[str, Verdict] = {}
    for raw_code, raw_verdict in decision.verdicts.items():
        code = str(raw_code).strip()
        try:
            verdict = Verdict(str(raw_verdict).strip().lower())
        except ValueError:
            problems.append(f"verdict {raw_verdict!r} on {code!r} is not accept or reject")
            continue
        if code not in members:
            problems.append(f"{code!r} is not in the set {members}; add it instead")
            continue
        verdicts[code] = verdict
    added = validate_codes(taxonomy, decision.added) if decision.added else []
    doubled = [code for code in added if code in members]
    if doubled:
        problems.append(f"{doubled} already in the set: accept them instead of adding")
    if decision.none_fits:
        if added or any(v == Verdict.ACCEPT for v in verdicts.values()):
            problems.append("none_fits cannot accept or add codes")
        if problems:
            raise InvalidInput("; ".join(problems), errors=problems)
        return SetOutcome([], list(members), [])
    missing = [code for code in members if code not in verdicts]
    if missing:
        problems.append(f"give a verdict (accept or reject) on every member: missing {missing}")
    if problems:
        raise InvalidInput("; ".join(problems), errors=problems)
    kept = [code for code in members if verdicts[code] == Verdict.ACCEPT]
    if not kept and not added:
        raise InvalidInput(
            "the decision keeps no code: accept a member, add a code, or say none_fits"
        )
    rejected = [code for code in members if verdicts[code] == Verdict.REJECT]
    return SetOutcome([*kept, *added], rejected, list(added))


def audit_verdicts(
    session: Session,
    task: ReviewTaskRow,
    outcome: SetOutcome,
    offered: Sequence[Suggestion],
    *,
    actor: str,
    decision_id: int,
    comment: str | None,
) -> None:
    """One audit record on the priority per code the decision judged."""
    by_code = {s.code: s for s in offered}
    events = [
        *(("review.code.accept", c) for c in outcome.codes if c not in outcome.added),
        *(("review.code.reject", c) for c in outcome.rejected),
        *(("review.code.add", c) for c in outcome.added),
    ]
    if not outcome.codes:
        events.append(("review.none_fits", None))
    for action, code in events:
        member = by_code.get(code) if code else None
        record_audit(
            session,
            actor=actor,
            action=action,
            entity_type="priority",
            entity_id=task.priority_id,
            before=(
                {"status": member.status, "probability": member.probability, "rank": member.rank}
                if member
                else None
            ),
            after={
                "taxonomy": task.taxonomy,
                "code": code,
                "task_id": task.id,
                "decision_id": decision_id,
            },
            comment=comment,
        )


def none_fits(session: Session, priority_id: int, taxonomy: str) -> bool:
    """Whether the latest settled review of the pair said that no code fits (a ``set``
    decision that kept nothing): the classification job then leaves the pair alone."""
    task_id = session.scalar(
        select(ReviewTaskRow.id)
        .where(
            ReviewTaskRow.priority_id == priority_id,
            ReviewTaskRow.taxonomy == taxonomy,
            ReviewTaskRow.status == TaskStatus.CLOSED.value,
        )
        .order_by(ReviewTaskRow.closed_at.desc(), ReviewTaskRow.id.desc())
        .limit(1)
    )
    if task_id is None:
        return False
    last = session.scalar(
        active_decisions()
        .where(ReviewDecisionRow.task_id == task_id)
        .order_by(ReviewDecisionRow.id.desc())
        .limit(1)
    )
    return last is not None and last.action == Action.SET.value and not last.codes
