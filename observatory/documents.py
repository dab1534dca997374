"""Ingested PDFs kept content-addressed in the data dir, and their pages drawn as PNG.

``<data_dir>/pdfs/<sha256>.pdf`` holds the bytes of every ingested strategy, so that each
priority can link to its source page (``/strategies/{id}/pdf#page=N``) long after the original
file moved. Pages are drawn with pypdfium2 (which pdfplumber already depends on) into
``<data_dir>/page-images/<sha256>/<page>-<width>.png``, a cache rebuilt on demand. Every file is
written to a temporary name in the same folder and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from observatory.errors import InvalidInput, NotFound

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
PAGE_WIDTH_PX = 900  # wide enough to read body text on the review page, ~150 KB per page
MAX_PAGE_WIDTH_PX = 2000  # refuse larger drawings: one A4 page at 2000 px is ~12 MB in memory
CHUNK_BYTES = 1 << 20
_render_lock = threading.Lock()  # pdfium is not thread-safe


def _check_sha(sha256: str) -> str:
    if not SHA256_PATTERN.match(sha256 or ""):
        raise InvalidInput(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def kept_pdf_path(pdf_dir: Path, sha256: str) -> Path:
    """Where the PDF with this content hash is kept (whether or not it is there)."""
    return pdf_dir / f"{_check_sha(sha256)}.pdf"


def _write_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def keep_pdf(pdf_dir: Path, source: Path, sha256: str) -> Path:
    """Copy ``source`` to its content address (once; atomically) and return that path.

    The copy is hashed again before it is renamed into place, so a file that changed while it
    was copied is refused instead of being kept under the wrong name.
    """
    target = kept_pdf_path(pdf_dir, sha256)
    if target.is_file():
        return target

    def copy(temporary: Path) -> None:
        shutil.copyfile(source, temporary)
        if file_sha256(temporary) != sha256:
            raise InvalidInput(f"{source} changed while it was being kept; ingest it again")

    return _write_atomically(target, copy)


def find_pdf(pdf_dir: Path, sha256: str, source_path: str | None = None) -> Path:
    """The kept PDF; a strategy ingested before PDFs were kept is kept now from its source path
    when that file still has the same content. ``NotFound`` otherwise."""
    target = kept_pdf_path(pdf_dir, sha256)
    if target.is_file():
        return target
    if source_path and Path(source_path).is_file() and file_sha256(Path(source_path)) == sha256:
        return keep_pdf(pdf_dir, Path(source_path), sha256)
    raise NotFound(f"the PDF {sha256[:12]} is not kept in the data dir; ingest it again")


def page_count(pdf: Path) -> int:
    """Number of pages of a PDF."""
    import pypdfium2

    with _render_lock:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            return len(document)
        finally:
            document.close()


def page_png(
    pdf: Path, image_dir: Path, sha256: str, page: int, width: int = PAGE_WIDTH_PX
) -> Path:
    """One page (counted from 1) drawn as a PNG ``width`` pixels wide, cached in ``image_dir``."""
    if not 100 <= width <= MAX_PAGE_WIDTH_PX:
        raise InvalidInput(f"width must be between 100 and {MAX_PAGE_WIDTH_PX} pixels")
    target = image_dir / _check_sha(sha256) / f"{page}-{width}.png"
    if target.is_file():
        return target
    import pypdfium2

    with _render_lock:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            if not 1 <= page <= len(document):
                raise NotFound(f"page {page} is not in this PDF ({len(document)} pages)")
            pdf_page = document[page - 1]
            points_wide = pdf_page.get_width()
            image = pdf_page.render(scale=width / points_wide).to_pil()
            pdf_page.close()
        finally:
            document.close()
    return _write_atomically(target, lambda temporary: image.save(temporary, format="PNG"))


def pdf_url(strategy_id: int) -> str:
    """Where the API serves a strategy's PDF."""
    return f"/strategies/{strategy_id}/pdf"


def source_page_url(strategy_id: int, pages: list[int] | tuple[int, ...]) -> str | None:
    """The PDF opened at the first page a priority was read from (None without a page)."""
    numbers = [int(p) for p in pages if str(p).isdigit() and int(p) >= 1]
    return f"{pdf_url(strategy_id)}#page={min(numbers)}" if numbers else None
