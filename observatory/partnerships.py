"""Thematic Smart Specialisation Partnerships: import from CSV, create, list, read.

A CSV has the columns name, thematic_platform, lead_regions, member_regions, interested_regions,
description; region columns hold ';'-separated NUTS codes. Every row is validated and all
problems are reported with their line numbers before anything is written; an import replaces
the regions of partnerships that already exist (matched by name).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from observatory.domain import clean_values
from observatory.errors import InvalidInput, NotFound, ObservatoryError, UnprocessableFile
from observatory.store import Store
from observatory.store.audit import record_audit
from observatory.store.tables import PartnershipRegionRow, PartnershipRow

COLUMNS = (
    "name",
    "thematic_platform",
    "lead_regions",
    "member_regions",
    "interested_regions",
    "description",
)
ROLES = {"lead_regions": "lead", "member_regions": "member", "interested_regions": "interested"}
MEMBER_ROLES = ("lead", "member")

# checks a NUTS code and returns its canonical form (raises NotFound for unknown codes)
RegionCheck = Callable[[str], str]


# the name and platform columns are 300 and 100 characters long
MAX_NAME_CHARS = 300
MAX_PLATFORM_CHARS = 100
# a partnership's scope in a few paragraphs; as long as a priority's description may be
MAX_DESCRIPTION_CHARS = 20_000
# regions in one role: the EU has 244 NUTS 2 regions, and a partnership gathers a few dozen
MAX_REGIONS_PER_ROLE = 300
# a NUTS code has at most 5 characters (ES511); the column's 10 leave room for the spaces
# the registry check strips
NutsCode = Annotated[str, Field(max_length=10)]


class PartnershipCreate(BaseModel):
    """A partnership about to be stored."""

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    thematic_platform: str | None = Field(None, max_length=MAX_PLATFORM_CHARS)
    description: str = Field("", max_length=MAX_DESCRIPTION_CHARS)
    lead_regions: list[NutsCode] = Field(default_factory=list, max_length=MAX_REGIONS_PER_ROLE)
    member_regions: list[NutsCode] = Field(default_factory=list, max_length=MAX_REGIONS_PER_ROLE)
    interested_regions: list[NutsCode] = Field(
        default_factory=list, max_length=MAX_REGIONS_PER_ROLE
    )

    # NUL and other control characters: PostgreSQL refuses NUL, XLSX refuses the rest
    _clean = model_validator(mode="before")(clean_values)

    @field_validator("name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("name is empty")
        return value


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    created: int
    updated: int
    regions: int


def registry_check() -> RegionCheck:
    """A check against the NUTS 2024 registry (NUTS 2021 codes are accepted as well)."""
    from observatory.regions.registry import RegionRegistry

    current = RegionRegistry.load("2024")
    previous = RegionRegistry.load("2021")

    def check(code: str) -> str:
        key = code.strip().upper()
        if key in current or key in previous:
            return key
        current.get(key)  # raises NotFound naming the closest codes
        return key

    return check


def read_partnerships(path: Path, check: RegionCheck) -> list[PartnershipCreate]:
    """Parse and validate a partnerships CSV; ``UnprocessableFile`` lists every bad row."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UnprocessableFile(str(path), "no such file") from None
    except UnicodeDecodeError as exc:
        raise UnprocessableFile(str(path), f"not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UnprocessableFile(str(path), f"missing columns: {', '.join(missing)}", line=1)
    items: list[PartnershipCreate] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        try:
            item = parse_row(row, check)
        except (ObservatoryError, ValueError) as exc:
            problems.append(f"line {line}: {getattr(exc, 'message', exc)}")
            continue
        if item.name.casefold() in seen:
            problems.append(f"line {line}: duplicate of line {seen[item.name.casefold()]}")
            continue
        seen[item.name.casefold()] = line
        items.append(item)
    if problems:
        error = UnprocessableFile(str(path), f"{len(problems)} invalid row(s): {problems[0]}")
        error.errors = problems
        raise error
    return items


def parse_row(row: dict[str, str | None], check: RegionCheck) -> PartnershipCreate:
    """One CSV row as a validated ``PartnershipCreate``."""
    regions: dict[str, list[str]] = {}
    bad: list[str] = []
    for column in ROLES:
        codes = []
        for raw in (row.get(column) or "").split(";"):
            if not raw.strip():
                continue
            try:
                codes.append(check(raw))
            except NotFound:
                bad.append(raw.strip())
        regions[column] = codes
    if bad:
        raise InvalidInput(f"unknown NUTS code(s): {', '.join(bad)}")
    name = (row.get("name") or "").strip()
    if not name:
        raise InvalidInput("name is empty")
    if not regions["lead_regions"] and not regions["member_regions"]:
        raise InvalidInput("a partnership needs at least one lead or member region")
    return PartnershipCreate(
        name=name,
        thematic_platform=(row.get("thematic_platform") or "").strip() or None,
        description=(row.get("description") or "").strip(),
        **regions,
    )


def save_partnerships(
    session: Session, items: Iterable[PartnershipCreate], *, actor: str = "system"
) -> ImportSummary:
    """Create or update partnerships by name in the caller's transaction."""
    created = updated = regions = 0
    for item in items:
        row = session.scalar(select(PartnershipRow).where(PartnershipRow.name == item.name))
        if row is None:
            row = PartnershipRow(name=item.name)
            session.add(row)
            created += 1
        else:
            session.execute(
                delete(PartnershipRegionRow).where(PartnershipRegionRow.partnership_id == row.id)
            )
            updated += 1
        row.thematic_platform = item.thematic_platform
        row.description = item.description
        session.flush()
        assigned: dict[str, str] = {}
        for column, role in ROLES.items():
            for code in getattr(item, column):
                assigned.setdefault(code, role)  # the strongest role wins when listed twice
        session.add_all(
            PartnershipRegionRow(partnership_id=row.id, nuts_code=code, role=role)
            for code, role in assigned.items()
        )
        regions += len(assigned)
        record_audit(
            session,
            actor=actor,
            action="partnership.save",
            entity_type="partnership",
            entity_id=row.id,
            after={"name": item.name, "regions": assigned},
        )
    session.flush()
    return ImportSummary(created, updated, regions)


def import_partnerships(
    store: Store, path: Path, *, check: RegionCheck | None = None, actor: str = "cli"
) -> ImportSummary:
    """Validate a CSV completely, then store it in one transaction."""
    items = read_partnerships(path, check or registry_check())
    with store.transaction(write=True) as session:
        return save_partnerships(session, items, actor=actor)


def list_partnerships(session: Session) -> list[PartnershipRow]:
    """All partnerships by name, with their regions loaded."""
    query = (
        select(PartnershipRow)
        .options(selectinload(PartnershipRow.regions))
        .order_by(PartnershipRow.name)
    )
    return list(session.scalars(query))


def get_partnership(session: Session, partnership_id: int) -> PartnershipRow:
    """One partnership by id."""
    row = session.get(PartnershipRow, partnership_id)
    if row is None:
        raise NotFound(f"no partnership with id {partnership_id}")
    return row


def member_codes(row: PartnershipRow) -> list[str]:
    """NUTS codes of the lead and member regions."""
    return [r.nuts_code for r in row.regions if r.role in MEMBER_ROLES]
