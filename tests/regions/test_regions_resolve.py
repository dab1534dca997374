"""RegionRegistry.resolve / candidates / get: exact, multilingual, fuzzy and failing look-ups."""

from __future__ import annotations

import pytest

from observatory.errors import InvalidInput, NotFound
from observatory.regions import RegionRegistry

# English and official names that strategies use, with their NUTS 2024 codes.
NAMES_2024 = [
    ("Northern Netherlands", "NL1"),
    ("Noord-Nederland", "NL1"),
    ("South Ostrobothnia", "FI199"),
    ("Etelä-Pohjanmaa", "FI199"),
    ("Etela-Pohjanmaa", "FI199"),
    ("ETELÄ POHJANMAA", "FI199"),
    ("Luxembourg", "LU"),
    ("Bavaria", "DE2"),
    ("Catalonia", "ES51"),
    ("Lower Saxony", "DE9"),
    ("North Rhine-Westphalia", "DEA"),
    ("Flanders", "BE2"),
    ("Wallonia", "BE3"),
    ("Lombardy", "ITC4"),
    ("Tuscany", "ITI1"),
    ("Andalusia", "ES61"),
    ("Basque Country", "ES21"),
    ("Brittany", "FRH0"),
    ("Silesia", "PL22"),
    ("Śląskie", "PL22"),
    ("Lesser Poland", "PL21"),
    ("Greater Poland", "PL41"),
    ("Lower Silesia", "PL51"),
    ("Upper Austria", "AT31"),
    ("Lower Austria", "AT12"),
    ("Styria", "AT22"),
    ("Carinthia", "AT21"),
    ("Tyrol", "AT33"),
    ("South Tyrol", "ITH1"),
    ("Apulia", "ITF4"),
    ("Sicily", "ITG1"),
    ("Sardinia", "ITG2"),
    ("Piedmont", "ITC1"),
    ("Attica", "EL30"),
    ("Central Macedonia", "EL52"),
    ("Crete", "EL43"),
    ("North Brabant", "NL41"),
    ("South Holland", "NL36"),
    ("North Holland", "NL32"),
    ("Ostrobothnia", "FI19A"),
    ("Lapland", "FI1D7"),
    ("Bruxelles", "BE1"),
    ("Brussel", "BE1"),
    ("Κρήτη", "EL43"),
    ("Kriti", "EL43"),
    ("Greece", "EL"),
    ("Netherlands", "NL"),
]


@pytest.mark.parametrize(("name", "code"), NAMES_2024)
def test_resolve_names_used_by_strategies(registry: RegionRegistry, name: str, code: str) -> None:
    assert registry.resolve(name).code == code


def test_resolve_returns_the_full_region(registry: RegionRegistry) -> None:
    region = registry.resolve("Northern Netherlands")
    assert (region.code, region.name, region.level, region.country) == (
        "NL1",
        "Noord-Nederland",
        1,
        "NL",
    )
    assert "Northern Netherlands" in region.names


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("South Ostrobothnia", "FI194"),
        ("Etelä-Pohjanmaa", "FI194"),
        ("Ostrobothnia", "FI195"),
        ("South Holland", "NL33"),
        ("Northern Netherlands", "NL1"),
    ],
)
def test_nuts_2021_uses_its_own_codes(registry_2021: RegionRegistry, name: str, code: str) -> None:
    assert registry_2021.resolve(name).code == code


@pytest.mark.parametrize(
    ("misspelt", "code"),
    [
        ("Northen Netherland", "NL1"),
        ("South Ostrobotnia", "FI199"),
        ("Lombardi", "ITC4"),
        ("Bavarai", "DE2"),
    ],
)
def test_resolve_tolerates_misspellings(registry: RegionRegistry, misspelt: str, code: str) -> None:
    assert registry.resolve(misspelt).code == code


def test_highest_level_wins_unless_a_level_is_asked(registry: RegionRegistry) -> None:
    assert registry.resolve("Luxembourg").level == 0
    assert registry.resolve("Luxembourg", level=2).code == "LU00"
    assert registry.resolve("Luxembourg", level=3).code == "LU000"


def test_country_filter_selects_between_countries(registry: RegionRegistry) -> None:
    assert registry.resolve("Luxembourg", country="BE").code == "BE34"
    assert registry.resolve("Limburg", country="NL").code == "NL42"
    assert registry.resolve("Limburg", country="be").code == "BE22"


def test_an_ambiguous_name_asks_for_a_country(registry: RegionRegistry) -> None:
    with pytest.raises(InvalidInput) as caught:
        registry.resolve("Limburg")
    assert {item["code"] for item in caught.value.errors} == {"BE22", "NL42"}


def test_iso_country_code_is_accepted(registry: RegionRegistry) -> None:
    assert registry.resolve("Crete", country="GR").country == "EL"


def test_unknown_country_code_is_invalid_input(registry: RegionRegistry) -> None:
    with pytest.raises(InvalidInput, match="unknown country code 'XX'"):
        registry.resolve("Bavaria", country="XX")


def test_unknown_name_lists_closest_candidates(registry: RegionRegistry) -> None:
    with pytest.raises(NotFound) as caught:
        registry.resolve("Narnia")
    message = caught.value.message
    assert message.startswith("no NUTS region matches 'Narnia'; closest: ")
    assert caught.value.status == 404
    assert 1 <= len(caught.value.errors) <= 5
    first = caught.value.errors[0]
    assert first["code"] in message and first["score"] < 85


def test_long_phrase_naming_one_region_resolves(registry: RegionRegistry) -> None:
    assert registry.resolve("Regional Council of South Ostrobothnia").code == "FI199"
    assert registry.resolve("South Ostrobothnia strategy (Finland)").code == "FI199"
    with pytest.raises(NotFound):
        registry.resolve("Cooperation between Bavaria and Catalonia")


def test_a_code_resolves_to_itself(registry: RegionRegistry) -> None:
    assert registry.resolve("nl1").code == "NL1"


def test_empty_name_is_invalid(registry: RegionRegistry) -> None:
    with pytest.raises(InvalidInput):
        registry.resolve(" - ")


def test_candidates_are_scored_and_sorted(registry: RegionRegistry) -> None:
    found = registry.candidates("Brabant", limit=5)
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)
    assert {"NL41", "BE24", "BE31"} <= {region.code for region, _ in found}
    assert len({region.code for region, _ in found}) == len(found)
    assert all(region.country == "NL" for region, _ in registry.candidates("Brabant", country="NL"))


def test_exact_name_scores_100(registry: RegionRegistry) -> None:
    region, score = registry.candidates("Etelä-Pohjanmaa", limit=1)[0]
    assert (region.code, score) == ("FI199", 100.0)


def test_get_unknown_code_suggests_codes(registry: RegionRegistry) -> None:
    with pytest.raises(NotFound) as caught:
        registry.get("FI194")
    assert "FI199" in caught.value.message
    assert caught.value.errors[0] == "FI199"


def test_unknown_version_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown NUTS version"):
        RegionRegistry.load("1999")
