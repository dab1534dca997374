"""Region profiles: how many of a region's priorities carry each taxonomy code.

Profiles are computed once per catalog snapshot for every region, as a dense regions x codes
matrix, so ranking 300 regions is a handful of matrix products.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from observatory.search.catalog import Catalog
from taxonomies import Taxonomy, TaxonomyError

# Profiles compare regions at a level every classifier output reaches.
PROFILE_LEVELS = {"nace": "division", "nabs": "chapter", "ecosystem": "ecosystem"}


@dataclass
class RegionProfiles:
    """Every region's code counts, IDF weights and priority rows in one snapshot."""

    regions: list[str]
    region_index: dict[str, int]
    code_keys: list[tuple[str, str]]  # (taxonomy, code)
    counts: np.ndarray  # regions x codes: priorities of the region tagged with the code
    sizes: np.ndarray  # priorities per region
    idf: np.ndarray  # per code, over regions
    weighted: np.ndarray  # share x idf, rows L2-normalised
    rows: list[np.ndarray]  # catalog rows of each region's priorities
    centroids: np.ndarray | None  # unit mean vector per region (None without vectors)
    # the regions' priority vectors grouped by region, region i's (in the order of rows[i]) at
    # vectors[offsets[i]:offsets[i + 1]]: one contiguous block per region, so a partner
    # request multiplies views instead of gathering ~13,000 rows (~6 ms at 10^5 priorities)
    vectors: np.ndarray | None
    offsets: np.ndarray | None = None

    def block(self, region: int) -> np.ndarray:
        """The priority vectors of one region (a view, in the order of its rows)."""
        assert self.vectors is not None and self.offsets is not None
        return self.vectors[self.offsets[region] : self.offsets[region + 1]]

    def shares(self) -> np.ndarray:
        """Counts divided by the region's number of priorities."""
        return self.counts / np.maximum(self.sizes, 1)[:, None]

    def taxonomy_mask(self, taxonomy: str | None) -> np.ndarray:
        """Columns of one taxonomy (all when None)."""
        if taxonomy is None:
            return np.ones(len(self.code_keys), dtype=bool)
        return np.array([name == taxonomy for name, _ in self.code_keys], dtype=bool)


def profile_code(taxonomy: Taxonomy | None, name: str, code: str) -> str:
    """A label's code rolled up to the level profiles compare at."""
    if taxonomy is None:
        return code
    level = PROFILE_LEVELS.get(name)
    if level is None or level not in taxonomy.levels:
        level = taxonomy.levels[-1]
    try:
        return taxonomy.roll_up(code, level)
    except TaxonomyError:
        return code  # a code above the profile level (a NACE section) stays as it is


def build_profiles(
    catalog: Catalog,
    taxonomies: Mapping[str, Taxonomy],
    vectors: np.ndarray | None = None,
) -> RegionProfiles:
    """Profiles of every region (strategy NUTS code) in the catalog."""
    region_of_row = [catalog.nuts.value(r) for r in range(len(catalog))]
    regions = sorted({r for r in region_of_row if r})
    region_index = {code: i for i, code in enumerate(regions)}
    rows_by_region: list[list[int]] = [[] for _ in regions]
    for row, region in enumerate(region_of_row):
        if region:
            rows_by_region[region_index[region]].append(row)
    column: dict[tuple[str, str], int] = {}
    cells: dict[tuple[int, int], set[int]] = {}
    rolled: dict[tuple[str, str], str] = {}
    for row, region in enumerate(region_of_row):
        if not region:
            continue
        for label in catalog.labels[row]:
            if label.status == "rejected":
                continue
            key = (label.taxonomy, label.code)
            if key not in rolled:
                rolled[key] = profile_code(taxonomies.get(label.taxonomy), *key)
            target = (label.taxonomy, rolled[key])
            col = column.setdefault(target, len(column))
            cells.setdefault((region_index[region], col), set()).add(row)
    counts = np.zeros((len(regions), len(column)), dtype=np.float32)
    for (r, c), rows in cells.items():
        counts[r, c] = len(rows)
    sizes = np.array([len(rows) for rows in rows_by_region], dtype=np.float32)
    document_frequency = (counts > 0).sum(axis=0)
    # rare codes say more about a pair of regions than codes nearly every region has
    idf = np.log((1.0 + len(regions)) / (1.0 + document_frequency)) + 1.0
    weighted = normalise_rows(counts / np.maximum(sizes, 1)[:, None] * idf)
    rows = [np.array(r, dtype=np.int64) for r in rows_by_region]
    centroids = offsets = None
    if vectors is not None and len(vectors) == len(catalog):
        offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
        order = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors[order], dtype=np.float32)
        centroids = np.zeros((len(regions), vectors.shape[1]), dtype=np.float32)
        for i in range(len(regions)):
            if offsets[i + 1] > offsets[i]:
                centroids[i] = vectors[offsets[i] : offsets[i + 1]].mean(axis=0)
        centroids = normalise_rows(centroids)
    else:
        vectors = None
    return RegionProfiles(
        regions=regions,
        region_index=region_index,
        code_keys=list(column),
        counts=counts,
        sizes=sizes,
        idf=idf.astype(np.float32),
        weighted=weighted.astype(np.float32),
        rows=rows,
        centroids=centroids,
        vectors=vectors,
        offsets=offsets,
    )


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
