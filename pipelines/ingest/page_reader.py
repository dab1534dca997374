"""Reading a PDF's pages into lines: lean character collection, serial or in worker processes.

pdfminer's content-stream interpreter dominates extraction time. Two things keep it cheap:
- characters are collected by a device that ignores vector paths and images and builds only the
  few fields the layout needs (pdfplumber's ``page.chars`` converts every object on the page,
  paths included, into full dictionaries);
- documents above ``PARALLEL_MIN_PAGES`` pages are read in page chunks by worker processes, each
  opening the PDF itself. Chunks come back in page order, so the result is the same as a serial
  read; any pool failure falls back to the serial read.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from typing import Any

from pipelines.ingest.page_layout import PageText, layout_page

log = logging.getLogger(__name__)

PARALLEL_MIN_PAGES = 8  # below this, starting workers costs more than it saves
CHUNKS_PER_WORKER = 2  # several chunks per worker even out pages of very different cost


def default_workers() -> int:
    """Worker processes for page reading: the cores available, at most two."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def page_chars(pdf: Any, page: Any) -> list[dict[str, Any]]:
    """The characters of one pdfplumber page with text, box, size, font and uprightness.

    Coordinates follow pdfplumber's ``page.chars`` exactly (top-left origin, MediaBox offset).
    """
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer

    class _TextOnlyAggregator(PDFPageAggregator):
        # vector graphics are most of the objects on chart-heavy pages; text needs none of them
        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            return None

        def render_image(self, *args: Any, **kwargs: Any) -> None:
            return None

    device = _TextOnlyAggregator(pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    _text_interpreter_class()(pdf.rsrcmgr, device).process_page(page.page_obj)
    height = float(page.height)
    mb_x0, mb_top = page.mediabox[:2]
    chars: list[dict[str, Any]] = []
    stack = list(reversed(device.get_result()._objs))
    while stack:  # depth-first, in drawing order, like pdfplumber's object iteration
        obj = stack.pop()
        if isinstance(obj, LTChar):
            fontname = obj.fontname
            if isinstance(fontname, bytes):
                fontname = fontname.decode("latin-1")
            chars.append(
                {
                    "text": obj.get_text(),
                    "fontname": fontname,
                    "size": obj.size,
                    "upright": obj.upright,
                    "x0": obj.x0 + mb_x0,
                    "x1": obj.x1 + mb_x0,
                    "top": (height - obj.y1) + mb_top,
                    "bottom": (height - obj.y0) + mb_top,
                }
            )
        elif isinstance(obj, LTContainer):
            stack.extend(reversed(obj._objs))
    return chars


@lru_cache(maxsize=1)
def _text_interpreter_class() -> type:
    """A pdfminer interpreter that skips drawings (form XObjects without text) and images."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import stream_value
    from pdfminer.psparser import literal_name

    class TextInterpreter(PDFPageInterpreter):
        def do_Do(self, xobjid_arg: Any) -> None:
            # charts are form XObjects of thousands of path operators; text needs a BT operator,
            # and a form holding none (nor nested XObjects) cannot add a character
            try:
                xobj = stream_value(self.xobjmap[literal_name(xobjid_arg)])
                subtype = getattr(xobj.get("Subtype"), "name", None)
                if subtype == "Image":
                    return None
                if subtype == "Form":
                    data = xobj.get_data()
                    if b"BT" not in data and b"Do" not in data:
                        return None
            except Exception:  # anything odd: let pdfminer handle (or report) it as usual
                pass
            return super().do_Do(xobjid_arg)

    return TextInterpreter


def read_open_pages(pdf: Any, first: int, last: int) -> tuple[list[PageText], list[str]]:
    """Lines of pages ``first``..``last`` (from 1, inclusive) of an open pdfplumber PDF."""
    pages: list[PageText] = []
    warnings: list[str] = []
    for number in range(first, last + 1):
        page = pdf.pages[number - 1]
        chars = page_chars(pdf, page)
        pages.extend(layout_page(chars, number, float(page.width), float(page.height), warnings))
        page.close()  # frees pdfplumber's per-page object cache
    return pages, warnings


def read_page_range(path: str, first: int, last: int) -> tuple[list[PageText], list[str]]:
    """Open the PDF and read a range of its pages (the unit of work of a worker process)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return read_open_pages(pdf, first, last)


def page_chunks(page_count: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous, nearly equal page ranges (from 1, inclusive), several per worker."""
    count = min(page_count, workers * CHUNKS_PER_WORKER)
    size = math.ceil(page_count / count)
    return [(start, min(start + size - 1, page_count)) for start in range(1, page_count + 1, size)]


def read_parallel(path: str, page_count: int, workers: int) -> tuple[list[PageText], list[str]]:
    """Read all pages in ``workers`` processes; raises whatever the pool or a worker raised."""
    chunks = page_chunks(page_count, workers)
    methods = multiprocessing.get_all_start_methods()
    # fork starts a worker in milliseconds with pdfminer already imported
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pages: list[PageText] = []
    warnings: list[str] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        firsts, lasts = zip(*chunks, strict=True)
        for chunk_pages, chunk_warnings in pool.map(
            read_page_range, [path] * len(chunks), firsts, lasts
        ):
            pages.extend(chunk_pages)
            warnings.extend(chunk_warnings)
    return pages, warnings


def read_pages(
    pdf: Any, path: str, page_count: int, workers: int | None = None
) -> tuple[list[PageText], list[str]]:
    """All pages of an open PDF, in page order, with the warnings raised while reading them.

    Uses ``workers`` processes (default: ``default_workers()``) for documents above
    ``PARALLEL_MIN_PAGES`` pages and the serial read otherwise or when the pool fails.
    """
    workers = default_workers() if workers is None else workers
    if workers > 1 and page_count > PARALLEL_MIN_PAGES:
        try:
            return read_parallel(path, page_count, workers)
        except Exception as exc:  # the serial read below gives the same lines or the real error
            log.warning("parallel page reading failed (%s); reading serially", exc)
    return read_open_pages(pdf, 1, page_count)
