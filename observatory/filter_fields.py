"""The priority filters both interfaces offer: names, help and bounds (standard library only,
so the CLI's ``--help`` stays fast; ``observatory.search.filters.make_filters`` validates them).

/api/priorities, /api/export and ``observatory export`` build their parameters from
``FILTER_FIELDS`` and pass what they receive to ``make_filters``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Review statuses of a label in force (the search catalog keeps one bit per status).
LABEL_STATUSES = ("suggested", "auto_accepted", "accepted", "corrected", "rejected")
STATUS_FILTERS = (*LABEL_STATUSES, "reviewed", "unreviewed", "unlabelled")
# Repeated values accepted per filter (a bound on query strings; status has few values).
MAX_FILTER_VALUES = 50
MAX_STATUS_VALUES = 10


@dataclass(frozen=True)
class FilterField:
    """One priority filter as both interfaces offer it: an API query parameter and a CLI option
    of the same name, repeatable (or comma-separated), validated by ``make_filters``."""

    name: str
    help: str
    max_values: int = MAX_FILTER_VALUES


# What a code filter matches among the members of a priority's code set (README "Code sets").
CODE_MATCH = (
    "; matches any accepted code of the priority's set, and before review its top code and "
    "likely codes; never a rejected one"
)

# The one definition of the priority filters.
FILTER_FIELDS = (
    FilterField("country", "Country code; GR/EL and GB/UK both work"),
    FilterField("nuts", "NUTS code; sub-regions match too"),
    FilterField("nace", "NACE code; a section matches its divisions" + CODE_MATCH),
    FilterField("nabs", "NABS chapter" + CODE_MATCH),
    FilterField("ecosystem", "Industrial ecosystem id" + CODE_MATCH),
    FilterField("status", f"Label review status: {', '.join(STATUS_FILTERS)}", MAX_STATUS_VALUES),
    FilterField("language", "Priority language (ISO 639-1)"),
    FilterField("period", "Strategy period"),
)
