"""Parsers of Eurostat's official NACE files, on the real files in ../shared, and overlays."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from taxonomies import (
    Taxonomy,
    TaxonomyError,
    TaxonomyFileError,
    TaxonomyValidationError,
    ecosystem_nace_crosswalk,
    load,
    save,
)
from taxonomies.eurostat import (
    apply_language,
    read_correspondence,
    read_nace_language,
    read_nace_with_notes,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "taxonomies"
NACE_DIR = SHARED / "nace"
LANGUAGE_DIR = SHARED / "nace_rev2_languages"
LANGUAGES = ["de", "es", "fr", "it", "nl", "pl", "pt"]

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not (NACE_DIR / "nace_rev2_with_notes.csv").is_file(),
        reason="Eurostat NACE files not found in ../shared/taxonomies",
    ),
]


@pytest.fixture(scope="module")
def rev2() -> Taxonomy:
    return read_nace_with_notes(NACE_DIR / "nace_rev2_with_notes.csv")


@pytest.fixture(scope="module")
def rev21() -> Taxonomy:
    return read_nace_with_notes(NACE_DIR / "nace_rev21_with_notes.csv")


def _raw_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_rev2_has_all_levels_and_notes(rev2: Taxonomy) -> None:
    rows = _raw_rows(NACE_DIR / "nace_rev2_with_notes.csv")
    assert len(rev2) == len(rows) - 1 == 996
    assert rev2.version == "2" and rev2.levels == ("section", "division", "group", "class")
    assert len(rev2.at_level("section")) == 21 and len(rev2.at_level("division")) == 88
    rev2.validate()
    excludes_in_file = sum(1 for row in rows[1:] if row[6] != "NA")
    assert sum(1 for c in rev2 if "excludes" in c.notes) == excludes_in_file > 0
    assert sum(1 for c in rev2 if c.notes) >= excludes_in_file
    assert rev2["C"].title == "Manufacturing"  # upper case in the file, sentence case here
    assert rev2.roll_up("10.11", "section") == "C"
    assert [c.code for c in rev2.ancestors("10.11")] == ["10.1", "10", "C"]
    assert list(rev2.codes)[:21] == [c.code for c in rev2.at_level("section")]


def test_rev21_layout_without_level_column(rev21: Taxonomy) -> None:
    assert len(rev21) == 1047
    assert rev21.version == "2.1" and rev21.title == "NACE Rev. 2.1"
    assert len(rev21.at_level("section")) == 22 and len(rev21.at_level("division")) == 87
    assert sum(1 for c in rev21 if "includes" in c.notes) > 0
    rev21.validate()


def test_version_must_match_the_file() -> None:
    with pytest.raises(TaxonomyFileError) as caught:
        read_nace_with_notes(NACE_DIR / "nace_rev2_with_notes.csv", version="2.1")
    assert caught.value.line == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_files_label_nearly_every_code(rev2: Taxonomy, language: str) -> None:
    entries = read_nace_language(LANGUAGE_DIR / f"NACE_REV2_{language}.csv", language)
    labelled = apply_language(rev2, language, entries)
    report = labelled.provenance["languages"][language]
    assert report["labels"] >= 0.99 * len(rev2)
    assert list(report["unknown_codes"]) == []
    differing = sum(1 for c in labelled if c.labels.get(language, c.title) != c.title)
    assert differing >= 0.9 * len(rev2)
    assert labelled["A"].labels["en"] == rev2["A"].title
    assert language not in rev2["A"].labels  # the input taxonomy is left untouched


def test_language_titles_case_and_local_notes(rev2: Taxonomy) -> None:
    french = read_nace_language(LANGUAGE_DIR / "NACE_REV2_fr.csv", "fr")
    german = read_nace_language(LANGUAGE_DIR / "NACE_REV2_de.csv", "de")
    assert french["A"].title[0].isupper() and not french["A"].title.isupper()
    assert german["A"].title.isupper()  # German nouns keep their capitals
    assert sum(1 for e in french.values() if e.notes) > 0.5 * len(rev2)
    labelled = apply_language(rev2, "fr", french)
    assert "excludes" in labelled["01.11"].notes_by_language["fr"]
    # Rev. 2's own file has no "includes"; the RAMON export fills them in English.
    assert sum(1 for c in rev2 if "includes" in c.notes) == 0
    assert sum(1 for c in labelled if "includes" in c.notes) > 0.5 * len(rev2)


def test_apply_language_reports_or_rejects_unknown_codes(rev21: Taxonomy) -> None:
    entries = read_nace_language(LANGUAGE_DIR / "NACE_REV2_it.csv", "it")
    labelled = apply_language(rev21, "it", entries)
    unknown = labelled.provenance["languages"]["it"]["unknown_codes"]
    assert unknown and all(code not in rev21 for code in unknown)
    with pytest.raises(TaxonomyValidationError):
        apply_language(rev21, "it", entries, strict=True)


def test_correspondence_rows(rev2: Taxonomy, rev21: Taxonomy) -> None:
    pairs = read_correspondence(NACE_DIR / "nace_rev2_to_rev21.csv")
    rows = _raw_rows(NACE_DIR / "nace_rev2_to_rev21.csv")
    assert len(pairs) == len(rows) - 1
    assert all(old in rev2 and new in rev21 for old, new in pairs)
    same = read_correspondence(NACE_DIR / "nace_rev2_to_rev21.csv", same_level=True)
    assert 0 < len(same) < len(pairs)
    assert all(rev2[old].level == rev21[new].level for old, new in same)
    assert ("01.11", "01.11") in same and ("J", "K") in same


def _truncated_copy(source: Path, target: Path, lines: int) -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        head = [next(handle) for _ in range(lines)]
    target.write_text("".join(head), encoding="utf-8", newline="")
    return target


@pytest.mark.parametrize("name", ["nace_rev2_with_notes.csv", "nace_rev21_with_notes.csv"])
@pytest.mark.parametrize("lines", [2, 500, 1000])
def test_truncated_notes_file_is_rejected(tmp_path: Path, name: str, lines: int) -> None:
    source = NACE_DIR / name
    copy = _truncated_copy(source, tmp_path / name, min(lines, len(_raw_rows(source)) - 1))
    with pytest.raises(TaxonomyFileError) as caught:
        read_nace_with_notes(copy)
    assert caught.value.path == copy and caught.value.line >= 1
    assert str(caught.value).startswith(f"{copy}:{caught.value.line}: ")


@pytest.mark.parametrize("language", ["de", "pt"])
def test_truncated_language_file_is_rejected(tmp_path: Path, language: str) -> None:
    source = LANGUAGE_DIR / f"NACE_REV2_{language}.csv"
    text = source.read_bytes().decode("utf-8")
    for cut in (len(text) // 2, len(text) // 5):
        copy = tmp_path / f"cut_{cut}.csv"
        copy.write_bytes(text[:cut].encode("utf-8"))
        with pytest.raises(TaxonomyFileError) as caught:
            read_nace_language(copy, language)
        assert caught.value.line > 1


def test_cut_inside_a_quoted_field_names_the_record_line(tmp_path: Path) -> None:
    text = (NACE_DIR / "nace_rev2_with_notes.csv").read_text(encoding="utf-8")
    cut = text.index("This class excludes: - growing of rice")
    copy = tmp_path / "cut.csv"
    copy.write_text(text[:cut], encoding="utf-8", newline="")
    with pytest.raises(TaxonomyFileError, match="truncated") as caught:
        read_nace_with_notes(copy)
    assert caught.value.line == text[:cut].count("\n") + 1


def _edited_copy(tmp_path: Path, old: str, new: str, *, count: int = 1) -> Path:
    text = (NACE_DIR / "nace_rev2_with_notes.csv").read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / "edited.csv"
    copy.write_text(text.replace(old, new, count), encoding="utf-8", newline="")
    return copy


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ('"nace2","Name","Level","Parent","Include"', '"nace2","Name","Level","Parent"', "missing"),
        ('"01.12","Growing of rice","4"', '"01.12","Growing of rice","3"', "not a group"),
        ('"01.12","Growing of rice","4","01.1"', '"01.12","Growing of rice","4","01.2"', "parent"),
        ('"01.12","Growing of rice"', '"01.11","Growing of rice"', "duplicate"),
        ('"A","AGRICULTURE, FORESTRY AND FISHING","1",NA', '"A","","1",NA', "no name"),
    ],
)
def test_malformed_notes_file_names_file_and_line(
    tmp_path: Path, old: str, new: str, reason: str
) -> None:
    copy = _edited_copy(tmp_path, old, new)
    with pytest.raises(TaxonomyFileError, match=reason) as caught:
        read_nace_with_notes(copy)
    edited = copy.read_text(encoding="utf-8")
    assert caught.value.line == edited[: edited.index(new)].count("\n") + 1


def test_missing_section_row_is_a_missing_parent(tmp_path: Path) -> None:
    section_u = '"U","ACTIVITIES OF EXTRATERRITORIAL ORGANISATIONS AND BODIES","1",NA,NA,NA,NA\n'
    copy = _edited_copy(tmp_path, section_u, "")
    with pytest.raises(TaxonomyFileError, match="'U'"):
        read_nace_with_notes(copy)


def test_non_utf8_and_empty_files(tmp_path: Path) -> None:
    data = (NACE_DIR / "nace_rev2_with_notes.csv").read_bytes()
    broken = tmp_path / "latin1.csv"
    position = data.index(b"Growing of rice")
    broken.write_bytes(data[:position] + "Gr\u00e9wing".encode("latin-1") + data[position + 6 :])
    with pytest.raises(TaxonomyFileError, match="UTF-8") as caught:
        read_nace_with_notes(broken)
    assert caught.value.line == data[:position].count(b"\n") + 1
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for reader in (read_nace_with_notes, read_correspondence):
        with pytest.raises(TaxonomyFileError, match="empty"):
            reader(empty)
    with pytest.raises(TaxonomyFileError, match="empty"):
        read_nace_language(empty, "fr")


def test_overlay_serves_the_imported_taxonomy_with_our_descriptions(
    tmp_path: Path, rev2: Taxonomy
) -> None:
    built_in = load("nace")
    french = read_nace_language(LANGUAGE_DIR / "NACE_REV2_fr.csv", "fr")
    save(apply_language(rev2, "fr", french), tmp_path / "nace.json")
    overlay = load("nace", overlay_dir=tmp_path)
    assert len(overlay) == 996 and overlay.levels[-1] == "class"
    assert overlay["62"].description == built_in["62"].description
    assert overlay["62"].keywords == built_in["62"].keywords
    assert overlay["C"].description == built_in["C"].description
    assert overlay["62.01"].labels["fr"] == french["62.01"].title
    assert overlay["01.11"].notes["excludes"]
    assert overlay.roll_up("62.01", "division") == "62"
    ecosystems = load("ecosystem", overlay_dir=tmp_path)  # composition checked on full NACE
    assert ecosystems["digital"].extra["nace"]
    assert load("nace", overlay_dir=tmp_path / "nothing-imported").levels == built_in.levels


def test_rev21_overlay_keeps_version_and_merges_by_title_only(
    tmp_path: Path, rev21: Taxonomy
) -> None:
    built_in = load("nace")
    save(rev21, tmp_path / "nace.json")
    overlay = load("nace", overlay_dir=tmp_path)
    assert overlay.version == "2.1" and len(overlay) == 1047
    assert overlay["10"].description == built_in["10"].description  # same title in both
    assert overlay["61"].description == built_in["61"].description  # 'Telecommunication'
    # Rev. 2.1 moves sections: our "Information and communication" text must not be pinned
    # on the new J, while "Financial and insurance activities" follows its title from K to L.
    assert overlay["J"].description != built_in["J"].description
    assert overlay["L"].description == built_in["K"].description
    # Ecosystem compositions are Rev. 2 codes: checked on the built-in, refused on Rev. 2.1.
    ecosystems = load("ecosystem", overlay_dir=tmp_path)
    assert ecosystem_nace_crosswalk(ecosystems, built_in)["digital"]
    with pytest.raises(TaxonomyError, match=r"Rev\. 2 codes"):
        ecosystem_nace_crosswalk(ecosystems, overlay)


def test_language_file_cut_at_a_record_boundary_is_rejected(tmp_path: Path) -> None:
    with (LANGUAGE_DIR / "NACE_REV2_fr.csv").open(encoding="utf-8", newline=None) as handle:
        rows = list(csv.reader(handle))
    copy = tmp_path / "first_half.csv"
    with copy.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows[: len(rows) // 2])
    with pytest.raises(TaxonomyFileError, match=r"NACE Rev\. 2 has \d+ \(truncated"):
        read_nace_language(copy, "fr")
