"""``/api/partnerships``: thematic partnerships and the regions that could join them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import AdminUser, ReadAccess
from api.deps import IndexDep, MatchingDep, SessionDep, StoreDep
from api.limits import path_id
from api.openapi import errors
from api.routes.regions import partner_public
from api.schemas import Page, PartnerPublic, PartnershipPublic, PartnershipRegionPublic
from observatory.partnerships import (
    PartnershipCreate,
    get_partnership,
    list_partnerships,
    member_codes,
    registry_check,
    save_partnerships,
)
from observatory.store.tables import PartnershipRow

router = APIRouter(prefix="/api/partnerships", tags=["partnerships"])

PartnershipId = path_id("partnership")


def partnership_public(row: PartnershipRow) -> PartnershipPublic:
    """A stored partnership with its regions."""
    return PartnershipPublic(
        id=row.id,
        name=row.name,
        thematic_platform=row.thematic_platform,
        description=row.description,
        regions=[
            PartnershipRegionPublic(nuts_code=r.nuts_code, role=r.role)
            for r in sorted(row.regions, key=lambda r: (r.role, r.nuts_code))
        ],
    )


@router.get("", response_model=Page[PartnershipPublic], summary="Thematic partnerships")
def partnerships(session: SessionDep, _reader: ReadAccess) -> Page[PartnershipPublic]:
    """Every partnership with its lead, member and interested regions."""
    data = [partnership_public(row) for row in list_partnerships(session)]
    return Page[PartnershipPublic](data=data, count=len(data))


@router.post(
    "",
    response_model=PartnershipPublic,
    status_code=201,
    summary="Create or update one",
    responses=errors(404, e404="A region code that is not in the NUTS registry."),
)
def create_partnership(
    body: PartnershipCreate, store: StoreDep, user: AdminUser
) -> PartnershipPublic:
    """Create (or replace, by name) a partnership; NUTS codes are checked. Admins only."""
    check = registry_check()
    item = body.model_copy(
        update={
            column: [check(code) for code in getattr(body, column)]
            for column in ("lead_regions", "member_regions", "interested_regions")
        }
    )
    with store.transaction(write=True) as session:
        save_partnerships(session, [item], actor=user.name)
    with store.transaction() as session:
        rows = [r for r in list_partnerships(session) if r.name == item.name]
        return partnership_public(rows[0])


@router.get(
    "/{partnership_id}",
    response_model=PartnershipPublic,
    summary="One partnership",
    responses=errors(404, e404="No such partnership."),
)
def partnership(
    partnership_id: PartnershipId, session: SessionDep, _reader: ReadAccess
) -> PartnershipPublic:
    """A partnership with its regions."""
    return partnership_public(get_partnership(session, partnership_id))


@router.get(
    "/{partnership_id}/candidates",
    response_model=Page[PartnerPublic],
    summary="Regions that could join",
    responses=errors(404, e404="No such partnership."),
)
def candidates(
    partnership_id: PartnershipId,
    service: MatchingDep,
    index: IndexDep,
    session: SessionDep,
    _reader: ReadAccess,
    taxonomy: Annotated[str | None, Query(pattern="^(nace|nabs|ecosystem)$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Page[PartnerPublic]:
    """Regions that are not yet lead or member whose priorities best match the partnership's
    scope (its members' profiles and its description), explained."""
    row = get_partnership(session, partnership_id)
    interested = {r.nuts_code for r in row.regions if r.role == "interested"}
    description = " ".join(filter(None, [row.name, row.description]))
    vector = index.embed_query(description) if index is not None and description.strip() else None
    matches = service.candidates(
        member_codes(row),
        description_vector=vector,
        taxonomy=taxonomy,
        limit=limit,
    )
    catalog, _ = service.profiles()
    data = [
        partner_public(m, catalog, "interested" if m.region in interested else None)
        for m in matches
    ]
    return Page[PartnerPublic](data=data, count=len(data))
