"""The in-memory model of a taxonomy: a hierarchy of immutable codes with lookups.

A ``Taxonomy`` holds its codes in insertion order (parents before children in the shipped and
imported files). Codes are frozen, so copies of a taxonomy can share them safely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from taxonomies.codes import Code, freeze, thaw, truncations
from taxonomies.errors import TaxonomyError, TaxonomyValidationError, UnknownCode

# Keys of ``Code.extra`` that hold codes of another taxonomy, checked by ``validate``.
CROSSWALK_KEYS = ("nace",)
_SECTION_PREFIX = re.compile(r"^([A-Z])[.\-]?(\d.*)$")


class Taxonomy:
    """A named, versioned hierarchy of codes with lookups, roll-ups and validation."""

    def __init__(
        self,
        name: str,
        version: str,
        title: str,
        levels: Iterable[str],
        codes: Iterable[Code] | Mapping[str, Code],
        provenance: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.version = str(version)
        self.title = title
        self.levels: tuple[str, ...] = tuple(levels)
        self.provenance: Mapping[str, Any] = freeze(dict(provenance or {}))
        items = codes.values() if isinstance(codes, Mapping) else codes
        self.codes: dict[str, Code] = {}
        duplicates: list[str] = []
        for code in items:
            if code.code in self.codes:
                duplicates.append(code.code)
            self.codes[code.code] = code
        # Kept for validate(): a dict cannot hold the duplicates themselves.
        self.duplicate_codes: tuple[str, ...] = tuple(duplicates)
        self._children_cache: tuple[int, dict[str | None, list[str]]] | None = None
        self._lookup_cache: tuple[int, dict[str, str]] | None = None

    # -- mapping protocol -------------------------------------------------------------------
    def __getitem__(self, code: str) -> Code:
        found = self.codes.get(code)
        if found is None:
            raise UnknownCode(self.name, code)
        return found

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"Taxonomy({self.name!r}, version={self.version!r}, codes={len(self.codes)})"

    def get(self, code: str) -> Code | None:
        """The code, or None when absent (no normalisation)."""
        return self.codes.get(code)

    def copy(self) -> Taxonomy:
        """A new taxonomy sharing the (immutable) codes, safe to change without side effects."""
        return Taxonomy(
            self.name, self.version, self.title, self.levels, self.codes, thaw(self.provenance)
        )

    # -- lookups ----------------------------------------------------------------------------
    def _lookup(self) -> dict[str, str]:
        stamp = len(self.codes)
        if self._lookup_cache is None or self._lookup_cache[0] != stamp:
            lookup: dict[str, str] = {}
            for code in self.codes.values():
                lookup.setdefault(code.title.casefold(), code.code)
            for code in self.codes.values():
                lookup[code.code.casefold()] = code.code
            self._lookup_cache = (stamp, lookup)
        return self._lookup_cache[1]

    def normalize(self, code: str) -> str:
        """The canonical form of a sloppily written code ('1'->'01', 'C10'->'10', '1011'->'10.11').

        Also accepts any casing and, for named codes (ecosystems), the title. Raises
        ``UnknownCode`` when nothing matches.
        """
        raw = str(code)
        cleaned = re.sub(r"\s+", "", raw.strip()).replace(",", ".").rstrip(".")
        lookup = self._lookup()
        for candidate in (raw.strip(), cleaned, re.sub(r"[\s_]+", "-", raw.strip())):
            if candidate.casefold() in lookup:
                return lookup[candidate.casefold()]
        upper = cleaned.upper()
        section = None
        prefixed = _SECTION_PREFIX.match(upper)
        if prefixed and prefixed.group(1) in self.codes:
            section, upper = prefixed.group(1), prefixed.group(2)
        for candidate in _numeric_forms(upper):
            if candidate in self.codes:
                if section and section not in {a.code for a in self.ancestors(candidate)}:
                    break
                return candidate
        raise UnknownCode(self.name, raw)

    def level_of(self, code: str) -> str:
        """The level name of a code."""
        return self[self.normalize(code)].level

    def at_level(self, level: str) -> list[Code]:
        """All codes of one level, in taxonomy order."""
        if level not in self.levels:
            raise TaxonomyError(f"{self.name} has no level {level!r}; levels: {self.levels}")
        return [c for c in self.codes.values() if c.level == level]

    def _children_index(self) -> dict[str | None, list[str]]:
        stamp = len(self.codes)
        if self._children_cache is None or self._children_cache[0] != stamp:
            index: dict[str | None, list[str]] = {}
            for code in self.codes.values():
                index.setdefault(code.parent, []).append(code.code)
            self._children_cache = (stamp, index)
        return self._children_cache[1]

    def children(self, code: str) -> list[Code]:
        """Direct children of a code."""
        key = self.normalize(code)
        return [self.codes[c] for c in self._children_index().get(key, [])]

    def descendants(self, code: str) -> list[Code]:
        """All codes below a code, depth first."""
        found: list[Code] = []
        index = self._children_index()
        stack = list(reversed(self.children(code)))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self.codes[c] for c in reversed(index.get(current.code, [])))
        return found

    def ancestors(self, code: str) -> list[Code]:
        """The parent chain of a code, nearest first."""
        current = self[self.normalize(code)]
        chain: list[Code] = []
        seen = {current.code}
        while current.parent is not None and current.parent in self.codes:
            current = self.codes[current.parent]
            if current.code in seen:  # a cycle; validate() reports it
                break
            seen.add(current.code)
            chain.append(current)
        return chain

    def roll_up(self, code: str, level: str) -> str:
        """The ancestor (or the code itself) at ``level``: roll_up('10.11', 'division') -> '10'.

        A finer code than the taxonomy holds (a class of the built-in, division-level NACE) is
        rolled up through its nearest known prefix.
        """
        if level not in self.levels:
            raise TaxonomyError(f"{self.name} has no level {level!r}; levels: {self.levels}")
        try:
            start = self[self.normalize(code)]
        except UnknownCode:
            start = self._nearest_known_prefix(code)
        for candidate in [start, *self.ancestors(start.code)]:
            if candidate.level == level:
                return candidate.code
        raise TaxonomyError(f"{self.name} code {start.code!r} ({start.level}) is above {level!r}")

    def _nearest_known_prefix(self, code: str) -> Code:
        cleaned = re.sub(r"\s+", "", str(code)).replace(",", ".").upper()
        prefixed = _SECTION_PREFIX.match(cleaned)
        if prefixed:
            cleaned = prefixed.group(2)
        for form in _numeric_forms(cleaned):
            for prefix in truncations(form):
                if prefix in self.codes:
                    return self.codes[prefix]
        raise UnknownCode(self.name, str(code))

    # -- validation -------------------------------------------------------------------------
    def validate(self, references: Mapping[str, Taxonomy] | None = None) -> None:
        """Check the structure and raise ``TaxonomyValidationError`` listing every problem.

        ``references`` maps crosswalk keys (``"nace"``) to the taxonomy their codes must exist
        in (the loader passes the built-in one); a crosswalk without its reference is a problem,
        so a check is never skipped silently.
        """
        problems = [f"duplicate code {c!r}" for c in self.duplicate_codes]
        rank = {level: i for i, level in enumerate(self.levels)}
        for key, code in self.codes.items():
            if key != code.code:
                problems.append(f"code {code.code!r} is stored under key {key!r}")
            if code.level not in rank:
                problems.append(f"code {code.code!r} has unknown level {code.level!r}")
                continue
            if not code.title:
                problems.append(f"code {code.code!r} has no title")
            if code.parent is None:
                if rank[code.level] != 0:
                    problems.append(f"code {code.code!r} ({code.level}) has no parent")
                continue
            parent = self.codes.get(code.parent)
            if parent is None:
                problems.append(f"code {code.code!r} has missing parent {code.parent!r}")
            elif rank.get(parent.level, -2) != rank[code.level] - 1:
                problems.append(
                    f"code {code.code!r} ({code.level}) has parent {parent.code!r} at "
                    f"inconsistent level {parent.level!r}"
                )
        problems.extend(self._cycle_problems())
        problems.extend(self._crosswalk_problems(references or {}))
        if problems:
            raise TaxonomyValidationError(self.name, problems)

    def _cycle_problems(self) -> list[str]:
        problems = []
        for code in self.codes.values():
            seen = {code.code}
            current = code
            while current.parent is not None and current.parent in self.codes:
                current = self.codes[current.parent]
                if current.code in seen:
                    problems.append(f"code {code.code!r} is in a parent cycle")
                    break
                seen.add(current.code)
        return problems

    def _crosswalk_problems(self, references: Mapping[str, Taxonomy]) -> list[str]:
        problems: list[str] = []
        for code in self.codes.values():
            for key in CROSSWALK_KEYS:
                if key not in code.extra:
                    continue
                targets = code.extra[key]
                if isinstance(targets, str) or not isinstance(targets, tuple):
                    problems.append(f"code {code.code!r}: {key!r} must be a list of codes")
                    continue
                if not targets:
                    problems.append(f"code {code.code!r} has an empty {key!r} composition")
                reference = references.get(key)
                if reference is None:
                    problems.append(
                        f"code {code.code!r}: no {key!r} taxonomy was given to check its codes"
                    )
                    continue
                for target in targets:
                    if not crosswalk_code_exists(reference, str(target)):
                        problems.append(f"code {code.code!r}: unknown {key} code {target!r}")
        return problems

    # -- serialisation ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the data files."""
        return {
            "taxonomy": self.name,
            "version": self.version,
            "title": self.title,
            "levels": list(self.levels),
            "provenance": thaw(self.provenance),
            "codes": [code.to_dict() for code in self.codes.values()],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Taxonomy:
        """Build a taxonomy from its JSON form (no validation; call ``validate``)."""
        try:
            return cls(
                name=str(data["taxonomy"]),
                version=str(data["version"]),
                title=str(data.get("title", data["taxonomy"])),
                levels=tuple(data["levels"]),
                codes=[Code.from_dict(item) for item in data["codes"]],
                provenance=data.get("provenance") or {},
            )
        except (KeyError, TypeError) as exc:
            raise TaxonomyError(f"malformed taxonomy data: missing or bad field {exc}") from exc


def crosswalk_code_exists(reference: Taxonomy, code: str) -> bool:
    """Whether ``code`` exists in ``reference``, or is finer than the reference is detailed.

    The built-in NACE stops at divisions, so a group '30.3' is accepted when division '30'
    exists and has no children; the full imported NACE must contain '30.3' itself.
    """
    if code in reference:
        return True
    for prefix in truncations(code):
        if prefix in reference:
            return not reference.children(prefix) and bool(re.fullmatch(r"\d\d\.\d\d?", code))
    return False


def _numeric_forms(code: str) -> list[str]:
    """Plausible canonical spellings of a NACE/NABS-like numeric code."""
    forms = [code]
    if code.isdigit():
        if len(code) == 1:
            forms.append("0" + code)
        elif len(code) in (3, 4):
            forms.append(code[:2] + "." + code[2:])
    dotted = re.fullmatch(r"(\d)\.(\d{1,2})", code)
    if dotted:
        forms.append(f"0{dotted.group(1)}.{dotted.group(2)}")
    return forms
