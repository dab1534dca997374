"""Decompression bombs and page floods are refused with one line, before pdfminer inflates them.

The PDFs are real, written byte by byte: a page whose Flate content stream (a few KB on disk)
inflates to many MB of text-drawing operators, and a document with more pages than allowed.
"""

from __future__ import annotations

import tracemalloc
import zlib
from pathlib import Path

import pytest
from pypdf import PdfWriter

from observatory.errors import UnprocessableFile
from pipelines.ingest.extract import extract
from pipelines.ingest.pdf_limits import DEFAULT_MAX_INFLATED_BYTES, check_inflated_size

_TEXT = b"BT /F1 12 Tf 72 720 Td (Smart specialisation priority) Tj ET\n"


def _inflating_pdf(path: Path, inflated_bytes: int, content: bytes | None = None) -> Path:
    """A one-page PDF whose only content stream inflates to ``inflated_bytes`` (Flate), or
    holds ``content`` already encoded with LZW."""
    filter_name = b"/LZWDecode" if content is not None else b"/FlateDecode"
    if content is None:
        packer = zlib.compressobj(9)
        block = b"%" + b" " * ((1 << 20) - 2) + b"\n"  # a PDF comment line of about 1 MiB
        compressed = [packer.compress(_TEXT)]
        for _ in range(inflated_bytes // len(block)):
            compressed.append(packer.compress(block))
        compressed.append(packer.flush())
        content = b"".join(compressed)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), filter_name)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def test_a_small_pdf_that_inflates_hugely_is_refused_in_one_line(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OBSERVATORY_MAX_PDF_INFLATED_MB", "4")
    bomb = _inflating_pdf(tmp_path / "bomb.pdf", 24 * 1_048_576)
    assert bomb.stat().st_size < 100_000  # tiny on disk, so MAX_PDF_MB lets it through
    with pytest.raises(UnprocessableFile) as caught:
        extract(bomb, with_keywords=False)
    message = caught.value.message
    assert "inflates to over 4 MB" in message and "\n" not in message
    assert message.startswith(str(bomb))


def test_an_lzw_stream_is_counted_too(tmp_path, monkeypatch) -> None:
    codecs = pytest.importorskip("pypdf._codecs._codecs", reason="pypdf's LZW encoder moved")
    monkeypatch.setenv("OBSERVATORY_MAX_PDF_INFLATED_MB", "2")
    encoded = codecs.LzwCodec().encode(_TEXT + b" " * (2 * 1_048_576 + 4096))
    bomb = _inflating_pdf(tmp_path / "lzw.pdf", 0, content=encoded)
    assert bomb.stat().st_size < 10_000
    with pytest.raises(UnprocessableFile, match="inflates to over 2 MB"):
        extract(bomb, with_keywords=False)


def test_the_check_stays_small_in_memory(tmp_path) -> None:
    limit = DEFAULT_MAX_INFLATED_BYTES // 8  # an eighth of the default keeps the test quick
    bomb = _inflating_pdf(tmp_path / "bomb.pdf", limit + 1_048_576 * 8)
    tracemalloc.start()
    try:
        with pytest.raises(UnprocessableFile, match="decompression bomb"):
            check_inflated_size(bomb, limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1_048_576  # inflated in 64 KiB steps, nothing kept


def test_an_ordinary_pdf_under_the_limits_is_read(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OBSERVATORY_MAX_PDF_INFLATED_MB", "4")
    small = _inflating_pdf(tmp_path / "small.pdf", 2 * 1_048_576)
    from pipelines.ingest.pdf_text import read_document

    document = read_document(small)
    assert document.page_count == 1
    assert "Smart specialisation priority" in document.page_text(1)


def test_too_many_pages_are_refused_in_one_line(tmp_path, monkeypatch, pdfs) -> None:
    monkeypatch.setenv("OBSERVATORY_MAX_PDF_PAGES", "20")
    source = pdfs.write_pdf(tmp_path / "source.pdf", pdfs.strategy_pages())
    writer = PdfWriter(clone_from=str(source))
    while len(writer.pages) <= 20:
        writer.add_blank_page(width=595, height=842)
    flood = tmp_path / "flood.pdf"
    with flood.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(UnprocessableFile) as caught:
        extract(flood, with_keywords=False)
    assert "too many pages (21, limit 20" in caught.value.message
    assert "\n" not in caught.value.message
