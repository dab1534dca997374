"""``/api/priorities``: filtered, hybrid-searched, paged priorities and one priority's detail."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import ReadAccess
from api.deps import SearchDep, SessionDep, TaxonomiesDep
from api.limits import path_id
from api.openapi import errors
from api.schemas import (
    AuditPublic,
    CodeSetMemberPublic,
    CodeSetPublic,
    ExplanationPublic,
    LabelHistoryPublic,
    LabelPublic,
    Page,
    PriorityDetail,
    PriorityPublic,
    StrategyBrief,
)
from observatory.documents import pdf_url, source_page_url
from observatory.domain import TAXONOMY_NAMES
from observatory.errors import InvalidInput
from observatory.extraction import ExtractionStatus
from observatory.search import (
    FILTER_FIELDS,
    Catalog,
    FilterField,
    LabelInfo,
    PriorityFilters,
    SearchRequest,
    make_filters,
)
from observatory.search.catalog import ILLUSTRATIVE_SOURCE_KIND
from observatory.search.service import MAX_LIMIT
from observatory.store.audit import audit_history
from observatory.store.labels import label_history
from observatory.store.strategies import get_priority
from taxonomies import Taxonomy

router = APIRouter(prefix="/api/priorities", tags=["priorities"])


def priority_filters(served: TaxonomiesDep, **values: list[str] | None) -> PriorityFilters:
    """The filters shared by the priority list and the export: one query parameter per
    ``FILTER_FIELDS`` entry (its signature below), validated by ``make_filters``."""
    return make_filters(**values, taxonomies=served)


def _filter_parameter(field: FilterField) -> inspect.Parameter:
    query = Query(max_length=field.max_values, description=field.help)
    return inspect.Parameter(
        field.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[list[str] | None, query],
    )


# FastAPI reads the parameters from the signature: the served taxonomies plus the filters.
priority_filters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("served", inspect.Parameter.KEYWORD_ONLY, annotation=TaxonomiesDep),
        *map(_filter_parameter, FILTER_FIELDS),
    ],
    return_annotation=PriorityFilters,
)


FiltersDep = Annotated[PriorityFilters, Depends(priority_filters)]
QueryText = Annotated[
    str | None, Query(max_length=500, description="Search text (hybrid BM25 + dense)")
]
SortKey = Annotated[
    str | None,
    Query(
        pattern="^(relevance|strategy|title|confidence|id)$",
        description="relevance (default with q), strategy (default), title, confidence, id",
    ),
]


def check_text(text: str | None) -> None:
    """Refuse text that arrived as bytes that are not UTF-8 (decoded to U+FFFD)."""
    if text and "\ufffd" in text:
        raise InvalidInput("q contains bytes that are not valid UTF-8")


def label_public(label: LabelInfo, catalog_taxonomies: dict[str, Taxonomy]) -> LabelPublic:
    """A label as the API shows it, with its code title and source."""
    taxonomy = catalog_taxonomies.get(label.taxonomy)
    code = taxonomy.get(label.code) if taxonomy is not None else None
    source = (
        f"reviewer:{label.reviewer}"
        if label.reviewer
        else (label.model_version or label.source_kind)
    )
    return LabelPublic(
        taxonomy=label.taxonomy,
        code=label.code,
        title=code.title if code is not None else None,
        status=label.status,
        probability=label.probability,
        source=source,
    )


REVIEWED_SOURCE_KINDS = ("reviewer", "import")


def code_sets_public(
    members: Iterable[LabelInfo], catalog_taxonomies: dict[str, Taxonomy]
) -> dict[str, CodeSetPublic]:
    """The code set of every taxonomy (an empty one where the priority has no code)."""
    found: dict[str, list[CodeSetMemberPublic]] = {name: [] for name in TAXONOMY_NAMES}
    for member in members:
        taxonomy = catalog_taxonomies.get(member.taxonomy)
        code = taxonomy.get(member.code) if taxonomy is not None else None
        found.setdefault(member.taxonomy, []).append(
            CodeSetMemberPublic(
                code=member.code,
                title=code.title if code is not None else None,
                probability=member.probability,
                status=member.status,
                rank=member.rank,
                reviewed=member.source_kind in REVIEWED_SOURCE_KINDS,
            )
        )
    return {name: CodeSetPublic(data=items, count=len(items)) for name, items in found.items()}


def strategy_brief(strategy: object) -> StrategyBrief:
    """A strategy (catalog ``StrategyInfo`` or ``StrategyRow``) as the API shows it."""
    status = getattr(strategy, "extraction_status", None) or ExtractionStatus.NONE.value
    strategy_id = int(strategy.id)  # type: ignore[attr-defined]
    return StrategyBrief(
        id=strategy_id,
        title=strategy.title,  # type: ignore[attr-defined]
        region=strategy.region,  # type: ignore[attr-defined]
        nuts_code=strategy.nuts_code,  # type: ignore[attr-defined]
        country=strategy.country,  # type: ignore[attr-defined]
        period=strategy.period,  # type: ignore[attr-defined]
        extraction_status=status,
        pdf_url=pdf_url(strategy_id) if status != ExtractionStatus.NONE.value else None,
        illustrative=getattr(strategy, "source_kind", None) == ILLUSTRATIVE_SOURCE_KIND,
    )


def provenance_fields(brief: StrategyBrief, pages: list[int]) -> dict[str, object]:
    """``extraction_reviewed`` and ``source_url`` of a priority of this strategy."""
    return {
        "extraction_reviewed": brief.extraction_status != ExtractionStatus.PENDING.value,
        "source_url": source_page_url(brief.id, pages) if brief.pdf_url else None,
    }


def priority_public(
    catalog: Catalog, row: int, served: dict[str, Taxonomy], **extra: object
) -> PriorityPublic:
    """A catalog row as a ``PriorityPublic``."""
    brief = strategy_brief(catalog.strategies[int(catalog.strategy_ids[row])])
    return PriorityPublic(
        id=int(catalog.ids[row]),
        title=catalog.titles[row],
        description=catalog.descriptions[row],
        keywords=catalog.keywords[row],
        language=catalog.language.value(row),
        strategy=brief,
        labels=[label_public(label, served) for label in catalog.labels[row]],
        code_sets=code_sets_public(catalog.code_sets[row] if catalog.code_sets else (), served),
        **provenance_fields(brief, catalog.pages[row]),
        source=catalog.sources[row],
        illustrative=brief.illustrative,
        **extra,
    )


@router.get("", response_model=Page[PriorityPublic], summary="Search and filter priorities")
def list_priorities(
    search: SearchDep,
    served: TaxonomiesDep,
    _reader: ReadAccess,
    filters: FiltersDep,
    q: QueryText = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sort: SortKey = None,
) -> Page[PriorityPublic]:
    """Priorities matching the filters (and ``q``), ranked and paged; ``count`` is the total."""
    check_text(q)
    page = search.search(SearchRequest(q=q, filters=filters, limit=limit, offset=offset, sort=sort))
    data = [
        priority_public(
            page.catalog,
            hit.row,
            served,
            score=hit.score,
            explanation=ExplanationPublic(**hit.explanation.__dict__) if hit.explanation else None,
        )
        for hit in page.hits
    ]
    return Page[PriorityPublic](data=data, count=page.count)


PriorityId = path_id("priority")


@router.get(
    "/{priority_id}",
    response_model=PriorityDetail,
    summary="One priority",
    responses=errors(404, e404="No such priority."),
)
def read_priority(
    priority_id: PriorityId, served: TaxonomiesDep, session: SessionDep, _reader: ReadAccess
) -> PriorityDetail:
    """A priority with its strategy, passage, pages, keywords, labels and full history."""
    row = get_priority(session, priority_id)
    strategy = row.strategy
    current = [
        LabelInfo(
            label.taxonomy,
            label.code,
            label.status,
            label.probability,
            label.source_kind,
            label.model_version,
            label.reviewer,
            label.rank,
            bool(label.in_set),
        )
        for label in sorted(row.labels, key=lambda x: (x.taxonomy, x.rank or 0, x.id))
        if label.is_current
    ]
    members = [label for label in current if label.in_set and label.status != "rejected"]
    brief = strategy_brief(strategy)
    return PriorityDetail(
        id=row.id,
        title=row.title,
        description=row.description,
        keywords=list(row.keywords or []),
        language=row.language,
        strategy=brief,
        **provenance_fields(brief, list(row.pages or [])),
        source=row.source,
        illustrative=brief.illustrative,
        labels=[label_public(label, served) for label in current],
        code_sets=code_sets_public(members, served),
        pages=list(row.pages or []),
        confidence=row.confidence,
        rank=row.rank,
        parent_id=row.parent_id,
        label_history=[
            LabelHistoryPublic.model_validate(label, from_attributes=True)
            for label in label_history(session, row.id)
        ],
        audit=[
            AuditPublic.model_validate(entry, from_attributes=True)
            for entry in audit_history(session, "priority", row.id)
        ],
    )
