"""Facet counts over a set of catalog rows: how many of them each filter value would keep.

Counts use the same definitions as ``filter_mask`` (a NUTS code counts its sub-regions, a code
counts the labels under it, a status counts the rows any label in force has it on), so ticking
a facet value in a list of results narrows it to exactly the count shown next to the value.
"""

from __future__ import annotations

import numpy as np

from observatory.search.catalog import REVIEWED_BITS, STATUS_BITS, Catalog, Categorical
from observatory.search.filters import STATUS_FILTERS, status_mask

FacetCounts = dict[str, list[tuple[str, int]]]


def facet_counts(catalog: Catalog, mask: np.ndarray | None) -> FacetCounts:
    """Per facet (country, nuts, language, status, and each taxonomy by code, ancestors
    included), ``(value, count)`` pairs of the rows in ``mask`` (all rows when None), most
    frequent first; values no row has are left out."""
    selected = np.ones(len(catalog), dtype=bool) if mask is None else mask
    facets: FacetCounts = {
        "country": _categorical_counts(catalog.country, selected),
        "nuts": _prefix_counts(_categorical_counts(catalog.nuts, selected)),
        "language": _categorical_counts(catalog.language, selected),
        "status": [
            (status, count)
            for status in STATUS_FILTERS
            if (count := int((status_mask(catalog.status_bits, (status,)) & selected).sum()))
        ],
    }
    for taxonomy, codes in catalog.code_rows.items():
        counts = ((code, int(selected[rows].sum())) for code, rows in codes.items())
        facets[taxonomy] = _ranked([(code, count) for code, count in counts if count])
    return facets


def region_counts(catalog: Catalog, taxonomy: str, code: str) -> dict[str, int]:
    """Priorities per stored NUTS code that carry ``code`` (or a code under it); every stored
    NUTS code is listed, with 0 where none does."""
    counts = np.zeros(len(catalog.nuts.levels), dtype=np.int64)
    rows = catalog.code_rows.get(taxonomy, {}).get(code)
    if rows is not None and len(rows):
        counts += np.bincount(catalog.nuts.codes[rows], minlength=len(counts))
    return {
        level: int(count)
        for level, count in zip(catalog.nuts.levels, counts, strict=True)
        if level is not None
    }


def row_status(catalog: Catalog, row: int) -> str:
    """One word for where a priority's tags stand: reviewed (accepted or corrected by a
    person), auto_accepted, suggested (waiting for a person) or unlabelled."""
    bits = int(catalog.status_bits[row])
    if bits & REVIEWED_BITS:
        return "reviewed"
    if bits & STATUS_BITS["auto_accepted"]:
        return "auto_accepted"
    if bits & STATUS_BITS["suggested"]:
        return "suggested"
    return "unlabelled"


def _categorical_counts(column: Categorical, selected: np.ndarray) -> list[tuple[str, int]]:
    counts = np.bincount(column.codes[selected], minlength=len(column.levels))
    return _ranked(
        [
            (level, int(count))
            for level, count in zip(column.levels, counts, strict=True)
            if level is not None and count
        ]
    )


def _prefix_counts(exact: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A NUTS code filters by prefix, so its count includes the codes under it."""
    return _ranked(
        [
            (code, sum(count for other, count in exact if other.startswith(code)))
            for code, _count in exact
        ]
    )


def _ranked(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(pairs, key=lambda item: (-item[1], item[0]))
