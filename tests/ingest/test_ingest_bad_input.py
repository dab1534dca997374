"""Bad input: each file gets one clear reason, the others go on, the exit code says it failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter
from typer.testing import CliRunner

from cli import build_cli
from observatory.errors import UnprocessableFile
from pipelines.ingest.extract import extract


def _blank_pdf(path: Path, pages: int = 1) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _bad_files(tmp_path: Path, pdfs) -> dict[str, tuple[Path, str]]:
    """Each bad file with the words its reason must contain."""
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("just some text, not a PDF")
    corrupt = tmp_path / "corrupt.pdf"
    good = pdfs.write_pdf(tmp_path / "good-source.pdf", pdfs.strategy_pages())
    corrupt.write_bytes(good.read_bytes()[:300])
    encrypted = tmp_path / "encrypted.pdf"
    writer = PdfWriter(clone_from=str(good))
    writer.encrypt("secret")
    with encrypted.open("wb") as handle:
        writer.write(handle)
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:  # sparse: 500 MB on paper, nothing on disk
        handle.write(b"%PDF-1.7\n")
        handle.truncate(500 * 1024 * 1024)
    return {
        "not a pdf": (not_pdf, "not a PDF"),
        "corrupt": (corrupt, "corrupt"),
        "encrypted": (encrypted, "encrypted"),
        "zero pages": (_blank_pdf(tmp_path / "empty.pdf", pages=0), "zero pages"),
        "scanned": (_blank_pdf(tmp_path / "scan.pdf", pages=2), "no text layer"),
        "too large": (huge, "too large"),
        "missing": (tmp_path / "missing.pdf", "no such file"),
    }


def test_each_bad_file_gets_a_clear_reason(tmp_path: Path, pdfs) -> None:
    for kind, (path, reason) in _bad_files(tmp_path, pdfs).items():
        with pytest.raises(UnprocessableFile) as caught:
            extract(path, max_bytes=200 * 1024 * 1024)
        assert reason in caught.value.reason, (kind, caught.value.reason)
        assert str(path) in caught.value.message


def test_ingest_goes_on_and_fails_the_exit_code(tmp_path: Path, pdfs, monkeypatch) -> None:
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    bad = _bad_files(tmp_path, pdfs)
    good = pdfs.write_pdf(tmp_path / "good.pdf", pdfs.strategy_pages())
    paths = [str(p) for p, _ in bad.values()] + [str(good)]
    result = CliRunner().invoke(build_cli(), ["ingest", *paths])
    assert result.exit_code == 1
    for path, reason in bad.values():
        assert f"{path}: {reason}" in result.output.replace("\n", " ") or reason in result.output

    from observatory.settings import load_settings
    from observatory.store import open_store
    from observatory.store.strategies import list_strategies

    store = open_store(load_settings())
    with store.transaction() as session:
        stored = list_strategies(session)
        # only the good file is stored: nothing half-written from the bad ones
        assert [row.source_path for row in stored] == [str(good)]
        assert len(stored[0].priorities) == 3
    store.close()
