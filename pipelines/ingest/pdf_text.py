"""PDF pages -> clean text lines in reading order, with font size, boldness and position.

Handles the layouts strategy PDFs actually have: two-up spreads (a landscape page carrying two
printed pages), multi-column text (recursive XY-cut), running headers/footers and page numbers,
rotated text, and figure labels printed on top of other text (overlays), which come out of the
text layer as garbage and are dropped with a warning.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from observatory.errors import UnprocessableFile
from pipelines.ingest.page_layout import Line, PageText
from pipelines.ingest.page_reader import read_pages
from pipelines.ingest.pdf_limits import check_inflated_size, check_page_count, configured_limits

__all__ = ["DocumentText", "Line", "PageText", "check_file", "read_document"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
SOFT_HYPHEN = "\u00ad"
_PAGE_NUMBER = re.compile(
    r"^(page|seite|pagina|página|sivu|strona|p\.)?\s*[-–]?\s*\d{1,4}\s*[-–]?$|^[ivxlc]{1,6}$", re.I
)


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


def read_document(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, workers: int | None = None
) -> DocumentText:
    """Read a PDF into clean lines; raise ``UnprocessableFile`` for anything unreadable.

    ``workers`` processes read the pages of longer documents (default: up to two, one per
    core); the lines are the same whatever the number of workers.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    check_file(path, max_bytes)
    max_inflated, max_pages = configured_limits()
    check_inflated_size(path, max_inflated)
    warnings: list[str] = []
    pages: list[PageText] = []
    try:
        with pdfplumber.open(path) as pdf:
            check_page_count(str(path), _declared_page_count(pdf), max_pages)
            page_count = len(pdf.pages)
            check_page_count(str(path), page_count, max_pages)
            if page_count == 0:
                raise UnprocessableFile(str(path), "the PDF has zero pages")
            pages, page_warnings = read_pages(pdf, str(path), page_count, workers)
            warnings.extend(page_warnings)
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


def _declared_page_count(pdf: object) -> int:
    """The page tree's /Count, read before pdfplumber builds an object per page."""
    from pdfminer.pdftypes import resolve1

    try:
        root = resolve1(pdf.doc.catalog["Pages"])  # type: ignore[attr-defined]
        return int(resolve1(root["Count"]))
    except Exception:  # no or odd page tree: the real page count is checked next
        return 0


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
