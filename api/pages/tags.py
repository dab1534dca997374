"""Which labels count as a priority's tags, NACE roll-up, and the review status of a priority.

Pages show and count *assigned* tags: labels in force that were accepted (automatically or by a
person) or corrected, plus the model's top suggestion while a pair still waits for review.
Lower-ranked suggestions are offered to reviewers but do not tag a priority.
"""

from __future__ import annotations

from collections.abc import Iterable

from observatory.domain import LabelStatus
from observatory.store.tables import LabelRow

# NACE Rev. 2 divisions by section (official code ranges).
_NACE_SECTION_RANGES = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
)  # fmt: skip

REVIEW_STATUSES = ("pending", "reviewed", "auto_accepted", "suggested", "unlabelled")
# the JSON API's status filter names a waiting priority "unreviewed"
EXPORT_STATUS = {"pending": "unreviewed"}
REVIEW_STATUS_LABELS = {
    "pending": "Waiting for review",
    "reviewed": "Reviewed",
    "auto_accepted": "Accepted automatically",
    "suggested": "Model suggestion",
    "unlabelled": "No tags",
}


def nace_section(code: str) -> str | None:
    """The NACE section of a section, division, group or class code ('26.1' -> 'C')."""
    code = code.strip().upper()
    if len(code) == 1 and code.isalpha():
        return code
    digits = code.lstrip("ABCDEFGHIJKLMNOPQRSTU")[:2]
    if not digits.isdigit():
        return None
    division = int(digits)
    for section, first, last in _NACE_SECTION_RANGES:
        if first <= division <= last:
            return section
    return None


def nace_division(code: str) -> str | None:
    """The two-digit NACE division of a division, group or class code (None for a section)."""
    digits = code.strip().upper().lstrip("ABCDEFGHIJKLMNOPQRSTU")[:2]
    return digits if len(digits) == 2 and digits.isdigit() else None


def is_assigned(label: LabelRow) -> bool:
    """Whether a label in force tags its priority (see the module docstring)."""
    if not label.is_current or label.status == LabelStatus.REJECTED.value:
        return False
    if label.status == LabelStatus.SUGGESTED.value:
        return label.rank in (None, 1)
    return True


def facet_keys(label: LabelRow) -> list[tuple[str, str]]:
    """The (facet, value) pairs an assigned label contributes to search facets."""
    if label.taxonomy == "nace":
        keys = []
        section = nace_section(label.code)
        division = nace_division(label.code)
        if section:
            keys.append(("nace_section", section))
        if division:
            keys.append(("nace_division", division))
        return keys
    return [(label.taxonomy, label.code)]


def review_status(labels: Iterable[LabelRow], pending: bool) -> str:
    """One word for where a priority's tags stand (one of ``REVIEW_STATUSES``)."""
    if pending:
        return "pending"
    statuses = {label.status for label in labels if label.is_current}
    if statuses & {LabelStatus.ACCEPTED.value, LabelStatus.CORRECTED.value}:
        return "reviewed"
    if LabelStatus.AUTO_ACCEPTED.value in statuses:
        return "auto_accepted"
    if LabelStatus.SUGGESTED.value in statuses:
        return "suggested"
    return "unlabelled"
