"""The NUTS region registry: look regions up by code, resolve names, find regions in texts."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from observatory.errors import InvalidInput, NotFound
from observatory.regions import nuts_source
from observatory.regions.aliases import COUNTRIES, ISO_TO_NUTS_COUNTRY, REGION_ALIASES
from observatory.regions.names import bilingual_parts, derived_names, ranked_names
from observatory.regions.text import fold, fold_tokens, searchable_in_text

# A fuzzy match below this similarity is not trusted by ``resolve``.
RESOLVE_MIN_SCORE = 85.0
_WORD_SUBSET_SCORE = 90.0
_MIN_CANDIDATE_SCORE = 30.0
_CLOSEST_IN_ERRORS = 5


@dataclass(frozen=True)
class Region:
    """One NUTS region (level 1-3) or country (level 0)."""

    code: str
    name: str
    level: int
    country: str
    names: tuple[str, ...] = ()

    @property
    def parent_code(self) -> str | None:
        """Code of the enclosing region; NUTS codes nest by prefix ("NL1" is in "NL")."""
        return self.code[:-1] if self.level > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields."""
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "country": self.country,
            "names": list(self.names),
        }

    def __str__(self) -> str:
        return f"{self.code}  {self.name}  (level {self.level}, {self.country})"


@dataclass(frozen=True)
class _NameEntry:
    folded: str
    region: Region
    rank: int


def country_name(code: str) -> str:
    """English name of a NUTS (or ISO) country code: "NL" -> "Netherlands", "EL" -> "Greece"."""
    key = normalise_country(code)
    if key not in COUNTRIES:
        raise NotFound(f"unknown country code '{code}'", errors=sorted(COUNTRIES))
    return COUNTRIES[key][1]


def normalise_country(code: str) -> str:
    """Upper-case a country code and map ISO codes that NUTS spells differently (GR -> EL)."""
    upper = code.strip().upper()
    return ISO_TO_NUTS_COUNTRY.get(upper, upper)


