"""Text cleaning and detection on small PDFs generated in code."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest.extract import extract
from pipelines.ingest.pdf_text import read_document
from pipelines.ingest.structure import join_lines


def test_running_headers_and_page_numbers_are_removed(tmp_path: Path, pdfs) -> None:
    document = read_document(pdfs.write_pdf(tmp_path / "s.pdf", pdfs.strategy_pages()))
    texts = [line.text for line in document.lines]
    assert not any(t.startswith("Smart Specialisation Strategy of Testland") for t in texts)
    assert not any(t.strip().isdigit() for t in texts)
    assert "Testland Smart Specialisation Strategy" in texts


def test_hyphenation_is_joined(tmp_path: Path, pdfs) -> None:
    result = extract(pdfs.write_pdf(tmp_path / "s.pdf", pdfs.strategy_pages()), with_keywords=False)
    assert result.strategy.period == "2021-2027"
    assert join_lines("entrepre-", "neurial work") == "entrepreneurial work"
    assert join_lines("entrepre\u00ad", "neurial") == "entrepreneurial"
    assert join_lines("North-", "East") == "North- East"  # a capital keeps the hyphen


def test_cue_list_is_selected_and_horizontal_list_is_not(tmp_path: Path, pdfs) -> None:
    result = extract(pdfs.write_pdf(tmp_path / "s.pdf", pdfs.strategy_pages()))
    titles = [p.title for p in result.priorities]
    assert titles[:3] == ["Marine robotics", "Circular textiles", "Precision forestry"]
    assert "Openness" not in titles
    assert result.priorities[0].pages[0] == 2
    assert all(p.keywords for p in result.priorities)
    assert result.to_json()["source"]["pages"] == 4
    chosen = [c for c in result.candidates if c.chosen]
    assert len(chosen) == 1 and [i.title for i in chosen[0].items][:3] == titles[:3]
    assert all(i.page == 2 for i in chosen[0].items)
    assert 0.0 < result.confidence <= 1.0
    data = result.to_json()
    assert data["confidence"] == result.confidence
    assert data["candidates"][0]["items"][0]["page"] >= 1


def test_two_up_page_is_read_left_then_right(tmp_path: Path, pdfs) -> None:
    document = read_document(
        pdfs.write_pdf(tmp_path / "two.pdf", pdfs.two_up_pages(), pdfs.LANDSCAPE)
    )
    assert [p.part for p in document.pages] == [1, 2]
    assert all("Left" in line.text for line in document.pages[0].lines)
    assert all("Right" in line.text for line in document.pages[1].lines)
    assert document.pages[0].lines[0].text.endswith("line 0 about the coast")
