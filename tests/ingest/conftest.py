"""Fixtures for the ingest tests: the shared real strategies and small PDFs built in code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "strategies"


@pytest.fixture(scope="session")
def shared_strategies() -> Path:
    """The folder of real strategies with their ground truth; skip when absent."""
    if not (SHARED / "expected_priorities.json").is_file():
        pytest.skip(f"real strategies not available at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def expected(shared_strategies: Path) -> dict:
    """The ground-truth file."""
    return json.loads((shared_strategies / "expected_priorities.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def real_extractions(shared_strategies: Path) -> dict:
    """Each real strategy extracted once per session (without keywords, for speed)."""
    from pipelines.ingest.extract import extract

    return {
        path.name: extract(path, with_keywords=False)
        for path in sorted(shared_strategies.glob("*.pdf"))
    }


def write_pdf(
    path: Path,
    pages: list[list[tuple[float, float, str, float, bool]]],
    size: tuple[float, float] = A4,
) -> Path:
    """Write pages of (x, y_from_top, text, font_size, bold) items."""
    pdf = canvas.Canvas(str(path), pagesize=size)
    _, height = size
    for items in pages:
        for x, y, text, font_size, bold in items:
            pdf.setFont("Helvetica-Bold" if bold else "Helvetica", font_size)
            pdf.drawString(x, height - y, text)
        pdf.showPage()
    pdf.save()
    return path


def strategy_pages(page_count: int = 4) -> list[list[tuple[float, float, str, float, bool]]]:
    """A small strategy: running header and page numbers, a hyphenated paragraph, a cue list."""
    pages = []
    for number in range(1, page_count + 1):
        items = [
            (60, 30, "Smart Specialisation Strategy of Testland 2021-2027", 9, False),
            (290, 820, str(number), 9, False),
        ]
        if number == 1:
            items += [
                (60, 120, "Testland Smart Specialisation Strategy", 22, True),
                (
                    60,
                    200,
                    "The region analysed many sectors over two years of discovery work",
                    11,
                    False,
                ),
                (60, 215, "with companies and universities in a long entrepre-", 11, False),
                (60, 230, "neurial discovery process across the whole territory.", 11, False),
            ]
        if number == 2:
            items += [
                (60, 100, "2 Priority areas", 16, True),
                (60, 130, "The strategy selected the following priority areas:", 11, False),
                (60, 150, "\u2022 Marine robotics", 11, False),
                (60, 165, "\u2022 Circular textiles", 11, False),
                (60, 180, "\u2022 Precision forestry", 11, False),
                (60, 210, "Marine robotics builds on the shipyards of the coast.", 11, False),
            ]
        if number == 3:
            items += [
                (60, 100, "3 Horizontal themes", 16, True),
                (60, 130, "Cross-cutting principles of implementation are:", 11, False),
                (60, 150, "\u2022 Openness", 11, False),
                (60, 165, "\u2022 Monitoring", 11, False),
                (
                    60,
                    200,
                    "Circular textiles and precision forestry grow in the inland.",
                    11,
                    False,
                ),
            ]
        pages.append(items)
    return pages


def two_up_pages() -> list[list[tuple[float, float, str, float, bool]]]:
    """One landscape spread holding two printed pages with lines at the same heights."""
    items = []
    for row in range(6):
        y = 100 + row * 15
        items.append((40, y, f"Left page line {row} about the coast", 11, False))
        items.append((461, y, f"Right page line {row} about the forest", 11, False))
    return [items]


LANDSCAPE = landscape(A4)


@pytest.fixture(scope="session")
def pdfs() -> object:
    """The PDF builders above, for tests (pytest's importlib mode forbids sibling imports)."""
    import types

    return types.SimpleNamespace(
        write_pdf=write_pdf,
        strategy_pages=strategy_pages,
        two_up_pages=two_up_pages,
        LANDSCAPE=LANDSCAPE,
    )
