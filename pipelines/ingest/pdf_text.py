"""PDF pages -> clean text lines in reading order, with font size, boldness and position.

Handles the layouts strategy PDFs actually have: two-up spreads (a landscape page carrying two
printed pages), multi-column text (recursive XY-cut), running headers/footers and page numbers,
rotated text, and figure labels printed on top of other text (overlays), which come out of the
text layer as garbage and are dropped with a warning.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observatory.errors import UnprocessableFile

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
SOFT_HYPHEN = "\u00ad"
_LEADING_CID = re.compile(r"^\(cid:\d+\)\s*")
_CID = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(
    r"^(page|seite|pagina|página|sivu|strona|p\.)?\s*[-–]?\s*\d{1,4}\s*[-–]?$|^[ivxlc]{1,6}$", re.I
)


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


@dataclass
class DocumentText:
    """The whole document as clean lines, plus what happened while reading it."""

    path: str
    page_count: int
    pages: list[PageText]
    warnings: list[str] = field(default_factory=list)
    running_texts: list[str] = field(default_factory=list)  # removed headers, most common first

    @property
    def lines(self) -> list[Line]:
        """All lines in reading order."""
        return [line for page in self.pages for line in page.lines]

    def page_text(self, number: int) -> str:
        """Plain text of one PDF page (both halves of a spread)."""
        return "\n".join(ln.text for p in self.pages if p.number == number for ln in p.lines)


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse files that do not exist, are too large or are not PDFs, without reading them."""
    if not path.exists():
        raise UnprocessableFile(str(path), "no such file")
    if not path.is_file():
        raise UnprocessableFile(str(path), "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise UnprocessableFile(str(path), "empty file (0 bytes)")
    if size > max_bytes:
        raise UnprocessableFile(
            str(path),
            f"file too large ({size / 1_048_576:.0f} MB, limit {max_bytes / 1_048_576:.0f} MB)",
        )
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise UnprocessableFile(str(path), "not a PDF (no %PDF header)")


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentText:
    """Read a PDF into clean lines; raise ``UnprocessableFile`` for anything unreadable."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    check_file(path, max_bytes)
    warnings: list[str] = []
    pages: list[PageText] = []
    try:
        with pdfplumber.open(path) as pdf:
            page_count = len(pdf.pages)
            if page_count == 0:
                raise UnprocessableFile(str(path), "the PDF has zero pages")
            for index, page in enumerate(pdf.pages, start=1):
                pages.extend(_read_page(page, index, warnings))
                page.close()  # frees pdfplumber's per-page object cache
    except UnprocessableFile:
        raise
    except PDFPasswordIncorrect:
        raise UnprocessableFile(str(path), "encrypted PDF (password required)") from None
    except PDFSyntaxError as exc:
        raise UnprocessableFile(str(path), f"corrupt PDF ({exc})") from None
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        if _is_encryption_error(exc):
            raise UnprocessableFile(str(path), "encrypted PDF (password required)") from None
        raise UnprocessableFile(str(path), f"corrupt PDF ({type(exc).__name__}: {exc})") from None
    if not any(p.lines for p in pages):
        raise UnprocessableFile(str(path), "no text layer (scanned PDF? run OCR first)")
    running = _drop_running_lines(pages)
    text_pages = {p.number for p in pages if p.lines}
    if len(text_pages) < page_count / 2:
        warnings.append(
            f"only {len(text_pages)} of {page_count} pages have a text layer; "
            "scanned pages were skipped"
        )
    return DocumentText(str(path), page_count, pages, warnings, running)


def _is_encryption_error(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's password errors; look through the wrapping."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, (PDFPasswordIncorrect, PDFEncryptionError)):
            return True
        if any(isinstance(a, BaseException) and _is_encryption_error(a) for a in seen.args):
            return True
        text = str(seen).lower()
        if "encrypt" in text or "password" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read_page(page: Any, number: int, warnings: list[str]) -> list[PageText]:
    chars = [c for c in page.chars if c["text"].strip() or c["text"] == " "]
    rotated = [c for c in chars if not c.get("upright", True)]
    if len(rotated) > 20:
        warnings.append(f"page {number}: {len(rotated)} rotated characters ignored (figure text)")
    chars = [c for c in chars if c.get("upright", True)]
    overlaid = _overlaid_chars(chars)
    width, height = float(page.width), float(page.height)
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
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, c in enumerate(chars):
        if c["text"] != " ":
            grid[(int(c["x0"] // 10), int(c["top"] // 10))].append(i)
    hit: set[int] = set()
    for i, c in enumerate(chars):
        if c["text"] == " ":
            continue
        gx, gy = int(c["x0"] // 10), int(c["top"] // 10)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in grid.get((gx + dx, gy + dy), ()):
                    if j <= i:
                        continue
                    o = chars[j]
                    w = min(c["x1"], o["x1"]) - max(c["x0"], o["x0"])
                    h = min(c["bottom"], o["bottom"]) - max(c["top"], o["top"])
                    if w <= 0 or h <= 0:
                        continue
                    smaller = min(c["x1"] - c["x0"], o["x1"] - o["x0"]) or 1.0
                    lower = min(c["bottom"] - c["top"], o["bottom"] - o["top"]) or 1.0
                    # bold-by-overprinting repeats the same glyph at the same spot: not an overlay
                    if w / smaller > 0.5 and h / lower > 0.5 and c["text"] != o["text"]:
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


def _normalise_running(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _drop_running_lines(pages: list[PageText]) -> list[str]:
    """Remove page numbers and headers/footers repeated across pages near the page edges.

    Returns the removed running texts, most frequent first: they often carry the title.
    """
    counts: Counter[str] = Counter()
    for page in pages:
        seen = {
            _normalise_running(ln.text)
            for ln in page.lines
            if ln.top < page.height * 0.1 or ln.bottom > page.height * 0.9
        }
        counts.update(seen)
    threshold = max(3, int(0.25 * len(pages)))
    removed: Counter[str] = Counter()
    for page in pages:
        kept = []
        for line in page.lines:
            at_edge = line.top < page.height * 0.1 or line.bottom > page.height * 0.9
            key = _normalise_running(line.text)
            if at_edge and (counts[key] >= threshold or _PAGE_NUMBER.match(line.text.strip())):
                if counts[key] >= threshold:
                    removed[re.sub(r"^\d+\s+|\s+\d+$", "", line.text.strip())] += 1
                continue
            kept.append(line)
        page.lines = kept
    return [text for text, _ in removed.most_common()]
