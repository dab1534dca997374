"""Public (response) and Create (request) schemas of the API; lists are ``{data, count}``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, field_validator

from api.limits import (
    MAX_CANDIDATE_LIST,
    MAX_CLASSIFY_TEXT_CHARS,
    MAX_CODE_CHARS,
    MAX_CODES_PER_DECISION,
    MAX_COUNTRY_CHARS,
    MAX_DECISION_COMMENT_CHARS,
    MAX_NUTS_CHARS,
    MAX_PAGE_NUMBER,
    MAX_PAGES_PER_ITEM,
    MAX_TAXONOMY_NAMES,
    StoredId,
)
from observatory.domain import TAXONOMY_NAMES
from observatory.extraction.decide import MAX_DESCRIPTION_CHARS, MAX_ITEMS, MAX_TITLE_CHARS
from observatory.extraction.queue import MAX_COMMENT_CHARS

T = TypeVar("T")
TaxonomyName = Literal[TAXONOMY_NAMES]  # "nace", "nabs", "ecosystem"
Code = Annotated[str, Field(max_length=MAX_CODE_CHARS)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE_NUMBER)]


class Page(BaseModel, Generic[T]):
    """A page of results: ``count`` is the total number of matches, not the page size."""

    data: list[T]
    count: int


class LabelPublic(BaseModel):
    """A label in force on a priority."""

    taxonomy: str
    code: str
    title: str | None = None
    status: str
    probability: float | None = None
    source: str = Field(description="The model version, or 'reviewer:<name>', that set it.")


class CodeSetMemberPublic(BaseModel):
    """One member of a priority's code set in one taxonomy, with its own decision."""

    code: str
    title: str | None = None
    probability: float | None = Field(None, description="The model's calibrated probability.")
    status: str = Field(
        description="suggested (an AI tag, not reviewed), auto_accepted (passed the gate, not "
        "reviewed), accepted or corrected (by a reviewer)."
    )
    rank: int | None = None
    reviewed: bool = Field(description="Whether a person (reviewer or import) set it.")


class CodeSetPublic(BaseModel):
    """The code set of one taxonomy: the top code plus the further likely ones, best first."""

    data: list[CodeSetMemberPublic]
    count: int


class StrategyBrief(BaseModel):
    """The strategy a priority belongs to."""

    id: int
    title: str
    region: str | None = None
    nuts_code: str | None = None
    country: str | None = None
    period: str | None = None
    extraction_status: str = Field(
        "none",
        description="Whether a person checked the extracted priorities: 'pending' (waiting in "
        "the extraction review queue: the priorities are unreviewed), 'reviewed', 'automatic' "
        "(confident extraction, not reviewed) or 'none' (typed or imported priorities).",
    )
    pdf_url: str | None = Field(None, description="The strategy's PDF, when one was ingested.")
    illustrative: bool = Field(
        False,
        description="True for the invented sample corpus (`observatory demo load`): not a real "
        "strategy, although it uses real region codes.",
    )


class ExplanationPublic(BaseModel):
    """Why a priority matched the query."""

    matched_terms: list[str]
    bm25_score: float | None = None
    bm25_rank: int | None = None
    dense_similarity: float | None = None
    dense_rank: int | None = None
    fused_score: float


class PriorityPublic(BaseModel):
    """A priority as listed."""

    id: int
    title: str
    description: str
    keywords: list[str]
    language: str | None = None
    strategy: StrategyBrief
    labels: list[LabelPublic]
    code_sets: dict[str, CodeSetPublic] = Field(
        default_factory=dict,
        description="Per taxonomy (nace, nabs, ecosystem), the codes of the priority's set, "
        "each with its probability, status and rank (count 0: no code).",
    )
    score: float | None = None
    explanation: ExplanationPublic | None = None
    extraction_reviewed: bool = Field(
        True,
        description="False while the strategy's extraction waits for review: the priority may "
        "be wrong, and its tags are never auto-accepted.",
    )
    source_url: str | None = Field(
        None, description="The page of the strategy's PDF this priority was read from."
    )
    source: str | None = Field(
        None, description="Where the priority comes from, as its importer gave it."
    )
    illustrative: bool = Field(
        False, description="True for a priority of the invented sample corpus (not real)."
    )


class LabelHistoryPublic(BaseModel):
    """Any label the priority ever had (retired ones included)."""

    taxonomy: str
    code: str
    status: str
    probability: float | None = None
    source_kind: str
    model_id: str | None = None
    model_version: str | None = None
    reviewer: str | None = None
    is_current: bool
    created_at: datetime
    retired_at: datetime | None = None


class AuditPublic(BaseModel):
    """An audit record of the priority."""

    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    comment: str | None = None


class PriorityDetail(PriorityPublic):
    """A priority with its source passage, pages and full label history."""

    pages: list[int]
    confidence: float | None = None
    rank: int
    parent_id: int | None = None
    label_history: list[LabelHistoryPublic]
    audit: list[AuditPublic]


class TaxonomyBrief(BaseModel):
    """A served taxonomy."""

    name: str
    version: str
    title: str
    levels: list[str]
    codes: int


class CodePublic(BaseModel):
    """A taxonomy code."""

    code: str
    level: str
    parent: str | None = None
    title: str
    description: str = ""


class CodeDetail(CodePublic):
    """A code with its children and how many priorities carry it (or any code below it)."""

    taxonomy: str
    children: list[CodePublic]
    ancestors: list[CodePublic]
    priority_count: int


