"""Importing Eurostat's NACE files into the store and serving the richer taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import build_cli
from observatory.errors import InvalidInput, UnprocessableFile
from observatory.settings import Settings, load_settings
from observatory.store import SQLStore
from observatory.taxonomy_service import (
    import_correspondence,
    import_nace,
    load_taxonomy,
    stored_code_count,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "taxonomies"
NACE2 = SHARED / "nace" / "nace_rev2_with_notes.csv"

needs_shared = pytest.mark.skipif(
    not NACE2.is_file(), reason="../shared/taxonomies (Eurostat NACE files) is not available"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{tmp_path / 'tax.db'}", data_dir=tmp_path / "data"
    )


@pytest.fixture
def store(settings: Settings) -> SQLStore:
    store = SQLStore(settings.database_url)
    store.migrate()
    yield store
    store.close()


@needs_shared
def test_import_serves_all_levels_with_notes_and_is_idempotent(
    store: SQLStore, settings: Settings
) -> None:
    summary = import_nace(store, settings, NACE2)
    again = import_nace(store, settings, NACE2)
    assert (summary.codes, again.codes) == (996, 996)
    assert summary.with_notes > 400 and summary.served
    assert stored_code_count(store, "nace", "2") == 996
    served = load_taxonomy("nace", settings)
    assert len(served) == 996
    assert served.levels == ("section", "division", "group", "class")
    assert served["10.51"].parent == "10.5" and served["10.51"].notes
    # the project's own division descriptions survive the import
    assert served["10"].description


@needs_shared
def test_truncated_file_fails_cleanly_with_nothing_written(
    store: SQLStore, settings: Settings, tmp_path: Path
) -> None:
    import_nace(store, settings, NACE2)
    before = (settings.taxonomy_dir / "nace.json").read_bytes()
    lines = NACE2.read_text(encoding="utf-8").splitlines(keepends=True)
    truncated = tmp_path / "truncated.csv"
    # cut inside the file, also mid-record, as a failed download would
    truncated.write_text("".join(lines[:400]) + lines[400][:25], encoding="utf-8")
    with pytest.raises(UnprocessableFile) as caught:
        import_nace(store, settings, truncated)
    assert "truncated.csv:" in caught.value.message
    assert stored_code_count(store, "nace", "2") == 996
    assert (settings.taxonomy_dir / "nace.json").read_bytes() == before


@needs_shared
def test_language_file_adds_titles(store: SQLStore, settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="structure first"):
        import_nace(
            store, settings, SHARED / "nace_rev2_languages" / "NACE_REV2_de.csv", language="de"
        )
    import_nace(store, settings, NACE2)
    import_nace(store, settings, SHARED / "nace_rev2_languages" / "NACE_REV2_de.csv", language="de")
    served = load_taxonomy("nace", settings)
    assert "Herstellung" in served["10"].label("de")


@needs_shared
def test_rev21_is_stored_for_reference_and_correspondence_links(
    store: SQLStore, settings: Settings
) -> None:
    summary = import_nace(store, settings, SHARED / "nace" / "nace_rev21_with_notes.csv")
    assert (summary.version, summary.codes, summary.served) == ("2.1", 1047, False)
    assert load_taxonomy("nace", settings).version == "2"
    links = import_correspondence(store, SHARED / "nace" / "nace_rev2_to_rev21.csv")
    assert links > 1000


def test_missing_file_is_a_clear_error(store: SQLStore, settings: Settings) -> None:
    with pytest.raises(UnprocessableFile, match="no such file"):
        import_nace(store, settings, Path("/no/such/nace.csv"))


def test_cli_shows_taxonomies_as_json(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("OBSERVATORY_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    cli = build_cli()
    expected = {
        ("nace", "division"): 88,
        ("nace", "section"): 21,
        ("nabs", "chapter"): 14,
        ("ecosystem", None): 14,
    }
    for (name, level), count in expected.items():
        args = ["taxonomy", "show", name, "--json"] + (["--level", level] if level else [])
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        payload = json.loads(result.output)
        assert payload["count"] == count
    ecosystems = json.loads(runner.invoke(cli, ["taxonomy", "show", "ecosystem", "--json"]).output)
    assert all(item["nace"] for item in ecosystems["data"])
    bad = runner.invoke(cli, ["taxonomy", "show", "nace", "--level", "chapter"])
    assert bad.exit_code != 0