class RegionRegistry:
    """All regions of one NUTS version with name indexes; immutable once built."""

    def __init__(self, regions: list[Region], entries: list[_NameEntry], version: str) -> None:
        self.version = version
        self._regions = regions
        self._by_code = {region.code: region for region in regions}
        self._entries = entries
        self._by_name: dict[str, list[_NameEntry]] = defaultdict(list)
        for entry in entries:
            self._by_name[entry.folded].append(entry)
        self._children: dict[str, list[Region]] = defaultdict(list)
        for region in regions:
            if region.parent_code is not None:
                self._children[region.parent_code].append(region)
        self._text_index = _build_text_index(self._by_name)

    @classmethod
    def load(cls, version: str = "2024", *, include_uk: bool = False) -> RegionRegistry:
        """The registry of a NUTS version ("2024" or "2021"), built once per process.

        ``include_uk`` adds the United Kingdom's NUTS 2018 regions, which no later version has.
        """
        return _cached_registry(str(version), include_uk)

    # -- look-ups by code ---------------------------------------------------------------------

    def get(self, code: str) -> Region:
        """The region with this code; NotFound lists close codes."""
        key = code.strip().upper()
        if key in self._by_code:
            return self._by_code[key]
        closest = [match for match, _, _ in process.extract(key, list(self._by_code), limit=5)]
        hint = ""
        renamed = _renamed_2021_code(key) if self.version == "2024" else None
        if renamed:
            closest = [renamed, *[c for c in closest if c != renamed]][:5]
            hint = f" ({key} is a NUTS 2021 code; NUTS 2024 uses {renamed})"
        raise NotFound(
            f"no NUTS {self.version} region has code '{code}'{hint}; closest: {', '.join(closest)}",
            errors=closest,
        )

    def children(self, code: str) -> list[Region]:
        """Regions one level below ``code``."""
        return list(self._children.get(self.get(code).code, []))

    def descendants(self, code: str) -> list[Region]:
        """All regions below ``code``, parents before their children."""
        result: list[Region] = []
        for child in self.children(code):
            result.append(child)
            result.extend(self.descendants(child.code))
        return result

    def ancestors(self, code: str) -> list[Region]:
        """Enclosing regions from the direct parent up to the country."""
        result: list[Region] = []
        parent = self.get(code).parent_code
        while parent is not None and parent in self._by_code:
            region = self._by_code[parent]
            result.append(region)
            parent = region.parent_code
        return result

    def countries(self) -> list[Region]:
        """The level-0 regions (countries) of this version."""
        return [region for region in self._regions if region.level == 0]

    def __iter__(self) -> Iterator[Region]:
        return iter(self._regions)

    def __len__(self) -> int:
        return len(self._regions)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._by_code

    # -- names --------------------------------------------------------------------------------

    def resolve(self, name: str, *, country: str | None = None, level: int | None = None) -> Region:
        """The region a name means: exact (folded) names first, then fuzzy matching.

        When several regions carry the name, the highest level (smallest number) wins, then
        official names over alternatives; a tie between different regions is InvalidInput.
        """
        folded = fold(name)
        if not folded:
            raise InvalidInput("an empty name matches no region")
        wanted_country = self._check_country(country)
        allowed = _filter(wanted_country, level)
        code = name.strip().upper()
        if code in self._by_code and allowed(self._by_code[code]):
            return self._by_code[code]
        exact = [entry for entry in self._by_name.get(folded, []) if allowed(entry.region)]
        if exact:
            return _pick(name, [(entry, 100.0) for entry in exact], by_rank=True)
        scored = self._scored(folded, allowed)
        trusted = [(entry, score) for entry, score in scored if score >= RESOLVE_MIN_SCORE]
        if trusted:
            best = trusted[0][1]
            tied = [(entry, score) for entry, score in trusted if score == best]
            return _pick(name, tied, by_rank=False)
        # a longer phrase ("Regional Council of South Ostrobothnia, Finland") may name one
        # region, possibly next to regions enclosing it
        found = [region for region, _ in self.find_in_text(name, limit=50) if allowed(region)]
        enclosing = {ancestor.code for region in found for ancestor in self.ancestors(region.code)}
        innermost = [region for region in found if region.code not in enclosing]
        if len(innermost) == 1:
            return innermost[0]
        closest = _unique_regions(scored)[:_CLOSEST_IN_ERRORS]
        listed = "; ".join(
            f"{region.code} {region.name} ({score:.0f})" for region, score in closest
        )
        where = f" in {wanted_country}" if wanted_country else ""
        raise NotFound(
            f"no NUTS region{where} matches '{name}'; closest: {listed or 'none'}",
            errors=[{**region.to_dict(), "score": round(score, 1)} for region, score in closest],
        )

    def candidates(
        self, name: str, *, limit: int = 5, country: str | None = None, level: int | None = None
    ) -> list[tuple[Region, float]]:
        """The regions whose names are closest to ``name``, with scores from 0 to 100."""
        folded = fold(name)
        if not folded:
            return []
        allowed = _filter(self._check_country(country), level)
        return _unique_regions(self._scored(folded, allowed))[:limit]

    def find_in_text(self, text: str, *, limit: int = 5) -> list[tuple[Region, int]]:
        """Regions whose names occur in ``text`` (whole words, longest name first), with counts.

        Names made only of generic words ("Southern", "Nord-Est") and short or everyday single
        words ("Lot", "Pest") are not searched for.
        """
        tokens = fold_tokens(text)
        counts: Counter[Region] = Counter()
        position = 0
        while position < len(tokens):
            for phrase, regions in self._text_index.get(tokens[position], ()):
                if tuple(tokens[position : position + len(phrase)]) == phrase:
                    counts.update(regions)
                    position += len(phrase)
                    break
            else:
                position += 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].level, item[0].code))
        return ranked[:limit]

    # -- internals ----------------------------------------------------------------------------

    def _check_country(self, country: str | None) -> str | None:
        if country is None:
            return None
        code = normalise_country(country)
        if code not in self._by_code:
            known = ", ".join(region.code for region in self.countries())
            raise InvalidInput(
                f"unknown country code '{country}' for NUTS {self.version}; known: {known}"
            )
        return code

    def _scored(self, folded: str, allowed: Any) -> list[tuple[_NameEntry, float]]:
        entries = [entry for entry in self._entries if allowed(entry.region)]
        scored = [(entry, similarity(folded, entry.folded)) for entry in entries]
        scored = [(entry, score) for entry, score in scored if score >= _MIN_CANDIDATE_SCORE]
        scored.sort(key=lambda item: (-item[1], item[0].region.level, item[0].rank))
        return scored


def _filter(country: str | None, level: int | None) -> Any:
    def allowed(region: Region) -> bool:
        return (country is None or region.country == country) and (
            level is None or region.level == level
        )

    return allowed


def similarity(query: str, name: str) -> float:
    """Score 0-100 between two folded names: near spellings, reordered words, or the query's
    words all being words of a longer name ("helsinki" in "helsinki uusimaa" scores 90).

    Unlike rapidfuzz's WRatio this gives no credit to arbitrary substrings, which made
    "narnia" look like "gran canaria" and "westeros" like "west".
    """
    score = max(fuzz.ratio(query, name), fuzz.token_sort_ratio(query, name))
    shorter = len(query) < len(name)
    if score < _WORD_SUBSET_SCORE and shorter and set(query.split()) <= set(name.split()):
        score = _WORD_SUBSET_SCORE
    return float(score)


