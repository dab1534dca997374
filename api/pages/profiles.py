"""Region profiles (share of priorities per code), partner suggestions, and map counts.

A region's priorities are those of the current strategies whose NUTS code starts with the
region's code, so a country or NUTS 1 page gathers its sub-regions. Partner suggestions compare
profiles over NACE divisions, NABS chapters and ecosystems by cosine similarity and explain
themselves with the codes both regions share and the ones only the partner has.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.pages.catalogue import labels_by_priority
from api.pages.tags import is_assigned, nace_division, nace_section
from observatory.store.tables import PriorityRow, StrategyRow

PROFILE_TAXONOMIES = ("nace", "nabs", "ecosystem")


@dataclass
class Profile:
    """How many of a territory's priorities carry each code."""

    code: str
    priorities: int = 0
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name in PROFILE_TAXONOMIES}
    )
    nace_sections: Counter[str] = field(default_factory=Counter)

    def vector(self) -> dict[tuple[str, str], float]:
        """Shares per (taxonomy, code), the basis of partner similarity."""
        if not self.priorities:
            return {}
        return {
            (taxonomy, code): count / self.priorities
            for taxonomy, counter in self.counts.items()
            for code, count in counter.items()
        }


@dataclass(frozen=True)
class Partner:
    """A suggested partner region with why."""

    code: str
    name: str
    score: float
    shared: list[tuple[str, str]]
    complementary: list[tuple[str, str]]
    priorities: int


def _priority_rows(session: Session, prefix: str | None) -> list[tuple[int, str | None]]:
    query = (
        select(PriorityRow.id, StrategyRow.nuts_code)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .where(StrategyRow.is_current.is_(True), StrategyRow.nuts_code.is_not(None))
    )
    if prefix:
        query = query.where(StrategyRow.nuts_code.startswith(prefix))
    return [(pid, code) for pid, code in session.execute(query)]


def _profile_key(taxonomy: str, code: str) -> str | None:
    return nace_division(code) if taxonomy == "nace" else code


def profiles(session: Session, prefix: str | None = None) -> dict[str, Profile]:
    """Profiles of every stored NUTS code (optionally those under ``prefix``)."""
    rows = _priority_rows(session, prefix)
    labels = labels_by_priority(session, [pid for pid, _code in rows])
    found: dict[str, Profile] = {}
    for pid, nuts in rows:
        profile = found.setdefault(nuts, Profile(code=nuts))
        profile.priorities += 1
        keys: set[tuple[str, str]] = set()
        sections: set[str] = set()
        for label in labels.get(pid, []):
            if not is_assigned(label) or label.taxonomy not in PROFILE_TAXONOMIES:
                continue
            key = _profile_key(label.taxonomy, label.code)
            if key:
                keys.add((label.taxonomy, key))
            if label.taxonomy == "nace" and (section := nace_section(label.code)):
                sections.add(section)
        for taxonomy, code in keys:
            profile.counts[taxonomy][code] += 1
        profile.nace_sections.update(sections)
    return found


def merge(code: str, parts: list[Profile]) -> Profile:
    """One profile for a territory made of several stored NUTS codes."""
    merged = Profile(code=code)
    for part in parts:
        merged.priorities += part.priorities
        merged.nace_sections.update(part.nace_sections)
        for taxonomy, counter in part.counts.items():
            merged.counts[taxonomy].update(counter)
    return merged


def region_profile(session: Session, code: str) -> Profile:
    """The profile of a territory: all stored codes under it."""
    return merge(code, list(profiles(session, code).values()))


def _cosine(a: dict[tuple[str, str], float], b: dict[tuple[str, str], float]) -> float:
    dot = sum(value * b.get(key, 0.0) for key, value in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def partner_suggestions(
    session: Session, code: str, *, names: dict[str, str] | None = None, limit: int = 8
) -> list[Partner]:
    """Regions whose profile overlaps this one's most, with shared and complementary codes."""
    every = profiles(session)
    own = merge(code, [p for c, p in every.items() if c.startswith(code)])
    mine = own.vector()
    if not mine:
        return []
    partners: list[Partner] = []
    for other_code, other in every.items():
        if other_code.startswith(code) or code.startswith(other_code):
            continue
        theirs = other.vector()
        score = _cosine(mine, theirs)
        if score <= 0:
            continue
        shared = sorted(
            (key for key in mine if key in theirs), key=lambda k: -(mine[k] * theirs[k])
        )
        extra = sorted((key for key in theirs if key not in mine), key=lambda k: -theirs[k])
        partners.append(
            Partner(
                code=other_code,
                name=(names or {}).get(other_code, ""),
                score=score,
                shared=shared[:3],
                complementary=extra[:2],
                priorities=other.priorities,
            )
        )
    partners.sort(key=lambda p: (-p.score, p.code))
    return partners[:limit]


def map_counts(session: Session, taxonomy: str, code: str) -> dict[str, int]:
    """Priorities per stored NUTS code that carry ``code`` (a NACE section counts divisions)."""
    counts: dict[str, int] = defaultdict(int)
    for nuts, profile in profiles(session).items():
        if taxonomy == "nace" and len(code) == 1 and code.isalpha():
            count = profile.nace_sections.get(code.upper(), 0)
        else:
            key = _profile_key(taxonomy, code) or code
            count = profile.counts.get(taxonomy, Counter()).get(key, 0)
        counts[nuts] = count
    return dict(counts)


def stored_region_names(session: Session) -> dict[str, str]:
    """The region name each current strategy gives for its NUTS code."""
    rows = session.execute(
        select(StrategyRow.nuts_code, StrategyRow.region).where(
            StrategyRow.is_current.is_(True), StrategyRow.nuts_code.is_not(None)
        )
    )
    return {code: name for code, name in rows if name}
