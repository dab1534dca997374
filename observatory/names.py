"""Names every layer shares, without pydantic: the taxonomies, roles and label life cycle.

``observatory.domain`` re-exports them beside its models; commands that need no model (the
CLI's option types, ``classify-text``) import them from here, which costs no schema building.
"""

from __future__ import annotations

from enum import StrEnum

TAXONOMY_NAMES = ("nace", "nabs", "ecosystem")


class Role(StrEnum):
    """What a user may do: analysts read, reviewers decide, adjudicators settle conflicts."""

    ANALYST = "analyst"
    REVIEWER = "reviewer"
    ADJUDICATOR = "adjudicator"
    ADMIN = "admin"


class LabelStatus(StrEnum):
    """Life of a label: suggested by a model, then accepted (automatically or by a person)."""

    SUGGESTED = "suggested"
    AUTO_ACCEPTED = "auto_accepted"
    ACCEPTED = "accepted"
    CORRECTED = "corrected"
    REJECTED = "rejected"


class LabelSource(StrEnum):
    """Who produced a label."""

    MODEL = "model"
    REVIEWER = "reviewer"
    IMPORT = "import"
