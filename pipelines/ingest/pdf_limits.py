"""Limits on what a PDF may cost to read: decompressed stream bytes and page count.

``MAX_PDF_MB`` bounds only the compressed file. A Flate stream inflates up to ~1000 times (a
1.5 MB file can hold 1.5 GB of content), and pdfminer inflates each stream whole in memory. So,
before pdfminer sees the file, ``check_inflated_size`` walks every stream of the raw file and
inflates it in bounded chunks (nothing is kept), stopping as soon as the total passes the limit.
Streams marked ``/Subtype /Image`` are not counted: the text reader never decodes images.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from observatory.errors import UnprocessableFile

__all__ = [
    "DEFAULT_MAX_INFLATED_BYTES",
    "DEFAULT_MAX_PAGES",
    "check_inflated_size",
    "check_page_count",
    "configured_limits",
]


def configured_limits() -> tuple[int, int]:
    """(max inflated bytes, max pages) from OBSERVATORY_MAX_PDF_INFLATED_MB / _MAX_PDF_PAGES."""
    from observatory.settings import load_settings

    current = load_settings()
    return current.max_pdf_inflated_mb * 1_048_576, current.max_pdf_pages


# The real strategies in ../shared inflate to under 10 MB of streams; the longest S3 documents
# (~400 pages full of charts) stay far below this. pdfminer needs about twice the inflated size
# in memory, so this keeps a read under ~1 GB.
DEFAULT_MAX_INFLATED_BYTES = 512 * 1024 * 1024
# S3 strategies run to a few hundred pages; annex volumes rarely pass 1,000.
DEFAULT_MAX_PAGES = 2000

_CHUNK = 1 << 16  # bytes inflated per step: bounds the memory of the check itself
_DICT_LOOKBACK = 4096  # how far before ``stream`` to look for the stream's dictionary
_MAX_FILTER_LAYERS = 8  # a filter array longer than this is not a real document
_STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJ_START = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTER_NAME = re.compile(rb"/(FlateDecode|Fl|LZWDecode|LZW)\b")
_FILTER_KEY = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_LZW_END_OF_DATA = 257  # PDF 32000-1, 7.4.4.2
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")


def check_page_count(path: str, page_count: int, max_pages: int = DEFAULT_MAX_PAGES) -> None:
    """Refuse a document with more pages than ``max_pages``."""
    if page_count > max_pages:
        raise UnprocessableFile(
            path, f"too many pages ({page_count:,}, limit {max_pages:,}: OBSERVATORY_MAX_PDF_PAGES)"
        )


def check_inflated_size(path: Path, max_bytes: int = DEFAULT_MAX_INFLATED_BYTES) -> int:
    """Total decompressed size of the PDF's non-image streams; refuse it above ``max_bytes``.

    Returns the total. Raises ``UnprocessableFile`` (one line) as soon as the limit is passed.
    """
    data = path.read_bytes()
    view = memoryview(data)
    total = 0
    for match in _STREAM_START.finditer(data):
        header = _stream_dictionary(data, match.start())
        if _IMAGE.search(header):
            continue
        filters = _filters(header)
        if not filters:
            continue
        for chunk in _decoded(view[match.end() :], filters):
            total += len(chunk)
            if total > max_bytes:
                raise UnprocessableFile(
                    str(path),
                    f"the PDF inflates to over {max_bytes // 1_048_576} MB "
                    "(decompression bomb?; limit OBSERVATORY_MAX_PDF_INFLATED_MB)",
                )
    return total


def _stream_dictionary(data: bytes, stream_at: int) -> bytes:
    """The bytes between the stream's ``N G obj`` and its ``stream`` keyword."""
    start = max(0, stream_at - _DICT_LOOKBACK)
    window = data[start:stream_at]
    objects = list(_OBJ_START.finditer(window))
    return window[objects[-1].end() :] if objects else window


def _filters(header: bytes) -> list[bytes]:
    """Flate and LZW filters of a stream, in order; other filters do not inflate much."""
    key = _FILTER_KEY.search(header)
    if key is None:
        return []
    names = [m.group(1) for m in _FILTER_NAME.finditer(key.group(1))]
    return names[:_MAX_FILTER_LAYERS]


def _decoded(raw: memoryview, filters: list[bytes]) -> Iterator[bytes]:
    """Decoded output of every layer, in bounded chunks (a layer's output feeds the next)."""
    chunks: Iterator[bytes] = _raw_chunks(raw)
    for index, name in enumerate(filters):
        if name in (b"LZWDecode", b"LZW"):
            if index > 0:  # LZW after another filter: not met in real documents
                break
            chunks = _lzw(raw)
        else:
            chunks = _inflate(chunks)
    # only the last layer is counted: it is what pdfminer keeps
    yield from chunks


def _raw_chunks(raw: memoryview) -> Iterator[bytes]:
    for start in range(0, len(raw), _CHUNK):
        yield bytes(raw[start : start + _CHUNK])


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """zlib-inflate a chunked stream, at most ``_CHUNK`` bytes out per step; stops at its end."""
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending = chunk
            while pending:
                out = inflater.decompress(pending, _CHUNK)
                if out:
                    yield out
                if inflater.eof:
                    return
                pending = inflater.unconsumed_tail
    except zlib.error:  # not (or no longer) zlib data: pdfminer will see the same and give up
        return


def _lzw(raw: memoryview) -> Iterator[bytes]:
    """LZW-decode with pdfminer's decoder up to the end-of-data code (its output can grow
    quadratically with the input, so it is counted code by code)."""
    from pdfminer.lzw import LZWDecoder

    decoder = LZWDecoder(_ViewReader(raw))  # type: ignore[arg-type]
    try:
        while True:
            code = decoder.readbits(decoder.nbits)
            if code == _LZW_END_OF_DATA:
                return
            yield decoder.feed(code)
    except Exception:  # end of file or corrupt LZW data ends the stream, as for pdfminer
        return


class _ViewReader:
    """``read(n)`` over a memoryview, without copying the rest of the file."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes from the current position."""
        end = len(self._view) if size < 0 else self._at + size
        out = bytes(self._view[self._at : end])
        self._at += len(out)
        return out
