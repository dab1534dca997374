"""Keyword phrases in other languages: the shipped files, their loader and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taxonomies import Code, Taxonomy, TaxonomyError, load
from taxonomies.keywords import read_keyword_files, with_language_keywords
from taxonomies.loader import KEYWORDS_DIR

TARGET_LEVELS = {"nace": "division", "nabs": "chapter", "ecosystem": "ecosystem"}


def _tiny() -> Taxonomy:
    return Taxonomy(
        "ecosystem", "t", "tiny", ("ecosystem",),
        [Code("forest", "ecosystem", None, "Forestry"), Code("dairy", "ecosystem", None, "Dairy")],
    )  # fmt: skip


def _write(directory: Path, language: str, payload: dict) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{language}.json").write_text(json.dumps(payload), encoding="utf-8")


def test_phrases_attach_to_their_codes(tmp_path: Path) -> None:
    _write(tmp_path, "fi", {"language": "fi", "ecosystem": {"forest": ["metsätalous", " "]}})
    _write(tmp_path, "hu", {"language": "hu", "ecosystem": {"forest": ["erdőgazdálkodás"]}})
    tagged = with_language_keywords(_tiny(), read_keyword_files(tmp_path))
    assert dict(tagged["forest"].keywords_by_language) == {
        "fi": ("metsätalous",),
        "hu": ("erdőgazdálkodás",),
    }
    assert not tagged["dairy"].keywords_by_language
    # survives the JSON round trip used for overlays
    again = Taxonomy.from_dict(tagged.to_dict())
    assert again["forest"].keywords_by_language["fi"] == ("metsätalous",)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"language": "sv", "ecosystem": {}}, "must be 'fi'"),
        ({"language": "fi", "ecosystem": {"forest": "metsä"}}, "needs a list of phrases"),
        ({"language": "fi", "ecosystem": ["forest"]}, "must map codes"),
        ({"language": "fi", "ecosystem": {"mining": ["kaivos"]}}, "do not exist: mining"),
    ],
)
def test_malformed_files_are_refused_clearly(tmp_path: Path, payload: dict, message: str) -> None:
    _write(tmp_path, "fi", payload)
    with pytest.raises(TaxonomyError, match=message):
        with_language_keywords(_tiny(), read_keyword_files(tmp_path))


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    tmp_path.joinpath("fi.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"fi\.json"):
        read_keyword_files(tmp_path)


SHIPPED = sorted(KEYWORDS_DIR.glob("*.json"))


@pytest.mark.skipif(not SHIPPED, reason="no keyword files shipped yet")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_language_covers_every_code(path: Path) -> None:
    language = path.stem
    for name, level in TARGET_LEVELS.items():
        taxonomy = load(name)
        missing = [
            code.code
            for code in taxonomy.at_level(level)
            if len(code.keywords_by_language.get(language, ())) < 3
        ]
        assert not missing, f"{language}: {name} codes with fewer than 3 phrases: {missing}"
