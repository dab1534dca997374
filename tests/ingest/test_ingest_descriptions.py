"""Each priority is described by its own passage, not by the sentence that lists them all."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest.describe import coverage
from pipelines.ingest.extract import extract

CLUSTERS = {
    "Marine Robotics": "Shipyards on the coast build underwater vehicles for wind farms.",
    "Circular Textiles": "Mills in the valley recover fibres from used clothing and sell yarn.",
    "Precision Forestry": "Foresters map every stand with drones and plan thinning from the data.",
}


def _one_sentence_strategy() -> list[list[tuple[float, float, str, float, bool]]]:
    statement = [
        "After two years of analysis, three key clusters were identified as the focus of the",
        "strategy, namely: Marine Robotics, Circular Textiles and Precision Forestry.",
    ]
    cover = [(60, 120, "Testland Smart Specialisation Strategy 2021-2027", 20, True)]
    page = [(60, 100 + 15 * i, line, 11, False) for i, line in enumerate(statement)]
    sheets = []
    y = 100.0
    for name, text in CLUSTERS.items():
        # fact-sheet style: the name is a plain short line, its text follows
        sheets += [(60, y, name, 11, False), (60, y + 25, text, 11, False)]
        y += 80
    return [cover, page, sheets]


def test_inline_statement_gets_each_priority_its_own_passage(tmp_path: Path, pdfs) -> None:
    path = pdfs.write_pdf(tmp_path / "inline.pdf", _one_sentence_strategy())
    priorities = {p.title: p for p in extract(path, with_keywords=False).priorities}
    assert set(CLUSTERS) <= set(priorities)
    for title, text in CLUSTERS.items():
        # the passage under the line naming the priority, led by that name
        assert priorities[title].description == f"{title}: {text}"
        assert 3 in priorities[title].pages  # the passage's page joins the statement's


def test_real_descriptions_differ_and_name_their_priority(real_extractions: dict) -> None:
    for name, extraction in real_extractions.items():
        top = [p for p in extraction.priorities if p.parent is None]
        descriptions = [p.description for p in top]
        assert len(set(descriptions)) == len(descriptions), name
        for priority in top:
            assert coverage(priority.description, priority.title) > 0, (name, priority.title)
