"""Human names for codes and regions, built once per app and shared by every page.

Pages must render even when a taxonomy or the NUTS registry cannot be loaded (a fresh install,
a broken overlay): the code itself is shown then, and the reason is logged once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from api.services import taxonomies
from api.state import AppState
from observatory.domain import TAXONOMY_NAMES
from observatory.errors import ObservatoryError
from observatory.regions import RegionRegistry, country_name
from taxonomies import Taxonomy

log = logging.getLogger(__name__)

# Latin capitals that look like Greek or Cyrillic ones; NUTS labels sometimes mix them in
# ("Aττική" starts with a Latin A), which breaks sorting, search and screen readers.
_GREEK_LOOKALIKES = str.maketrans("ABEZHIKMNOPTYXo", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο")
_CYRILLIC_LOOKALIKES = str.maketrans("ABEKMHOPCTXaceopx", "АВЕКМНОРСТХасеорх")


def one_script(name: str) -> str:
    """A Greek or Cyrillic name with any Latin look-alike letters replaced by that script's."""
    if any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in name):
        return name.translate(_GREEK_LOOKALIKES)
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        return name.translate(_CYRILLIC_LOOKALIKES)
    return name


@dataclass
class Names:
    """Titles of taxonomy codes and names of NUTS regions."""

    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    taxonomies: dict[str, Taxonomy] = field(default_factory=dict)
    regions: RegionRegistry | None = None

    def code(self, taxonomy: str, code: str) -> str:
        """The title of a code, or '' when unknown."""
        return self.codes.get(taxonomy, {}).get(code, "")

    def facet(self, facet: str, value: str) -> str:
        """Display text of a facet value."""
        taxonomy = {"nace_section": "nace", "nace_division": "nace"}.get(facet, facet)
        if taxonomy in TAXONOMY_NAMES:
            title = self.code(taxonomy, value)
            return f"{value} {title}".strip()
        if facet == "country":
            name = self.country(value)
            return f"{value} {name}" if name else value
        if facet == "region":
            name = self.region_label(value) if self.region(value) else ""
            return f"{value} {name}" if name else value
        return value

    def country(self, code: str) -> str:
        """The English name of a country code, or '' when unknown."""
        try:
            return country_name(code)
        except ObservatoryError:
            return ""

    def region(self, code: str | None) -> str:
        """The NUTS name of a region code in one script, or '' when the registry does not
        know it."""
        if not code or self.regions is None or code not in self.regions:
            return ""
        return one_script(self.regions.get(code).name)

    def english(self, code: str | None) -> str:
        """The region's English name from the team's table ('' when it has none)."""
        if not code or self.regions is None or code not in self.regions:
            return ""
        region = self.regions.get(code)
        if region.level == 0:
            return self.country(code)
        # "Southern Region (Ireland)": the bracket disambiguates a list, not a label
        return re.sub(r"\s*\([^)]*\)$", "", region.names[0]) if region.names else ""

    def region_label(self, code: str | None, fallback: str | None = None) -> str:
        """'Κεντρική Μακεδονία (Central Macedonia)': the official name with the English one
        beside it when they differ; ``fallback`` (e.g. a strategy's own spelling) or the code
        when the registry does not know the code."""
        name = self.region(code)
        if not name:
            return fallback or code or ""
        english = self.english(code)
        if not english or english.casefold() in name.casefold():  # "Suomi/Finland"
            return name
        return f"{name} ({english})"


def load_names(state: AppState) -> Names:
    """Build the names once per app (the taxonomies and NUTS registry are read from files)."""

    def build() -> Names:
        names = Names()
        for name, taxonomy in taxonomies(state).items():
            names.taxonomies[name] = taxonomy
            names.codes[name] = {code.code: code.title for code in taxonomy}
        try:
            names.regions = RegionRegistry.load()
        except (ObservatoryError, ImportError) as exc:
            log.warning("pages show bare NUTS codes: %s", exc)
        return names

    return state.service("page_names", build)