class CodeShare(BaseModel):
    """How many of a region's priorities carry a code."""

    code: str
    title: str | None = None
    count: int
    share: float
    idf: float


class PriorityBrief(BaseModel):
    """A priority by id and title."""

    id: int
    title: str


class RegionProfilePublic(BaseModel):
    """A region's strategy, its priorities and its code profile per taxonomy."""

    region: str
    strategies: list[StrategyBrief]
    priorities: list[PriorityBrief]
    profile: dict[str, list[CodeShare]]


class RegionBrief(BaseModel):
    """A region with a stored strategy."""

    region: str
    country: str | None = None
    name: str | None = None
    priorities: int


class SharedCodePublic(BaseModel):
    """A code both sides have; ``weight`` is its IDF over regions (rare codes weigh more)."""

    taxonomy: str
    code: str
    title: str | None = None
    weight: float
    share_query: float
    share_candidate: float


class SimilarPairPublic(BaseModel):
    """Two similar priorities; the query side is null for a partnership's description."""

    query_priority_id: int | None
    query_title: str | None = None
    candidate_priority_id: int
    candidate_title: str | None = None
    similarity: float


class ChainGapPublic(BaseModel):
    """Where the candidate is strong and the region weak in one value chain."""

    ecosystem: str
    title: str | None = None
    divisions: list[dict[str, Any]]
    score: float


class PartnerPublic(BaseModel):
    """A ranked partner region and why."""

    region: str
    name: str | None = None
    score: float
    code_score: float
    semantic_score: float | None = None
    shared_codes: list[SharedCodePublic]
    similar_pairs: list[SimilarPairPublic]
    chains: list[ChainGapPublic]
    role: str | None = Field(None, description="For partnership candidates: 'interested'.")


class PartnershipRegionPublic(BaseModel):
    """A region's role in a partnership."""

    nuts_code: str
    role: str


class PartnershipPublic(BaseModel):
    """A thematic partnership."""

    id: int
    name: str
    thematic_platform: str | None = None
    description: str
    regions: list[PartnershipRegionPublic]


class DecisionCreate(BaseModel):
    """A reviewer's decision on a claimed task."""

    action: Literal["accept", "reject", "correct", "set", "skip"] = Field(
        description="accept, reject, correct, set (a verdict per code) or skip"
    )
    codes: list[Code] = Field(default_factory=list, max_length=MAX_CODES_PER_DECISION)
    comment: str | None = Field(None, max_length=MAX_DECISION_COMMENT_CHARS)
    verdicts: dict[Code, Literal["accept", "reject"]] = Field(
        default_factory=dict,
        max_length=MAX_CODES_PER_DECISION,
        description="With action 'set': accept or reject for every member of the task's code set.",
    )
    add: list[Code] = Field(
        default_factory=list,
        max_length=MAX_CODES_PER_DECISION,
        description="With action 'set': codes to add.",
    )
    none_fits: bool = Field(
        False, description="With action 'set': no code fits (every member rejected, none added)."
    )


class ClaimCreate(BaseModel):
    """Which part of the queue to claim from (all optional)."""

    taxonomy: TaxonomyName | None = None
    country: str | None = Field(None, max_length=MAX_COUNTRY_CHARS)
    nuts_prefix: str | None = Field(None, max_length=MAX_NUTS_CHARS)
    strategy_id: StoredId | None = None
    code: Code | None = None


class BulkAcceptCreate(ClaimCreate):
    """Accept every open suggestion above a probability; preview with ``dry_run``."""

    min_probability: float = Field(ge=0.0, le=1.0)
    dry_run: bool = True


class ReviewedItemCreate(BaseModel):
    """A priority of a reviewed extraction list."""

    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS)
    description: str = Field("", max_length=MAX_DESCRIPTION_CHARS)
    pages: list[PageNumber] = Field(default_factory=list, max_length=MAX_PAGES_PER_ITEM)
    parent: str | None = Field(None, max_length=MAX_TITLE_CHARS)
    priority_id: StoredId | None = Field(
        None, description="The stored priority this item continues (kept with its tags)."
    )
    merged_ids: list[StoredId] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Stored priorities folded into it."
    )


class ExtractionDecisionCreate(BaseModel):
    """The reviewer's list for a strategy: the priorities it really selects, in order."""

    chosen_list: int | None = Field(
        None,
        ge=0,
        le=MAX_CANDIDATE_LIST,
        description="Position of the candidate list the reviewer started from.",
    )
    items: list[ReviewedItemCreate] = Field(min_length=1, max_length=MAX_ITEMS)
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)


class ExtractionRequestCreate(BaseModel):
    """Ask for an extraction review of a strategy."""

    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)


class ClassifyCreate(BaseModel):
    """A text to classify; each taxonomy is classified once, however often it is named."""

    text: str = Field(min_length=1, max_length=MAX_CLASSIFY_TEXT_CHARS)
    taxonomies: list[TaxonomyName] = Field(
        default_factory=lambda: list(TAXONOMY_NAMES), min_length=1, max_length=MAX_TAXONOMY_NAMES
    )
    top_k: int = Field(5, ge=1, le=20)

    @field_validator("taxonomies")
    @classmethod
    def _once_each(cls, names: list[str]) -> list[str]:
        return list(dict.fromkeys(names))
