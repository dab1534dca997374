"""Extraction on the real strategies in ../shared (skipped when absent)."""

from __future__ import annotations

from rapidfuzz import fuzz

from pipelines.ingest.evaluate import score_document, titles_match
from pipelines.ingest.pdf_text import read_document


def test_recall_and_precision_meet_targets(real_extractions: dict, expected: dict) -> None:
    found = total = tp = fp = 0
    for name, entry in expected["documents"].items():
        titles = [p.title for p in real_extractions[name].priorities]
        score = score_document(name, entry, titles)
        found, total = found + score.found, total + score.expected
        tp, fp = tp + score.true_positives, fp + score.false_positives
    assert found / total >= 0.9
    assert tp / (tp + fp) >= 0.75


def test_priorities_point_at_their_pages(real_extractions: dict, expected: dict) -> None:
    for name, entry in expected["documents"].items():
        for wanted in entry["priorities"]:
            names = [wanted["title"], *wanted.get("aliases", [])]
            matches = [p for p in real_extractions[name].priorities if titles_match(p.title, names)]
            # the closest title ("Ecotechnologies" also fuzzily matches "Biotechnologies ...")
            match = max(
                matches,
                key=lambda p: max(fuzz.ratio(p.title.lower(), n.lower()) for n in names),
                default=None,
            )
            assert match is not None, f"{name}: {wanted['title']} not extracted"
            assert wanted["page"] in match.pages, (name, wanted["title"], match.pages)


def test_sub_priorities_carry_their_parent(real_extractions: dict) -> None:
    priorities = real_extractions["LU_Luxembourg_S3_2014.pdf"].priorities
    titles = {p.title for p in priorities}
    subs = [p for p in priorities if p.parent]
    assert subs, "the numbered sub-sections should come out as sub-priorities"
    assert all(p.parent in titles for p in subs)
    assert all(p.description for p in priorities)


def test_two_up_spreads_are_split_into_printed_pages(shared_strategies) -> None:
    document = read_document(shared_strategies / "FI_South_Ostrobothnia_S3.pdf")
    halves = [p for p in document.pages if p.number == 8]
    assert [p.part for p in halves] == [1, 2]
    left = " ".join(line.text for line in halves[0].lines)
    # the numbered list of focus points sits on the left printed page, in reading order
    first = left.index("1. Sustainable food systems")
    assert first < left.index("2. Smart and energy efficient systems")
    assert "Operation matrix" not in left
    # running footers with printed page numbers are gone
    assert not any("Strategy for Smart Specialisation" in line.text for line in halves[0].lines)


def test_overlaid_figure_text_is_dropped_with_a_warning(real_extractions: dict) -> None:
    fi = real_extractions["FI_South_Ostrobothnia_S3.pdf"]
    assert any("overlaid" in warning for warning in fi.warnings)


def test_metadata_detected(real_extractions: dict, expected: dict) -> None:
    for name, entry in expected["documents"].items():
        meta = real_extractions[name].strategy
        assert meta.country == entry["country_code"]
        assert meta.language == entry["language"]
        assert meta.period == entry["period"]
        assert "strateg" in meta.title.lower()
    assert real_extractions["NL_Northern_Netherlands_RIS3.pdf"].strategy.nuts_code == "NL1"
