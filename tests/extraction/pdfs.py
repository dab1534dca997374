"""A small strategy PDF written with reportlab at test time (our own invented text).

Page 2 announces the selected priority areas as a bulleted list; page 3 holds a decoy list of
horizontal objectives; page 4 describes two of the areas again.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PRIORITIES = ("Marine robotics", "Circular textiles", "Precision forestry", "Smart dairy chains")
OBJECTIVES = ("Access to finance for SMEs", "Skills for smart specialisation")


def _lines(pdf: canvas.Canvas, height: float, items: list[tuple[float, str, float, bool]]) -> None:
    for y, text, size, bold in items:
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(60, height - y, text)


def write_strategy_pdf(path: Path, *, region: str = "Testland") -> Path:
    """Write the four-page strategy and return its path."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    header = (30, f"Smart Specialisation Strategy of {region} 2021-2027", 9, False)
    pages = [
        [
            (120, f"{region} Smart Specialisation Strategy 2021-2027", 22, True),
            (200, "The region analysed many sectors over two years of discovery work", 11, False),
            (215, "with companies, universities and citizens across the whole territory.", 11,
             False),
        ],
        [
            (100, "2 Priority areas", 16, True),
            (130, "The strategy selected the following priority areas:", 11, False),
            *[(150 + 15 * n, f"\u2022 {title}", 11, False) for n, title in enumerate(PRIORITIES)],
            (230, "Marine robotics builds on the shipyards of the coast.", 11, False),
        ],
        [
            (100, "3 Horizontal objectives", 16, True),
            (130, "Cross-cutting objectives of implementation are:", 11, False),
            *[(150 + 15 * n, f"\u2022 {title}", 11, False) for n, title in enumerate(OBJECTIVES)],
        ],
        [
            (100, "4 The areas in detail", 16, True),
            (130, "Circular textiles and precision forestry grow in the inland valleys.", 11,
             False),
        ],
    ]  # fmt: skip
    for number, items in enumerate(pages, start=1):
        _lines(pdf, height, [header, (820, str(number), 9, False), *items])
        pdf.showPage()
    pdf.save()
    return path
