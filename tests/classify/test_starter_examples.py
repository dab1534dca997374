"""Starter examples: the team's dev gold priorities loaded as validated kNN examples."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from models.classifier import Classifier
from models.classifier.starter import (
    STARTER_EXAMPLES,
    StarterExample,
    add_starter_examples,
    read_starter_examples,
)
from observatory.errors import InvalidInput, UnprocessableFile
from pipelines.classify.calibrate import without_starter_texts
from pipelines.classify.evaluation import GoldRow

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_starter_set_is_the_dev_gold_set_and_valid(classifier: Classifier) -> None:
    examples = read_starter_examples()
    assert (REPO / "benchmarks" / "gold" / "gold_dev.csv").resolve() == STARTER_EXAMPLES
    assert len(examples) >= 250
    assert sum(e.language != "en" for e in examples) >= 0.2 * len(examples)
    for example in examples:
        assert set(example.codes) == {"nace", "nabs", "ecosystem"}, example.id
        for name, codes in example.codes.items():
            classifier.normalise_codes(name, codes)  # raises NotFound on an invalid code


def test_starter_examples_vote_and_quote_their_text(classifier: Classifier) -> None:
    examples = [
        StarterExample("s1", "Artisan cheese and dairy processing for export", "en",
                       {"nace": ["10"], "ecosystem": ["agri-food"]}),
        StarterExample("s2", "Offshore wind farms and grid connection", "en",
                       {"nace": ["35"]}),
    ]  # fmt: skip
    own = classifier.fork()  # the session's classifier stays without them
    assert add_starter_examples(own, examples) == 2
    assert len(own.models["nace"].examples) == 2
    assert len(own.models["ecosystem"].examples) == 1
    assert len(own.models["nabs"].examples) == 0
    nace = own.classify(["Cheese making and dairy processing"])[0]["nace"]
    top = nace.codes[0]
    assert top.code == "10"
    quoted = [e for e in top.rationale if e.kind == "example"]
    assert quoted and quoted[0].source == "starter"
    assert quoted[0].text == examples[0].text
    assert own.remove_examples([-1, -2]) == 3


def test_a_loose_example_votes_but_only_a_near_duplicate_acts_as_a_prototype(
    classifier: Classifier,
) -> None:
    text = "Digital twins for port operations and logistics"
    before = classifier.classify([text], taxonomies=("nace",))[0]["nace"]
    wrong = "87"  # residential care: no prototype of it is anywhere near this text
    assert before.codes[0].code != wrong
    loose_example = classifier.fork()
    loose_example.add_examples(["Digital twins for airport operations"], "nace", [[wrong]])
    loose = loose_example.classify([text], taxonomies=("nace",))[0]["nace"]
    assert loose.codes[0].code == before.codes[0].code  # a vote, not a takeover
    duplicate = classifier.fork()
    duplicate.add_examples([text], "nace", [[wrong]])
    same = duplicate.classify([text], taxonomies=("nace",))[0]["nace"]
    assert same.codes[0].code == wrong  # the reviewer's word on this very text wins


def test_fitting_rows_that_are_starter_texts_are_left_out() -> None:
    starters = [StarterExample("s1", "Smart specialisation in dairy", "en", {"nace": ["10"]})]
    rows = [
        GoldRow(line=2, text="Smart specialisation in dairy", codes={"nace": ["10"]}),
        GoldRow(line=3, text="Offshore wind energy", codes={"nace": ["35"]}),
    ]
    assert [row.line for row in without_starter_texts(rows, starters)] == [3]
    with pytest.raises(InvalidInput, match="calibration split"):
        without_starter_texts(rows[:1], starters)


def test_a_starter_file_without_a_text_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "starter.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "nace"], ["a", "10"]])
    with pytest.raises(UnprocessableFile, match="text"):
        read_starter_examples(path)
    with pytest.raises(UnprocessableFile, match="cannot read"):
        read_starter_examples(tmp_path / "missing.csv")