def _pick(name: str, matches: list[tuple[_NameEntry, float]], *, by_rank: bool) -> Region:
    """Highest level first, then (for exact names) the best kind; a remaining tie is ambiguous."""
    top_level = min(entry.region.level for entry, _ in matches)
    at_level = [entry for entry, _ in matches if entry.region.level == top_level]
    if by_rank:
        best_rank = min(entry.rank for entry in at_level)
        at_level = [entry for entry in at_level if entry.rank == best_rank]
    winners = sorted({entry.region for entry in at_level}, key=lambda region: region.code)
    if len(winners) == 1:
        return winners[0]
    options = ", ".join(f"{region.code} {region.name}" for region in winners)
    raise InvalidInput(
        f"'{name}' is ambiguous: {options}; pass a country or level to choose",
        errors=[region.to_dict() for region in winners],
    )


def _unique_regions(scored: list[tuple[_NameEntry, float]]) -> list[tuple[Region, float]]:
    seen: set[str] = set()
    result: list[tuple[Region, float]] = []
    for entry, score in scored:
        if entry.region.code not in seen:
            seen.add(entry.region.code)
            result.append((entry.region, score))
    return result


def _build_text_index(
    by_name: dict[str, list[_NameEntry]],
) -> dict[str, list[tuple[tuple[str, ...], tuple[Region, ...]]]]:
    """First word -> (phrase, regions credited) pairs, longest phrase first.

    A name shared by nested regions (LU, LU0, LU00, LU000) credits only the highest level in
    each country, and only the regions holding it under the best kind of name.
    """
    index: dict[str, list[tuple[tuple[str, ...], tuple[Region, ...]]]] = defaultdict(list)
    for folded, entries in by_name.items():
        if not searchable_in_text(folded):
            continue
        best_rank = min(entry.rank for entry in entries)
        top_by_country: dict[str, Region] = {}
        for entry in entries:
            if entry.rank != best_rank:
                continue
            current = top_by_country.get(entry.region.country)
            if current is None or entry.region.level < current.level:
                top_by_country[entry.region.country] = entry.region
        phrase = tuple(folded.split())
        index[phrase[0]].append((phrase, tuple(top_by_country.values())))
    for phrases in index.values():
        phrases.sort(key=lambda item: -len(item[0]))
    return dict(index)


@functools.lru_cache(maxsize=1)
def _codes_2021_to_2024() -> dict[str, str]:
    return {old: new for new, old in nuts_source.codes_2024_to_2021().items() if old != new}


def _renamed_2021_code(code: str) -> str | None:
    return _codes_2021_to_2024().get(code)


@functools.lru_cache(maxsize=8)
def _cached_registry(version: str, include_uk: bool) -> RegionRegistry:
    rows = nuts_source.read_nuts(version)
    if include_uk:
        rows = rows + nuts_source.read_uk_2018()
    transliterations = nuts_source.read_transliterations()
    aliases: dict[str, tuple[str, ...]] = dict(REGION_ALIASES)
    if version != "2024":
        # our table and the transliterations are keyed by NUTS 2024 codes
        to_old = nuts_source.codes_2024_to_2021()
        transliterations = {to_old.get(code, code): name for code, name in transliterations.items()}
        aliases = {to_old.get(code, code): names for code, names in aliases.items()}

    regions: list[Region] = []
    entries: list[_NameEntry] = []

    def add(code: str, label: str, level: int, country: str, alternatives: list[str]) -> None:
        ranked = ranked_names(label, alternatives, derived_names(label))
        region = Region(
            code=code,
            name=label,
            level=level,
            country=country,
            names=tuple(name for name, rank in ranked[1:]),
        )
        regions.append(region)
        entries.extend(_NameEntry(fold(name), region, rank) for name, rank in ranked)

    by_country: dict[str, list[nuts_source.NutsRow]] = defaultdict(list)
    for row in rows:
        by_country[row.country].append(row)
    for country, country_rows in by_country.items():
        national, english, others = COUNTRIES.get(country, (country, country, ()))
        add(country, national, 0, country, [*bilingual_parts(national), english, *others])
        for row in country_rows:
            alternatives = [
                *bilingual_parts(row.label),
                *aliases.get(row.code, ()),
                *([transliterations[row.code]] if row.code in transliterations else []),
            ]
            add(row.code, row.label, row.level, row.country, alternatives)
    return RegionRegistry(regions, entries, version)
