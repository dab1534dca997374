"""The matching service: region profiles cached per catalog snapshot, partners, candidates."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from observatory.errors import InvalidInput, NotFound
from observatory.matching.complement import complement_partners
from observatory.matching.partners import (
    MatchQuery,
    PartnerMatch,
    members_query,
    overlap_partners,
    region_query,
)
from observatory.matching.profiles import RegionProfiles, build_profiles
from observatory.search.catalog import Catalog
from taxonomies import Taxonomy, TaxonomyError, ecosystem_nace_crosswalk

MODES = ("overlap", "complement")

# the catalog-aligned priority vectors (None when no embedder is available)
VectorSource = Callable[[Catalog], np.ndarray | None]


@dataclass(frozen=True)
class RegionProfile:
    """A region's strategy, priorities and per-taxonomy code profile."""

    region: str
    strategy_ids: list[int]
    rows: np.ndarray
    codes: dict[str, list[dict[str, object]]]


class MatchingService:
    """Ranks partner regions over the current catalog; profiles are rebuilt on store change."""

    def __init__(
        self,
        catalog: Callable[[], Catalog],
        taxonomies: Mapping[str, Taxonomy],
        vectors: VectorSource | None = None,
    ) -> None:
        self._catalog = catalog
        self.taxonomies = dict(taxonomies)
        self._vectors = vectors
        self._cached: tuple[tuple, RegionProfiles] | None = None
        self._lock = threading.Lock()
        self._chains: dict[str, list[str]] | None = None

    def profiles(self) -> tuple[Catalog, RegionProfiles]:
        """The current catalog and its region profiles (built once per snapshot)."""
        catalog = self._catalog()
        cached = self._cached
        if cached is None or cached[0] != catalog.stamp:
            with self._lock:
                if self._cached is None or self._cached[0] != catalog.stamp:
                    vectors = self._vectors(catalog) if self._vectors is not None else None
                    self._cached = (
                        catalog.stamp,
                        build_profiles(catalog, self.taxonomies, vectors),
                    )
                cached = self._cached
        return catalog, cached[1]

    def chains(self) -> dict[str, list[str]]:
        """Value chains: ecosystem -> its NACE divisions."""
        if self._chains is None:
            try:
                self._chains = ecosystem_nace_crosswalk(
                    self.taxonomies["ecosystem"], self.taxonomies["nace"]
                )
            except (KeyError, TaxonomyError):
                self._chains = {}
        return self._chains

    def region_profile(self, region: str) -> RegionProfile:
        """The profile of one region: counts and shares per code, per taxonomy."""
        catalog, profiles = self.profiles()
        index = profiles.region_index.get(region)
        if index is None:
            raise NotFound(f"no strategy is stored for region {region}")
        rows = profiles.rows[index]
        size = float(profiles.sizes[index])
        codes: dict[str, list[dict[str, object]]] = {}
        for column in np.flatnonzero(profiles.counts[index] > 0):
            name, code = profiles.code_keys[int(column)]
            count = int(profiles.counts[index, column])
            taxonomy = self.taxonomies.get(name)
            found = taxonomy.get(code) if taxonomy is not None else None
            codes.setdefault(name, []).append(
                {
                    "code": code,
                    "title": found.title if found is not None else None,
                    "count": count,
                    "share": round(count / max(size, 1.0), 4),
                    "idf": round(float(profiles.idf[column]), 4),
                }
            )
        for items in codes.values():
            items.sort(key=lambda item: (-int(item["count"]), str(item["code"])))
        strategy_ids = sorted({int(catalog.strategy_ids[r]) for r in rows})
        return RegionProfile(region, strategy_ids, rows, codes)

    def partners(
        self,
        region: str,
        *,
        taxonomy: str | None = None,
        limit: int = 10,
        like: Sequence[str] = (),
        unlike: Sequence[str] = (),
        mode: str = "overlap",
    ) -> list[PartnerMatch]:
        """Partner regions of ``region`` ranked by overlap or complementarity."""
        if mode not in MODES:
            raise InvalidInput(f"mode must be one of {', '.join(MODES)}")
        catalog, profiles = self.profiles()
        query = region_query(profiles, region, like=like, unlike=unlike, catalog_ids=catalog.ids)
        if mode == "complement":
            return complement_partners(
                profiles, query, self.chains(), limit=limit, titles=self.taxonomies
            )
        return self._overlap(profiles, query, catalog, taxonomy, limit)

    def candidates(
        self,
        members: Sequence[str],
        *,
        description_vector: np.ndarray | None = None,
        taxonomy: str | None = None,
        limit: int = 10,
    ) -> list[PartnerMatch]:
        """Regions that are not members whose priorities best match the members' scope."""
        catalog, profiles = self.profiles()
        extra = None if description_vector is None else description_vector.reshape(1, -1)
        query = members_query(profiles, members, extra_vectors=extra, catalog_ids=catalog.ids)
        return self._overlap(profiles, query, catalog, taxonomy, limit)

    def _overlap(
        self,
        profiles: RegionProfiles,
        query: MatchQuery,
        catalog: Catalog,
        taxonomy: str | None,
        limit: int,
    ) -> list[PartnerMatch]:
        return overlap_partners(
            profiles,
            query,
            taxonomy=taxonomy,
            limit=limit,
            titles=self.taxonomies,
            catalog_ids=catalog.ids,
        )
