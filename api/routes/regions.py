"""``/api/regions``: regions with strategies, a region's profile, and its partner regions."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import ReadAccess
from api.deps import MatchingDep
from api.openapi import errors
from api.routes.priorities import strategy_brief
from api.schemas import (
    ChainGapPublic,
    CodeShare,
    Page,
    PartnerPublic,
    PriorityBrief,
    RegionBrief,
    RegionProfilePublic,
    SharedCodePublic,
    SimilarPairPublic,
)
from observatory.errors import InvalidInput
from observatory.matching import PartnerMatch
from observatory.search import Catalog

router = APIRouter(prefix="/api/regions", tags=["regions"])

_NUTS = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
NutsCode = Annotated[str, Path(max_length=5, description="A NUTS code, e.g. ES51")]
RegionList = Annotated[list[str] | None, Query(max_length=20)]


def nuts_code(value: str) -> str:
    """A validated, upper-cased NUTS code."""
    code = value.strip().upper()
    if not _NUTS.match(code):
        raise InvalidInput(f"{value!r} is not a NUTS code (e.g. ES5, ES51, ES511)")
    return code


def _region_names(catalog: Catalog) -> dict[str, tuple[str | None, str | None]]:
    return {s.nuts_code: (s.region, s.country) for s in catalog.strategies.values() if s.nuts_code}


def partner_public(match: PartnerMatch, catalog: Catalog, role: str | None = None) -> PartnerPublic:
    """A partner match with priority titles filled in."""

    def title(priority_id: int | None) -> str | None:
        row = catalog.row_of(priority_id) if priority_id is not None and priority_id > 0 else None
        return None if row is None else catalog.titles[row]

    names = _region_names(catalog)
    return PartnerPublic(
        region=match.region,
        name=names.get(match.region, (None, None))[0],
        score=match.score,
        code_score=match.code_score,
        semantic_score=match.semantic_score,
        shared_codes=[SharedCodePublic(**c.__dict__) for c in match.shared_codes],
        similar_pairs=[
            SimilarPairPublic(
                query_priority_id=p.query_priority_id if p.query_priority_id > 0 else None,
                query_title=title(p.query_priority_id),
                candidate_priority_id=p.candidate_priority_id,
                candidate_title=title(p.candidate_priority_id),
                similarity=p.similarity,
            )
            for p in match.similar_pairs
        ],
        chains=[ChainGapPublic(**c.__dict__) for c in match.chains],
        role=role,
    )


@router.get("", response_model=Page[RegionBrief], summary="Regions with a stored strategy")
def list_regions(matching: MatchingDep, _reader: ReadAccess) -> Page[RegionBrief]:
    """Every NUTS code that has a current strategy, with its number of priorities."""
    catalog, profiles = matching.profiles()
    names = _region_names(catalog)
    data = [
        RegionBrief(
            region=region,
            name=names.get(region, (None, None))[0],
            country=names.get(region, (None, None))[1],
            priorities=int(profiles.sizes[i]),
        )
        for i, region in enumerate(profiles.regions)
    ]
    return Page[RegionBrief](data=data, count=len(data))


@router.get(
    "/{nuts}/profile",
    response_model=RegionProfilePublic,
    summary="A region's profile",
    responses=errors(404, e404="No strategy is stored for the region."),
)
def region_profile(
    nuts: NutsCode, service: MatchingDep, _reader: ReadAccess
) -> RegionProfilePublic:
    """The region's strategy, its priorities and its tags per taxonomy (counts and shares)."""
    profile = service.region_profile(nuts_code(nuts))
    catalog, _ = service.profiles()
    return RegionProfilePublic(
        region=profile.region,
        strategies=[strategy_brief(catalog.strategies[i]) for i in profile.strategy_ids],
        priorities=[
            PriorityBrief(id=int(catalog.ids[r]), title=catalog.titles[r]) for r in profile.rows
        ],
        profile={
            name: [CodeShare(**item) for item in items] for name, items in profile.codes.items()
        },
    )


@router.get(
    "/{nuts}/partners",
    response_model=Page[PartnerPublic],
    summary="Partner regions",
    responses=errors(404, e404="No strategy is stored for the region (or a like/unlike one)."),
)
def region_partners(
    nuts: NutsCode,
    service: MatchingDep,
    _reader: ReadAccess,
    taxonomy: Annotated[str | None, Query(pattern="^(nace|nabs|ecosystem)$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    like: RegionList = None,
    unlike: RegionList = None,
    mode: Annotated[str, Query(pattern="^(overlap|complement)$")] = "overlap",
) -> Page[PartnerPublic]:
    """Other regions ranked by overlapping (shared rare codes, similar priorities) or
    complementary (strong where this region is weak in a shared value chain) priorities.
    ``like``/``unlike`` move the search towards or away from example regions."""
    matches = service.partners(
        nuts_code(nuts),
        taxonomy=taxonomy,
        limit=limit,
        like=[nuts_code(r) for r in like or []],
        unlike=[nuts_code(r) for r in unlike or []],
        mode=mode,
    )
    catalog, _ = service.profiles()
    data = [partner_public(m, catalog) for m in matches]
    return Page[PartnerPublic](data=data, count=len(data))
