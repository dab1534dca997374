"""Settings are validated with helpful messages, documented in the README, and errors share
one body shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from observatory.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ObservatoryError,
    Unauthorized,
    UnprocessableFile,
)
from observatory.settings import Settings, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`(OBSERVATORY_[A-Z_]+)`", text))
    fields = {f"OBSERVATORY_{name.upper()}" for name in Settings.model_fields}
    assert fields - documented == set(), "settings missing from the README table"
    assert documented - fields - {"OBSERVATORY_TEST_POSTGRES_URL", "OBSERVATORY_API_KEY"} == set()


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OBSERVATORY_AUTO_ACCEPT_PROBABILITY", "0.75")
    current = load_settings()
    assert current.data_dir == tmp_path
    assert current.auto_accept_probability == 0.75
    assert current.index_dir == tmp_path / "index"


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("OBSERVATORY_PORT", "70000", "OBSERVATORY_PORT"),
        ("OBSERVATORY_DATABASE_URL", "mysql://x", "OBSERVATORY_DATABASE_URL"),
        ("OBSERVATORY_DEVICE", "tpu", "OBSERVATORY_DEVICE"),
        ("OBSERVATORY_NUTS_GEOJSON", "/no/such/file.geojson", "no such file"),
    ],
)
def test_invalid_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ObservatoryError) as caught:
        load_settings()
    assert fragment in caught.value.message
    assert caught.value.message.startswith("invalid settings:")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("bad"), 400),
        (Unauthorized("who?"), 401),
        (Forbidden("no"), 403),
        (NotFound("gone"), 404),
        (Conflict("taken"), 409),
        (UnprocessableFile("a.csv", "truncated record", line=7), 400),
    ],
)
def test_errors_carry_status_and_build_the_common_body(
    error: ObservatoryError, status: int
) -> None:
    body = error.to_body()
    assert set(body) == {"ok", "error", "status", "errors"}
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["errors"], list)


def test_unprocessable_file_names_file_and_line() -> None:
    error = UnprocessableFile("nace.csv", "truncated record", line=12)
    assert error.message == "nace.csv:12: truncated record"
