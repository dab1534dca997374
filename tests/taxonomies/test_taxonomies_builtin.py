"""The built-in taxonomies, the model's hierarchy operations, validation and save/load."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

import taxonomies
from taxonomies import (
    Code,
    Taxonomy,
    TaxonomyError,
    TaxonomyValidationError,
    UnknownCode,
    UnknownTaxonomy,
    ecosystem_nace_crosswalk,
    load,
    nace_ecosystems,
    save,
)
from taxonomies.model import crosswalk_code_exists

ECOSYSTEM_IDS = [
    "aerospace-defence",
    "agri-food",
    "construction",
    "cultural-creative",
    "digital",
    "electronics",
    "energy-intensive",
    "renewable-energy",
    "health",
    "mobility-transport-automotive",
    "proximity-social-economy",
    "retail",
    "textile",
    "tourism",
]


@pytest.fixture(scope="module")
def nace() -> Taxonomy:
    return load("nace")


@pytest.fixture(scope="module")
def ecosystems() -> Taxonomy:
    return load("ecosystem")


def test_available_names_and_aliases() -> None:
    assert taxonomies.available() == ["ecosystem", "nabs", "nace"]
    assert load("ecosystems").name == "ecosystem"
    with pytest.raises(UnknownTaxonomy):
        load("isic")


def test_nace_has_21_sections_and_88_divisions(nace: Taxonomy) -> None:
    sections = nace.at_level("section")
    divisions = nace.at_level("division")
    assert [s.code for s in sections] == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert len(divisions) == 88
    assert all(re.fullmatch(r"\d\d", d.code) and d.parent in nace for d in divisions)
    assert nace.version == "2" and nace.levels == ("section", "division")
    nace.validate()


@pytest.mark.parametrize("name", ["nace", "nabs", "ecosystem"])
def test_every_code_has_description_and_keywords(name: str) -> None:
    for code in load(name):
        sentences = len(re.findall(r"[.!?](?:\s|$)", code.description))
        assert 2 <= sentences <= 4, (code.code, code.description)
        assert 8 <= len(code.keywords) <= 20, (code.code, code.keywords)
        assert len({k.lower() for k in code.keywords}) == len(code.keywords), code.code


@pytest.mark.parametrize(
    ("term", "divisions"),
    [
        ("smart grids", {"35"}),
        ("hydrogen", {"35"}),
        ("photonics", {"26"}),
        ("sensors", {"26"}),
        ("medical devices", {"32"}),
        ("e-health", {"86"}),
        ("aquaculture", {"03"}),
        ("circular economy", {"38"}),
        ("tourism", {"55", "79"}),
        ("robotics", {"28"}),
        ("automotive", {"29"}),
        ("aeronautics", {"30"}),
        ("logistics", {"52"}),
        ("cybersecurity", {"62"}),
        ("pharmaceuticals", {"21"}),
        ("research infrastructures", {"72"}),
    ],
)
def test_strategy_vocabulary_points_to_the_right_divisions(
    nace: Taxonomy, term: str, divisions: set[str]
) -> None:
    having = {c.code for c in nace.at_level("division") if term in c.keywords}
    assert divisions <= having


def test_nabs_has_14_chapters() -> None:
    nabs = load("nabs")
    assert [c.code for c in nabs] == [f"{i:02d}" for i in range(1, 15)]
    assert {c.level for c in nabs} == {"chapter"}
    assert nabs["14"].title == "Defence"
    nabs.validate()


def test_ecosystems_have_exact_ids_and_valid_nace(ecosystems: Taxonomy, nace: Taxonomy) -> None:
    assert sorted(ecosystems.codes) == sorted(ECOSYSTEM_IDS)
    assert ecosystems["aerospace-defence"].title == "Aerospace & Defence"
    for ecosystem in ecosystems:
        composition = ecosystem.extra["nace"]
        assert composition, ecosystem.code
        assert all(crosswalk_code_exists(nace, code) for code in composition)
    ecosystems.validate({"nace": nace})
    with pytest.raises(TaxonomyValidationError, match="no 'nace' taxonomy was given"):
        ecosystems.validate()  # a crosswalk is never left unchecked


def test_crosswalk_rolls_groups_up_and_reverses(ecosystems: Taxonomy, nace: Taxonomy) -> None:
    crosswalk = ecosystem_nace_crosswalk(ecosystems, nace)
    assert set(crosswalk) == set(ECOSYSTEM_IDS)
    assert "30" in crosswalk["aerospace-defence"]  # from groups 30.3 and 30.4, once
    assert crosswalk["aerospace-defence"].count("30") == 1
    assert all(nace[d].level == "division" for ds in crosswalk.values() for d in ds)
    reverse = nace_ecosystems(ecosystems, nace)
    assert set(reverse["58"]) == {"cultural-creative", "digital"}
    assert reverse["29"] == ["mobility-transport-automotive"]


def test_hierarchy_navigation(nace: Taxonomy) -> None:
    assert [c.code for c in nace.children("C")] == [f"{i}" for i in range(10, 34)]
    assert [c.code for c in nace.ancestors("10")] == ["C"]
    assert nace.ancestors("C") == []
    assert [c.code for c in nace.descendants("D")] == ["35"]
    assert nace.level_of("c10") == "division"
    assert nace.roll_up("10", "section") == "C"
    assert nace.roll_up("10.11", "division") == "10"  # finer than the built-in holds
    assert nace.roll_up("62", "division") == "62"
    with pytest.raises(TaxonomyError):
        nace.roll_up("C", "division")


@pytest.mark.parametrize(
    ("sloppy", "canonical"),
    [("1", "01"), ("01", "01"), ("C10", "10"), (" c 29 ", "29"), ("j", "J"), ("62.", "62")],
)
def test_normalize_accepts_sloppy_codes(nace: Taxonomy, sloppy: str, canonical: str) -> None:
    assert nace.normalize(sloppy) == canonical


@pytest.mark.parametrize("bad", ["A10", "Z", "04", "10.11", ""])
def test_normalize_rejects_unknown_codes(nace: Taxonomy, bad: str) -> None:
    with pytest.raises(UnknownCode):
        nace.normalize(bad)


def test_normalize_ecosystem_names(ecosystems: Taxonomy) -> None:
    assert ecosystems.normalize("Aerospace & Defence") == "aerospace-defence"
    assert ecosystems.normalize("renewable energy") == "renewable-energy"
    assert ecosystems.normalize("TOURISM") == "tourism"


def test_loaded_taxonomies_do_not_share_mutable_state() -> None:
    first = load("nace")
    del first.codes["A"]
    assert "A" in load("nace")
    with pytest.raises(dataclasses.FrozenInstanceError):
        load("nace")["A"].title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        load("ecosystem")["digital"].labels["fr"] = "Numérique"  # type: ignore[index]


def test_to_dict_round_trip_and_atomic_save(tmp_path: Path) -> None:
    ecosystems = load("ecosystem")
    target = tmp_path / "sub" / "ecosystem.json"
    save(ecosystems, target)
    assert [p.name for p in target.parent.iterdir()] == ["ecosystem.json"]  # no temp left
    restored = Taxonomy.from_dict(json.loads(target.read_text(encoding="utf-8")))
    assert restored.to_dict() == ecosystems.to_dict()
    assert restored["digital"].extra["nace"] == ecosystems["digital"].extra["nace"]


def _tiny(codes: list[Code], levels: tuple[str, ...] = ("section", "division")) -> Taxonomy:
    return Taxonomy("tiny", "1", "Tiny", levels, codes)


def test_validate_passes_a_sound_tiny_taxonomy() -> None:
    tiny = _tiny([Code("A", "section", None, "A"), Code("01", "division", "A", "One")])
    tiny.validate()


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([Code("A", "section", None, "A"), Code("A", "section", None, "Again")], "duplicate"),
        ([Code("A", "section", None, "A"), Code("01", "division", "B", "One")], "missing parent"),
        ([Code("A", "section", None, "A"), Code("B", "section", "A", "B")], "inconsistent level"),
        ([Code("01", "division", None, "One")], "has no parent"),
        ([Code("A", "chapter", None, "A")], "unknown level"),
    ],
)
def test_validate_catches_structural_problems(codes: list[Code], expected: str) -> None:
    with pytest.raises(TaxonomyValidationError) as caught:
        _tiny(codes).validate()
    assert any(expected in problem for problem in caught.value.problems)


def test_validate_lists_every_problem_at_once() -> None:
    tiny = _tiny(
        [
            Code("A", "section", None, "A"),
            Code("A", "section", None, "A twice"),
            Code("01", "division", "Q", "Orphan"),
        ]
    )
    with pytest.raises(TaxonomyValidationError) as caught:
        tiny.validate()
    assert len(caught.value.problems) == 2


def test_validate_catches_unknown_crosswalk_codes(nace: Taxonomy) -> None:
    def ecosystems(*composition: str) -> Taxonomy:
        code = Code("x", "ecosystem", None, "X", extra={"nace": list(composition)})
        return Taxonomy("ecosystem", "t", "T", ("ecosystem",), [code])

    ecosystems("30.3", "62").validate({"nace": nace})
    for bad in [("00",), ("62", "ZZ"), ("30.333",), ()]:
        with pytest.raises(TaxonomyValidationError):
            ecosystems(*bad).validate({"nace": nace})
    detailed = Taxonomy(
        "nace",
        "2",
        "detailed",
        ("section", "division", "group"),
        [
            Code("C", "section", None, "C"),
            Code("30", "division", "C", "30"),
            Code("30.1", "group", "30", "30.1"),
        ],
    )
    ecosystems("30.1").validate({"nace": detailed})
    with pytest.raises(TaxonomyValidationError, match=r"30\.3"):
        ecosystems("30.3").validate({"nace": detailed})  # 30 is detailed, 30.3 is absent


def test_overlay_is_reloaded_when_the_file_changes(tmp_path: Path) -> None:
    built_in = load("nace")

    def overlay_with_label(label: str) -> Taxonomy:
        codes = [
            Code(c.code, c.level, c.parent, c.title, labels={"fr": label}) if c.code == "62" else c
            for c in built_in
        ]
        return Taxonomy("nace", "2", "NACE Rev. 2", built_in.levels, codes)

    save(overlay_with_label("Programmation"), tmp_path / "nace.json")
    first = load("nace", overlay_dir=tmp_path)
    assert first["62"].labels["fr"] == "Programmation"
    assert first["62"].description == built_in["62"].description  # merged from built-in
    save(overlay_with_label("Informatique"), tmp_path / "nace.json")
    assert load("nace", overlay_dir=tmp_path)["62"].labels["fr"] == "Informatique"


def test_broken_overlay_is_refused(tmp_path: Path) -> None:
    orphan = Code("99.9", "group", "98.7", "Orphan")
    built_in = load("nace")
    save(
        Taxonomy("nace", "2", "Broken", (*built_in.levels, "group"), [*built_in, orphan]),
        tmp_path / "nace.json",
    )
    with pytest.raises(TaxonomyValidationError, match="missing parent"):
        load("nace", overlay_dir=tmp_path)
