"""Reading what people type for regions and codes: names or codes, with type-ahead options.

"Aragón", "Bavaria", "DE21" and the type-ahead's own "Oberbayern (DE21)" all name a region;
"NACE 35", "nabs 05" and "health" name codes. An unknown entry raises ``InvalidInput`` with a
message a page can show next to the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from api.pages.names import Names
from observatory.errors import InvalidInput, ObservatoryError
from taxonomies import Taxonomy, TaxonomyError

CODE_IN_BRACKETS = re.compile(r"\(([A-Za-z]{2}[0-9A-Za-z]{0,3})\)\s*$")
NUTS_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
TYPE_AHEAD_LEVELS = (0, 1, 2)  # registry regions offered besides the stored ones
TAXONOMY_WORDS = {"nace": "nace", "nabs": "nabs", "ecosystem": "ecosystem", "eco": "ecosystem"}
TAXONOMY_LABEL_WORDS = {"nace": "NACE", "nabs": "NABS", "ecosystem": "the ecosystems"}


@dataclass(frozen=True)
class CodeChoice:
    """A taxonomy code someone chose."""

    taxonomy: str
    code: str

    @property
    def text(self) -> str:
        """How the choice is written back into its field."""
        prefix = "Ecosystem" if self.taxonomy == "ecosystem" else self.taxonomy.upper()
        return f"{prefix} {self.code}"


def resolve_region(text: str, names: Names, stored: Iterable[str]) -> str:
    """The NUTS code a typed region means (a code, a name, or a type-ahead entry)."""
    value = text.strip()
    if not value:
        raise InvalidInput("type a region name or NUTS code")
    bracket = CODE_IN_BRACKETS.search(value)
    if bracket:
        value = bracket.group(1)
    code = value.upper()
    known = set(stored)
    if NUTS_CODE.match(code) and (code in known or (names.regions and code in names.regions)):
        return code
    if names.regions is None:
        raise InvalidInput(f"{text!r} is not a NUTS code (the region names could not be loaded)")
    try:
        return names.regions.resolve(value).code
    except ObservatoryError as exc:
        raise InvalidInput(f"no region matches {text!r}: {exc.message}") from None


def region_options(names: Names, stored: Iterable[str]) -> list[str]:
    """Type-ahead entries, "Name (CODE)": stored regions first, then countries and NUTS 1-2."""
    seen: dict[str, str] = {}
    for code in sorted(set(stored)):
        seen[code] = f"{names.region_label(code)} ({code})"
    if names.regions is not None:
        for region in names.regions:
            if region.level in TYPE_AHEAD_LEVELS and region.code not in seen:
                seen[region.code] = f"{names.region_label(region.code)} ({region.code})"
    return list(seen.values())


def resolve_code(text: str, taxonomies: Mapping[str, Taxonomy]) -> CodeChoice:
    """The taxonomy code typed: "NACE 35", "nabs:05", "NACE 35 Electricity…" (a type-ahead
    entry), or a bare code (NACE first, then NABS, then ecosystems)."""
    raw = text.strip()
    if not raw:
        raise InvalidInput("type a code or pick one from the list")
    head, _, tail = raw.replace(":", " ", 1).partition(" ")
    wanted = TAXONOMY_WORDS.get(head.lower())
    candidate = (tail.split() or [""])[0] if wanted else head
    order = [wanted] if wanted else ["nace", "nabs", "ecosystem"]
    served = [(name, taxonomies[name]) for name in order if name in taxonomies and candidate]
    for name, taxonomy in served:  # a code exactly as written wins over a looser reading
        if taxonomy.get(candidate) is not None:
            return CodeChoice(name, candidate)
    for name, taxonomy in served:
        try:
            return CodeChoice(name, taxonomy.normalize(candidate))
        except TaxonomyError:
            continue
    where = f" in {TAXONOMY_LABEL_WORDS[wanted]}" if wanted else ""
    raise InvalidInput(
        f"no code {candidate or raw!r}{where}; pick one from the list "
        "(e.g. NACE 35, NABS 05, Ecosystem health)"
    )


def code_options(names: Names) -> list[tuple[str, str]]:
    """Type-ahead entries for codes of every taxonomy: ("NACE 35", title)."""
    found = []
    for taxonomy in ("nace", "nabs", "ecosystem"):
        prefix = "Ecosystem" if taxonomy == "ecosystem" else taxonomy.upper()
        for code, title in sorted(names.codes.get(taxonomy, {}).items()):
            found.append((f"{prefix} {code}", title))
    return found
