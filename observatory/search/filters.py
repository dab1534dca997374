"""Priority filters (territory, taxonomy codes, review status, language, period) as row masks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from observatory.domain import TAXONOMY_NAMES
from observatory.errors import InvalidInput
from observatory.filter_fields import STATUS_FILTERS
from observatory.search.catalog import REVIEWED_BITS, STATUS_BITS, Catalog
from taxonomies import Taxonomy, TaxonomyError

SORT_KEYS = ("relevance", "strategy", "title", "confidence", "id")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_NUTS = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{0,3}$")


@dataclass(frozen=True)
class PriorityFilters:
    """Which priorities to consider; empty fields do not filter. Values within one field are
    alternatives (OR); fields combine with AND."""

    country: tuple[str, ...] = ()
    nuts: tuple[str, ...] = ()
    codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    status: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    period: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not (
            self.country
            or self.nuts
            or any(self.codes.values())
            or self.status
            or self.language
            or self.period
        )


def make_filters(
    *,
    country: list[str] | None = None,
    nuts: list[str] | None = None,
    nace: list[str] | None = None,
    nabs: list[str] | None = None,
    ecosystem: list[str] | None = None,
    status: list[str] | None = None,
    language: list[str] | None = None,
    period: list[str] | None = None,
    taxonomies: Mapping[str, Taxonomy] | None = None,
) -> PriorityFilters:
    """Validate raw filter values (``InvalidInput`` lists every bad one) and normalise codes.

    The keyword arguments are the names of ``observatory.filter_fields.FILTER_FIELDS``.
    """
    problems: list[str] = []
    countries = _split(country)
    for value in countries:
        if not _COUNTRY.match(value):
            problems.append(f"country {value!r} is not a two-letter code")
    regions = _split(nuts)
    for value in regions:
        if not _NUTS.match(value):
            problems.append(f"nuts {value!r} is not a NUTS code (e.g. ES, ES5, ES51, ES511)")
    statuses = _split(status)
    for value in statuses:
        if value not in STATUS_FILTERS:
            problems.append(f"status {value!r} is not one of {', '.join(STATUS_FILTERS)}")
    codes: dict[str, tuple[str, ...]] = {}
    for name, raw in zip(TAXONOMY_NAMES, (nace, nabs, ecosystem), strict=True):
        values = _split(raw)
        if not values:
            continue
        taxonomy = (taxonomies or {}).get(name)
        normalised = []
        for value in values:
            if taxonomy is None:
                normalised.append(value)
                continue
            try:
                normalised.append(taxonomy.normalize(value))
            except TaxonomyError:
                problems.append(f"{name} code {value!r} does not exist")
        codes[name] = tuple(normalised)
    if problems:
        raise InvalidInput("; ".join(problems), errors=problems)
    return PriorityFilters(
        country=tuple(v.upper() for v in countries),
        nuts=tuple(v.upper() for v in regions),
        codes=codes,
        status=tuple(statuses),
        language=tuple(v.lower() for v in _split(language)),
        period=tuple(_split(period)),
    )


def _split(values: list[str] | None) -> list[str]:
    """Accept repeated parameters and comma-separated lists alike."""
    found: list[str] = []
    for value in values or []:
        found.extend(part.strip() for part in str(value).split(",") if part.strip())
    return found


def filter_mask(catalog: Catalog, filters: PriorityFilters) -> np.ndarray | None:
    """Boolean row mask of the priorities that pass, or None when nothing is filtered."""
    if filters.is_empty():
        return None
    mask = np.ones(len(catalog), dtype=bool)
    if filters.country:
        # Greece is EL in NUTS and GR in ISO: accept either spelling
        wanted = {_country_alias(c) for c in filters.country} | set(filters.country)
        mask &= catalog.country.mask(lambda v: v is not None and v.upper() in wanted)
    if filters.nuts:
        prefixes = filters.nuts
        mask &= catalog.nuts.mask(lambda v: v is not None and v.upper().startswith(prefixes))
    for name, codes in filters.codes.items():
        if not codes:
            continue
        index = catalog.code_rows.get(name, {})
        hits = np.zeros(len(catalog), dtype=bool)
        for code in codes:
            rows = index.get(code)
            if rows is not None:
                hits[rows] = True
        mask &= hits
    if filters.status:
        mask &= status_mask(catalog.status_bits, filters.status)
    if filters.language:
        languages = set(filters.language)
        mask &= catalog.language.mask(lambda v: (v or "").lower() in languages)
    if filters.period:
        periods = set(filters.period)
        mask &= catalog.period.mask(lambda v: v in periods)
    return mask


def status_mask(bits: np.ndarray, statuses: tuple[str, ...]) -> np.ndarray:
    """Rows whose labels in force have any of ``statuses`` (see ``STATUS_FILTERS``)."""
    hits = np.zeros(len(bits), dtype=bool)
    for status in statuses:
        if status == "reviewed":
            hits |= (bits & REVIEWED_BITS) != 0
        elif status == "unreviewed":
            hits |= (bits != 0) & ((bits & REVIEWED_BITS) == 0)
        elif status == "unlabelled":
            hits |= bits == 0
        else:
            hits |= (bits & STATUS_BITS[status]) != 0
    return hits


def _country_alias(code: str) -> str:
    return {"GR": "EL", "EL": "GR", "GB": "UK", "UK": "GB"}.get(code.upper(), code.upper())
