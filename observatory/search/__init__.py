"""Priority search: an in-memory catalog of the store, filters, BM25 and hybrid ranking."""

from observatory.filter_fields import FILTER_FIELDS, FilterField
from observatory.search.catalog import (
    Catalog,
    LabelInfo,
    build_catalog,
    served_taxonomies,
)
from observatory.search.catalog_cache import CatalogCache
from observatory.search.facets import FacetCounts, facet_counts, region_counts, row_status
from observatory.search.filters import PriorityFilters, filter_mask, make_filters
from observatory.search.service import (
    DenseSearch,
    MatchExplanation,
    SearchHit,
    SearchPage,
    SearchRequest,
    SearchService,
)

__all__ = [
    "FILTER_FIELDS",
    "Catalog",
    "CatalogCache",
    "DenseSearch",
    "FacetCounts",
    "FilterField",
    "LabelInfo",
    "MatchExplanation",
    "PriorityFilters",
    "SearchHit",
    "SearchPage",
    "SearchRequest",
    "SearchService",
    "build_catalog",
    "facet_counts",
    "filter_mask",
    "make_filters",
    "region_counts",
    "row_status",
    "served_taxonomies",
]
