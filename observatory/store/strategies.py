"""Storing strategies with their priorities: idempotent by content hash, versioned by key.

The key says what a strategy is (territory and period, or its title), so that a revised document
becomes the next version of the same strategy whatever its file is called, and two regions'
``strategy.pdf`` stay two strategies.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.domain import PriorityCreate, StrategyCreate
from observatory.errors import InvalidInput, NotFound
from observatory.store.audit import record_audit
from observatory.store.tables import PriorityRow, StrategyRow, utcnow


@dataclass(frozen=True)
class SaveResult:
    """Outcome of ``save_strategy``: the stored row and what happened."""

    strategy_id: int
    version: int
    created: bool
    superseded_id: int | None
    priority_ids: tuple[int, ...]


def slugify(text: str) -> str:
    """Lower-case ASCII slug used for strategy keys."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_PERIOD_SPAN = re.compile(r"^\s*(\d{4})\s*[-\u2013\u2014/]\s*(\d{2}|\d{4})\b")


def strategy_key(strategy: StrategyCreate) -> str:
    """Identity of a strategy across versions, from what the strategy is, never its file name.

    In order: the explicit ``key``; the territory (NUTS code, else country and region name) with
    the period (else the title); a detected title with the country and period. A document that
    names neither its territory nor a title of its own is a strategy of its own (keyed by its
    content hash): guessing would let it replace another region's strategy.
    """
    if strategy.key:
        return strategy.key
    period = normalise_period(strategy.period)
    title = _own_title(strategy)
    if strategy.nuts_code:
        territory = strategy.nuts_code.upper()
    elif strategy.region:
        territory = f"{(strategy.country or '').upper()}:{slugify(strategy.region)}"
    else:
        territory = None
    if territory is not None:
        return f"{territory}:{period or title or 'undated'}"
    if title:
        return f"title:{(strategy.country or '').upper()}:{title}:{period or 'undated'}"
    if strategy.sha256:
        return f"document:{strategy.sha256}"
    return f"untitled:{slugify(strategy.title)}"


def normalise_period(period: str | None) -> str | None:
    """The period's span for identity: "2021-27", "2021 – 2027", "2021-2027 (revised 2023)"
    are all "2021-2027" (a revision is a new version of the same strategy)."""
    if not period:
        return None
    match = _PERIOD_SPAN.match(period)
    if match is None:
        return slugify(period) or None
    start, end = match.groups()
    end = end if len(end) == 4 else start[:2] + end
    return f"{start}-{end}"


def _own_title(strategy: StrategyCreate) -> str | None:
    """The title's slug, unless the title is only the file name (extraction's fallback)."""
    title = slugify(strategy.title)
    if not title:
        return None
    if strategy.source_path and title == slugify(Path(strategy.source_path).stem):
        return None
    return title


def find_strategy_by_sha(session: Session, sha256: str) -> StrategyRow | None:
    """The stored strategy version with this content hash, if any."""
    return session.scalar(select(StrategyRow).where(StrategyRow.sha256 == sha256))


def save_strategy(
    session: Session,
    strategy: StrategyCreate,
    priorities: list[PriorityCreate],
    *,
    actor: str = "system",
) -> SaveResult:
    """Store a strategy and its priorities in the caller's transaction.

    The same content (sha256) is never stored twice; new content under an existing key becomes
    the next version and retires the previous one (kept for the history).
    """
    if strategy.sha256:
        existing = find_strategy_by_sha(session, strategy.sha256)
        if existing is not None:
            ids = tuple(p.id for p in existing.priorities)
            return SaveResult(existing.id, existing.version, False, None, ids)
    _check_parents(priorities)
    key = strategy_key(strategy)
    previous = session.scalar(
        select(StrategyRow).where(StrategyRow.key == key, StrategyRow.is_current.is_(True))
    )
    version = 1
    if previous is not None:
        previous.is_current = False
        previous.superseded_at = utcnow()
        version = previous.version + 1
    row = StrategyRow(key=key, version=version, **strategy.model_dump(exclude={"key"}))
    session.add(row)
    session.flush()
    by_title: dict[str, PriorityRow] = {}
    for rank, item in enumerate(priorities, start=1):
        priority = PriorityRow(
            strategy_id=row.id,
            rank=rank,
            title=item.title,
            description=item.description,
            pages=list(item.pages),
            keywords=list(item.keywords),
            confidence=item.confidence,
            language=item.language or strategy.language,
            source=item.source,
        )
        session.add(priority)
        by_title.setdefault(item.title.casefold(), priority)
    session.flush()
    for item in priorities:
        if item.parent:
            child = by_title[item.title.casefold()]
            child.parent_id = by_title[item.parent.casefold()].id
    record_audit(
        session,
        actor=actor,
        action="strategy.version" if previous else "strategy.create",
        entity_type="strategy",
        entity_id=row.id,
        before={"strategy_id": previous.id, "version": previous.version} if previous else None,
        after={
            "key": key,
            "version": version,
            "sha256": strategy.sha256,
            "priorities": len(priorities),
        },
    )
    ids = tuple(p.id for p in by_title.values())
    return SaveResult(row.id, version, True, previous.id if previous else None, ids)


def _check_parents(priorities: list[PriorityCreate]) -> None:
    """Every parent is another priority of the same strategy, and parents never form a cycle."""
    parent_of = {p.title.casefold(): p.parent.casefold() if p.parent else None for p in priorities}
    problems = []
    for item in priorities:
        if not item.parent:
            continue
        if item.parent.casefold() not in parent_of:
            problems.append(
                f"priority {item.title!r} names parent {item.parent!r}, which is not in the same "
                "strategy"
            )
        elif _cycles_back(item.title.casefold(), parent_of):
            problems.append(f"priority {item.title!r} is its own ancestor (a cycle of parents)")
    if problems:
        raise InvalidInput("priorities have invalid parents", errors=problems)


def _cycles_back(title: str, parent_of: dict[str, str | None]) -> bool:
    seen: set[str] = set()
    current = parent_of.get(title)
    while current is not None and current not in seen:
        if current == title:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def get_strategy(session: Session, strategy_id: int) -> StrategyRow:
    """One strategy version by id."""
    row = session.get(StrategyRow, strategy_id)
    if row is None:
        raise NotFound(f"no strategy with id {strategy_id}")
    return row


def list_strategies(session: Session, *, current_only: bool = True) -> list[StrategyRow]:
    """Stored strategies, newest first."""
    query = select(StrategyRow).order_by(StrategyRow.created_at.desc(), StrategyRow.id.desc())
    if current_only:
        query = query.where(StrategyRow.is_current.is_(True))
    return list(session.scalars(query))


def get_priority(session: Session, priority_id: int) -> PriorityRow:
    """One priority by id."""
    row = session.get(PriorityRow, priority_id)
    if row is None:
        raise NotFound(f"no priority with id {priority_id}")
    return row
