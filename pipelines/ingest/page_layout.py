"""One page's characters -> lines in reading order, with font size, boldness and position.

Pure geometry, no PDF library: two-up spreads (a landscape page carrying two printed pages) are
split at a clean gutter, multi-column text is ordered by recursive XY-cut, rotated text is
ignored, and figure labels printed on top of other text (overlays), which come out of the text
layer as garbage, are dropped with a warning.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_LEADING_CID = re.compile(r"^\(cid:\d+\)\s*")
_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class Line:
    """One line of text on one (half-)page, with its typography and position."""

    text: str
    page: int  # PDF page, counted from 1
    size: float
    bold: bool
    x0: float
    top: float
    x1: float
    bottom: float
    part: int = 0  # 0 for a normal page, 1/2 for the left/right half of a two-up spread


@dataclass
class PageText:
    """The lines of one printed page (a half of a two-up spread counts as one)."""

    number: int
    part: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


def layout_page(
    chars: list[dict[str, Any]], number: int, width: float, height: float, warnings: list[str]
) -> list[PageText]:
    """Lines of one PDF page (two ``PageText`` for a two-up spread) from its characters."""
    chars = [c for c in chars if c["text"].strip() or c["text"] == " "]
    rotated = [c for c in chars if not c.get("upright", True)]
    if len(rotated) > 20:
        warnings.append(f"page {number}: {len(rotated)} rotated characters ignored (figure text)")
    chars = [c for c in chars if c.get("upright", True)]
    overlaid = _overlaid_chars(chars)
    segments = _segments(chars, overlaid)
    dropped = [s for s in segments if s.overlay_share > 0.3]
    if dropped:
        warnings.append(
            f"page {number}: dropped {len(dropped)} lines of overlaid figure text "
            f"(e.g. '{dropped[0].text[:40]}')"
        )
    segments = [s for s in segments if s.overlay_share <= 0.3]
    halves = _split_two_up(segments, width, height)
    result = []
    for part, (offset, half_width, items) in enumerate(halves, start=1 if len(halves) > 1 else 0):
        ordered = _xy_cut(items)
        lines = [
            Line(
                s.text, number, s.size, s.bold, s.x0 - offset, s.top, s.x1 - offset, s.bottom, part
            )
            for s in ordered
        ]
        result.append(PageText(number, part, half_width, height, lines))
    return result


@dataclass
class _Segment:
    text: str
    size: float
    bold: bool
    x0: float
    top: float
    x1: float
    bottom: float
    overlay_share: float


def _overlaid_chars(chars: list[dict[str, Any]]) -> set[int]:
    """Indexes of chars whose box largely covers a different char (text printed over text)."""
    # plain tuples and a 10 pt grid: this runs over every char of every page
    boxes = [(c["x0"], c["top"], c["x1"], c["bottom"], c["text"]) for c in chars]
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (x0, top, _, _, text) in enumerate(boxes):
        if text != " ":
            grid[(int(x0 // 10), int(top // 10))].append(i)
    hit: set[int] = set()
    neighbours = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    for i, (x0, top, x1, bottom, text) in enumerate(boxes):
        if text == " ":
            continue
        gx, gy = int(x0 // 10), int(top // 10)
        for dx, dy in neighbours:
            for j in grid.get((gx + dx, gy + dy), ()):
                if j <= i:
                    continue
                ox0, otop, ox1, obottom, otext = boxes[j]
                w = min(x1, ox1) - max(x0, ox0)
                if w <= 0:
                    continue
                h = min(bottom, obottom) - max(top, otop)
                if h <= 0:
                    continue
                smaller = min(x1 - x0, ox1 - ox0) or 1.0
                lower = min(bottom - top, obottom - otop) or 1.0
                # bold-by-overprinting repeats the same glyph at the same spot: not an overlay
                if w / smaller > 0.5 and h / lower > 0.5 and text != otext:
                    hit.add(i)
                    hit.add(j)
    return hit


def _segments(chars: list[dict[str, Any]], overlaid: set[int]) -> list[_Segment]:
    """Group chars into rows by baseline, then cut rows at wide gaps (column gutters)."""
    order = sorted(range(len(chars)), key=lambda i: (round(chars[i]["bottom"]), chars[i]["x0"]))
    rows: list[list[int]] = []
    row_bottom = None
    for i in order:
        c = chars[i]
        tolerance = max(1.5, float(c["size"]) * 0.3)
        if rows and row_bottom is not None and abs(c["bottom"] - row_bottom) <= tolerance:
            rows[-1].append(i)
        else:
            rows.append([i])
            row_bottom = c["bottom"]
    segments: list[_Segment] = []
    for row in rows:
        row.sort(key=lambda i: chars[i]["x0"])
        current: list[int] = []
        prev_ink = None
        for i in row:
            if chars[i]["text"] == " ":
                if current:
                    current.append(i)
                continue
            if current and prev_ink is not None:
                prev = chars[prev_ink]
                gap = chars[i]["x0"] - prev["x1"]
                if gap > max(float(prev["size"]) * 1.6, 9.0) or gap < -float(prev["size"]):
                    segments.append(_make_segment(chars, current, overlaid))
                    current = []
            current.append(i)
            prev_ink = i
        if current:
            segments.append(_make_segment(chars, current, overlaid))
    return [s for s in segments if s.text.strip()]


def _make_segment(chars: list[dict[str, Any]], idx: list[int], overlaid: set[int]) -> _Segment:
    parts: list[str] = []
    prev = None
    for i in idx:
        c = chars[i]
        if c["text"] == " ":
            parts.append(" ")
            continue
        if prev is not None and c["x0"] - prev["x1"] > float(prev["size"]) * 0.18:
            parts.append(" ")
        parts.append(c["text"])
        prev = c
    idx = [i for i in idx if chars[i]["text"] != " "] or idx
    sizes = Counter(round(float(chars[i]["size"]), 1) for i in idx)
    bold = sum(1 for i in idx if _is_bold(chars[i]["fontname"])) > len(idx) / 2
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    # unmapped glyphs come out as "(cid:N)": at a line start they are bullet symbols
    text = _CID.sub("", _LEADING_CID.sub("\u2022 ", text)).strip()
    return _Segment(
        text=text,
        size=sizes.most_common(1)[0][0],
        bold=bold,
        x0=min(chars[i]["x0"] for i in idx),
        top=min(chars[i]["top"] for i in idx),
        x1=max(chars[i]["x1"] for i in idx),
        bottom=max(chars[i]["bottom"] for i in idx),
        overlay_share=sum(1 for i in idx if i in overlaid) / len(idx),
    )


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "semibold", "-bd", ",b"))


def _split_two_up(
    segments: list[_Segment], width: float, height: float
) -> list[tuple[float, float, list[_Segment]]]:
    """Split a landscape spread into its two printed pages when the middle is a clean gutter."""
    middle = width / 2
    if width < height * 1.25 or not segments:
        return [(0.0, width, segments)]
    crossing = [s for s in segments if s.x0 < middle - 2 and s.x1 > middle + 2]
    left = [s for s in segments if s.x1 <= middle + 2]
    right = [s for s in segments if s.x0 >= middle - 2]
    if len(crossing) > max(2, 0.03 * len(segments)) or not left or not right:
        return [(0.0, width, segments)]
    for s in crossing:  # a stray title across the fold goes with the side holding most of it
        (left if middle - s.x0 >= s.x1 - middle else right).append(s)
    return [(0.0, middle, left), (middle, middle, right)]


def _xy_cut(segments: list[_Segment], depth: int = 0) -> list[_Segment]:
    """Reading order by recursive XY-cut: full-width column gutters first, then row gaps."""
    if len(segments) <= 1 or depth > 40:
        return sorted(segments, key=lambda s: (s.top, s.x0))
    heights = sorted(s.bottom - s.top for s in segments)
    line_height = heights[len(heights) // 2] or 10.0
    vertical = _widest_gap([(s.x0, s.x1) for s in segments], min_gap=line_height * 0.9)
    if vertical is not None:
        left = [s for s in segments if s.x1 <= vertical]
        right = [s for s in segments if s.x0 >= vertical]
        # columns hold several lines each; two lone cells side by side read as one row
        if len(left) >= 3 and len(right) >= 3 and not _looks_like_table(left, right):
            return _xy_cut(left, depth + 1) + _xy_cut(right, depth + 1)
    horizontal = _widest_gap([(s.top, s.bottom) for s in segments], min_gap=0.0)
    if horizontal is not None:
        upper = [s for s in segments if s.bottom <= horizontal]
        lower = [s for s in segments if s.top >= horizontal]
        if upper and lower:
            return _xy_cut(upper, depth + 1) + _xy_cut(lower, depth + 1)
    return sorted(segments, key=lambda s: (round(s.top), s.x0))


def _looks_like_table(left: list[_Segment], right: list[_Segment]) -> bool:
    """Two sides whose lines share baselines row by row are a table, read row-wise."""
    tops = {round(s.top) for s in right}
    aligned = sum(1 for s in left if round(s.top) in tops)
    narrow_left = max(s.x1 for s in left) - min(s.x0 for s in left) < 150
    return narrow_left and aligned >= 0.6 * len(left)


def _widest_gap(spans: Iterable[tuple[float, float]], min_gap: float) -> float | None:
    """Middle of the widest empty interval between the spans, if wider than ``min_gap``."""
    ordered = sorted(spans)
    best, best_at = min_gap, None
    reach = ordered[0][1]
    for start, end in ordered[1:]:
        if start - reach > best:
            best, best_at = start - reach, (start + reach) / 2
        reach = max(reach, end)
    return best_at
