"""``/api/taxonomies``: the served taxonomies, their codes, and priority counts per code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import ReadAccess
from api.deps import SearchDep, TaxonomiesDep
from api.openapi import errors
from api.schemas import CodeDetail, CodePublic, Page, TaxonomyBrief
from observatory.errors import InvalidInput, NotFound
from taxonomies import Code, Taxonomy, TaxonomyError, canonical_name

router = APIRouter(prefix="/api/taxonomies", tags=["taxonomies"])


def _taxonomy(served: dict[str, Taxonomy], name: str) -> Taxonomy:
    try:
        key = canonical_name(name)
    except TaxonomyError:
        raise NotFound(f"unknown taxonomy {name!r}", errors=["nace", "nabs", "ecosystem"]) from None
    if key not in served:
        raise NotFound(f"taxonomy {key!r} is not available on this server")
    return served[key]


def _code_public(code: Code) -> CodePublic:
    return CodePublic(
        code=code.code,
        level=code.level,
        parent=code.parent,
        title=code.title,
        description=code.description,
    )


@router.get("", response_model=Page[TaxonomyBrief], summary="The served taxonomies")
def list_taxonomies(served: TaxonomiesDep, _reader: ReadAccess) -> Page[TaxonomyBrief]:
    """NACE Rev. 2, NABS 2007 and the industrial ecosystems, with levels and sizes."""
    data = [
        TaxonomyBrief(
            name=name,
            version=taxonomy.version,
            title=taxonomy.title,
            levels=list(taxonomy.levels),
            codes=len(taxonomy),
        )
        for name, taxonomy in served.items()
    ]
    return Page[TaxonomyBrief](data=data, count=len(data))


TaxonomyName = Annotated[str, Path(max_length=40)]


@router.get(
    "/{name}",
    response_model=Page[CodePublic],
    summary="Codes of a taxonomy",
    responses=errors(404, e404="No such taxonomy on this server."),
)
def list_codes(
    name: TaxonomyName,
    served: TaxonomiesDep,
    _reader: ReadAccess,
    level: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 5000,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[CodePublic]:
    """Codes in taxonomy order, optionally one level only."""
    taxonomy = _taxonomy(served, name)
    if level is not None:
        if level not in taxonomy.levels:
            raise InvalidInput(
                f"{taxonomy.name} has no level {level!r}", errors=list(taxonomy.levels)
            )
        codes = taxonomy.at_level(level)
    else:
        codes = list(taxonomy)
    page = codes[offset : offset + limit]
    return Page[CodePublic](data=[_code_public(c) for c in page], count=len(codes))


@router.get(
    "/{name}/{code}",
    response_model=CodeDetail,
    summary="One code",
    responses=errors(404, e404="No such taxonomy, or no such code in it."),
)
def read_code(
    name: TaxonomyName,
    code: Annotated[str, Path(max_length=80)],
    served: TaxonomiesDep,
    search: SearchDep,
    _reader: ReadAccess,
) -> CodeDetail:
    """A code with its children, ancestors and the number of priorities tagged with it or any
    code below it (labels in force)."""
    taxonomy = _taxonomy(served, name)
    try:
        found = taxonomy[taxonomy.normalize(code)]
    except TaxonomyError:
        raise NotFound(f"{taxonomy.name} has no code {code!r}") from None
    catalog = search.catalog()
    rows = catalog.code_rows.get(_served_name(taxonomy, served), {}).get(found.code)
    return CodeDetail(
        **_code_public(found).model_dump(),
        taxonomy=taxonomy.name,
        children=[_code_public(c) for c in taxonomy.children(found.code)],
        ancestors=[_code_public(c) for c in taxonomy.ancestors(found.code)],
        priority_count=0 if rows is None else len(rows),
    )


def _served_name(taxonomy: Taxonomy, served: dict[str, Taxonomy]) -> str:
    for name, candidate in served.items():
        if candidate is taxonomy:
            return name
    return taxonomy.name
