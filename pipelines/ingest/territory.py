"""Checks of the territory a user gives (import rows, ``ingest`` options) against NUTS.

A NUTS code must be in the registry, a country must be a NUTS country, and the two must agree:
``ES21`` with country ``FR`` is refused instead of being filed under France.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observatory.errors import InvalidInput


def region_registry() -> Any:
    """The NUTS registry the ingest uses (loaded once per process)."""
    from observatory.regions.registry import RegionRegistry

    return RegionRegistry.load()


@dataclass(frozen=True)
class Territory:
    """A checked territory: the region's code, its country and its name (when known)."""

    nuts_code: str | None
    country: str | None
    region: str | None


def check_territory(
    registry: Any, *, nuts_code: str | None, country: str | None, region: str | None
) -> Territory:
    """Resolve and cross-check a NUTS code, a country code and a region name.

    Raises ``InvalidInput`` (or ``NotFound`` naming the closest codes) with one line.
    """
    from observatory.regions.registry import normalise_country

    nuts = nuts_code.strip().upper() if nuts_code else None
    wanted = normalise_country(country) if country else None
    if wanted is not None and (len(wanted) != 2 or not wanted.isalpha()):
        raise InvalidInput(f"country must be a 2-letter code, got {country!r}")
    if registry is None:
        return Territory(nuts, wanted, region)
    if wanted is not None and wanted not in {r.code for r in registry.countries()}:
        raise InvalidInput(f"unknown country code {country!r} (not a NUTS country)")
    found = None
    if nuts:
        found = registry.get(nuts)  # NotFound names the closest codes
    elif region:
        found = registry.resolve(region, country=wanted)
    if found is not None and wanted is not None and found.country != wanted:
        raise InvalidInput(
            f"NUTS code {found.code} ({found.name}) is in {found.country}, not in {country}"
        )
    if found is None:
        return Territory(None, wanted, region)
    return Territory(found.code, found.country, region or found.name)


_OPTION_OF_FIELD = {
    "region": "--region",
    "nuts_code": "--nuts-code",
    "country": "--country",
    "period": "--period",
    "language": "--language",
}


def check_overrides(
    overrides: dict[str, str | None] | None, registry: Any
) -> dict[str, str | None]:
    """Check ``ingest``'s metadata options once, before any file is read.

    A NUTS code fills in its country and region name. Raises ``InvalidInput`` with one line
    naming the option (``--period``: too long, ``--country XYZ``, an unknown ``--nuts-code``).
    """
    from pydantic import ValidationError

    from observatory.domain import StrategyCreate, validation_message

    given = {key: value for key, value in (overrides or {}).items() if value}
    if not given:
        return {}
    try:
        territory = check_territory(
            registry,
            nuts_code=given.get("nuts_code"),
            country=given.get("country"),
            region=given.get("region") if given.get("nuts_code") else None,
        )
    except InvalidInput as exc:
        raise InvalidInput(f"{_options(given)}: {exc.message}") from None
    checked = dict(given)
    if territory.nuts_code:
        checked.update(
            nuts_code=territory.nuts_code, country=territory.country, region=territory.region
        )
    elif territory.country:
        checked["country"] = territory.country
    try:
        StrategyCreate(title="ingest options", **checked)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors() else ""
        raise InvalidInput(
            f"{_OPTION_OF_FIELD.get(field, field)}: {validation_message(exc)}"
        ) from None
    return checked


def _options(given: dict[str, str]) -> str:
    return " ".join(
        f"{_OPTION_OF_FIELD[key]} {given[key]!r}"
        for key in ("nuts_code", "country")
        if key in given
    )
