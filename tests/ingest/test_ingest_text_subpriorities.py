"""Sub-priorities that a domain's section names in its text, not in numbered sub-sections."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest.extract import extract
from pipelines.ingest.subpriorities import inline_items


def test_inline_items_follow_the_announced_count() -> None:
    sentence = "The institute will target two fields: (i) Marine sensors and (ii) Subsea cables."
    assert inline_items(sentence) == ["Marine sensors", "Subsea cables"]
    # three items where the sentence announces two: not a clean statement, nothing comes out
    assert inline_items("It will target two fields: Sensors, Cables and Drones.") == []


def _strategy_with_text_subs() -> list[list[tuple[float, float, str, float, bool]]]:
    body = [
        (60, 100, "2 Priority areas", 16, True),
        (60, 125, "The strategy selected the following priority areas:", 11, False),
        (60, 145, "\u2022 Marine robotics", 11, False),
        (60, 160, "\u2022 Precision forestry", 11, False),
        (60, 195, "2.1 Marine robotics", 13, True),
        (60, 220, "Shipyards build underwater vehicles. The strategy will target two", 11, False),
        (60, 235, "fields: (i) Subsea inspection and (ii) Autonomous vessels.", 11, False),
        (60, 270, "2.2 Precision forestry", 13, True),
        (60, 295, "Foresters map stands with drones. Measures to support them are:", 11, False),
        (60, 315, "\u2022 Training vouchers", 11, False),
        (60, 330, "\u2022 Loan guarantees", 11, False),
    ]
    return [[(60, 120, "Testland Smart Specialisation Strategy 2021-2027", 20, True)], body]


def test_sub_fields_named_in_a_section_become_sub_priorities(tmp_path: Path, pdfs) -> None:
    path = pdfs.write_pdf(tmp_path / "subs.pdf", _strategy_with_text_subs())
    priorities = extract(path, with_keywords=False).priorities
    subs = {p.title: p.parent for p in priorities if p.parent}
    assert subs == {
        "Subsea inspection": "Marine robotics",
        "Autonomous vessels": "Marine robotics",
    }  # the list of measures under the other domain is not a set of sub-priorities
