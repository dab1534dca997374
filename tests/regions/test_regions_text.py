"""RegionRegistry.find_in_text: detecting a strategy's region from its title or first pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.regions import RegionRegistry

PARAGRAPH = (
    "This smart specialisation strategy was prepared by the Regional Council of South "
    "Ostrobothnia together with companies and universities. A lot of work went into it: the "
    "West and the Centre of the region, the border areas and pest control in farming were all "
    "discussed. South Ostrobothnia cooperates with Ostrobothnia and other parts of Finland."
)


def test_finds_the_region_named_in_a_paragraph(registry: RegionRegistry) -> None:
    found = dict((region.code, count) for region, count in registry.find_in_text(PARAGRAPH))
    assert found["FI199"] == 2
    assert found["FI19A"] == 1  # "Ostrobothnia" alone, not inside "South Ostrobothnia"
    assert found["FI"] == 1
    assert set(found) == {"FI199", "FI19A", "FI"}  # no hits for "lot", "West", "Centre", "pest"
    assert registry.find_in_text(PARAGRAPH, limit=1)[0][0].code == "FI199"


def test_matching_ignores_case_accents_and_word_boundaries(registry: RegionRegistry) -> None:
    text = "ETELA-POHJANMAA and etelä pohjanmaa; but not Pohjanmaalainen or Bayernwerk."
    found = dict((region.code, count) for region, count in registry.find_in_text(text))
    assert found == {"FI199": 2}


def test_nested_regions_with_one_name_are_counted_once(registry: RegionRegistry) -> None:
    found = registry.find_in_text("Luxembourg invests in Luxembourg.")
    assert [(region.code, count) for region, count in found] == [("LU", 2)]


def test_text_without_region_names_finds_nothing(registry: RegionRegistry) -> None:
    text = "We invest in research, a lot of innovation, and the west and north of our area."
    assert registry.find_in_text(text) == []


STRATEGIES = [
    ("FI_South_Ostrobothnia_S3.pdf", "FI199"),
    ("LU_Luxembourg_S3_2014.pdf", "LU"),
    ("NL_Northern_Netherlands_RIS3.pdf", "NL1"),
]


@pytest.mark.shared
@pytest.mark.parametrize(("filename", "code"), STRATEGIES)
def test_detects_region_from_first_pages_of_real_strategies(
    registry: RegionRegistry, filename: str, code: str
) -> None:
    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "strategies" / filename
    if not path.exists():
        pytest.skip(f"reference strategy {path.resolve()} not found")
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages[:3])
    assert registry.find_in_text(text, limit=1)[0][0].code == code
