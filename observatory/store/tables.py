"""SQLAlchemy tables of the store. The Alembic migrations in observatory/migrations create them.

Labels keep their source (model id and version, or reviewer); review decisions and the audit log
are append-only: a correction adds rows and retires the old ones, it never rewrites history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware current time; every timestamp in the store is UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of all observatory tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class StrategyRow(Base):
    """One version of a regional or national S3 strategy document."""

    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    title: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(300))
    nuts_code: Mapped[str | None] = mapped_column(String(10), index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    period: Mapped[str | None] = mapped_column(String(60))
    source_kind: Mapped[str] = mapped_column(String(20), default="pdf")
    source_path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    pages: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # where the selected priorities came from and whether a person checked them:
    # none (typed or imported), automatic, pending (in the extraction review queue), reviewed
    extraction_status: Mapped[str] = mapped_column(
        String(20), default="none", server_default="none", index=True
    )
    extraction_confidence: Mapped[float | None] = mapped_column(Float)
    # the PDF every version read from this file keeps (``sha256`` moves to the newest of them)
    source_sha256: Mapped[str | None] = mapped_column(String(64), index=True)

    priorities: Mapped[list[PriorityRow]] = relationship(
        back_populates="strategy", order_by="PriorityRow.rank"
    )


class PriorityRow(Base):
    """A priority (domain or sub-priority) that a strategy selects."""

    __tablename__ = "priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id"))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[list[Any]] = mapped_column(default=list)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    confidence: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(Text)  # as the importer gave it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    strategy: Mapped[StrategyRow] = relationship(back_populates="priorities")
    labels: Mapped[list[LabelRow]] = relationship(back_populates="priority")


class TaxonomyCodeRow(Base):
    """A code of an imported classification (all levels, notes, titles per language)."""

    __tablename__ = "taxonomy_codes"
    __table_args__ = (UniqueConstraint("taxonomy", "version", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    parent: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TaxonomyImportRow(Base):
    """Provenance of one import of an official classification file."""

    __tablename__ = "taxonomy_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(8))
    source_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    code_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CorrespondenceRow(Base):
    """One link of a correspondence table between two classification versions."""

    __tablename__ = "taxonomy_correspondence"
    __table_args__ = (
        UniqueConstraint("taxonomy", "from_version", "from_code", "to_version", "to_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy: Mapped[str] = mapped_column(String(20))
    from_version: Mapped[str] = mapped_column(String(10))
    from_code: Mapped[str] = mapped_column(String(40))
    to_version: Mapped[str] = mapped_column(String(10))
    to_code: Mapped[str] = mapped_column(String(40))


class LabelRow(Base):
    """A taxonomy code attached to a priority, by a model or a reviewer.

    ``is_current`` marks the labels in force; retired labels stay for the history. ``in_set``
    marks the members of the (priority, taxonomy) code set (``pipelines.classify.code_set``):
    the codes the priority is tagged with, each with its own probability and status; a label
    in force outside the set is a further suggestion a reviewer may add.
    """

    __tablename__ = "labels"
    __table_args__ = (
        Index("ix_labels_current", "priority_id", "taxonomy", "is_current"),
        # "retired since the catalog was read" after each review decision (migration 0007)
        Index("ix_labels_retired_at", "retired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id"), index=True)
    taxonomy: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default="suggested")
    probability: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    source_kind: Mapped[str] = mapped_column(String(20), default="model")
    model_id: Mapped[str | None] = mapped_column(String(200))
    model_version: Mapped[str | None] = mapped_column(String(100))
    taxonomy_version: Mapped[str | None] = mapped_column(String(10))
    reviewer: Mapped[str | None] = mapped_column(String(100))
    rationale: Mapped[list[Any]] = mapped_column(default=list)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    in_set: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    priority: Mapped[PriorityRow] = relationship(back_populates="labels")


class ReviewTaskRow(Base):
    """One (priority, taxonomy) pair waiting for human review."""

    __tablename__ = "review_tasks"
    __table_args__ = (
        Index("ix_review_tasks_queue", "status", "taxonomy", "doubt"),
        Index(
            "uq_review_tasks_pending",
            "priority_id",
            "taxonomy",
            unique=True,
            sqlite_where=text("status IN ('open', 'adjudication')"),
            postgresql_where=text("status IN ('open', 'adjudication')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id"), index=True)
    taxonomy: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    reason: Mapped[str] = mapped_column(String(20), default="gate")
    doubt: Mapped[float] = mapped_column(Float, default=1.0)
    required_reviews: Mapped[int] = mapped_column(Integer, default=1)
    model_version: Mapped[str | None] = mapped_column(String(100))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewDecisionRow(Base):
    """A reviewer's decision on a task (append-only; an undo is a new row)."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("review_tasks.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(20))
    codes: Mapped[list[Any]] = mapped_column(default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("review_decisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRow(Base):
    """Append-only audit trail: who did what to which entity, with before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)


class StoreChangesRow(Base):
    """One row counting writes to priorities and strategies (kept by database triggers,
    migration 0008), so a server learns that the searchable content changed from one row."""

    __tablename__ = "store_changes"
    __table_args__ = (CheckConstraint("id = 1", name="ck_store_changes_one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class UserRow(Base):
    """A person or service with a role; only the hash of the API key is stored."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    api_key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PartnershipRow(Base):
    """A Thematic Smart Specialisation Partnership."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    thematic_platform: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    regions: Mapped[list[PartnershipRegionRow]] = relationship(back_populates="partnership")


class PartnershipRegionRow(Base):
    """A region's role in a partnership: lead, member or interested."""

    __tablename__ = "partnership_regions"
    __table_args__ = (UniqueConstraint("partnership_id", "nuts_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    nuts_code: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20))

    partnership: Mapped[PartnershipRow] = relationship(back_populates="regions")


class ExtractionCandidateRow(Base):
    """One candidate list an extraction considered for a strategy version (the chosen one and
    its runners-up), with the page it starts on and its score; ``items`` holds
    ``{title, page, description}`` objects."""

    __tablename__ = "extraction_candidates"
    __table_args__ = (UniqueConstraint("strategy_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    heading: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ExtractionReviewRow(Base):
    """A request for, or a decision of, an extraction review (append-only).

    A decision keeps the reviewed list (``items``: ``{title, description, pages, parent}``)
    under the PDF's ``sha256``, so that re-ingesting the same file keeps it.
    """

    __tablename__ = "extraction_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(20))  # "request" | "decide"
    actor: Mapped[str] = mapped_column(String(100))
    chosen_position: Mapped[int | None] = mapped_column(Integer)
    items: Mapped[list[Any]] = mapped_column(default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
