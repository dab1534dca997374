"""A built wheel carries every file of the packages, and missing data is an error.

The wheel is built from a copy of the tracked files (so the checkout gets no build/ folder) with
the installed setuptools, offline: ``pip wheel --no-deps --no-build-isolation``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from taxonomies import TaxonomyError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "cli", "models", "observatory", "pipelines", "taxonomies")
BUILD_TIMEOUT_SECONDS = 300  # ~10 s on the 2-core dev machine; generous for a loaded CI runner


def _tracked(*paths: str) -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know the tracked files")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *paths],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """File names inside a wheel built from the tracked files."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    for name in _tracked("."):
        if (ROOT / name).is_file():  # a file deleted but not yet committed is skipped
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    offline = ["--no-deps", "--no-build-isolation", "--no-index", "-q"]
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *offline, "-w", str(work / "out"), str(source)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (work / "out").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_holds_every_tracked_file_of_the_packages(wheel_names: set[str]) -> None:
    expected = {name for name in _tracked(*PACKAGES) if (ROOT / name).is_file()}
    missing = sorted(expected - wheel_names)
    assert not missing, f"{len(missing)} tracked files are not in the wheel: {missing[:20]}"
    keyword_files = {n for n in wheel_names if n.startswith("taxonomies/data/keywords/")}
    assert len(keyword_files) >= 14  # the subfolder the old package-data glob missed


def test_missing_keyword_files_are_an_error_not_an_empty_set(tmp_path, monkeypatch) -> None:
    from taxonomies import loader

    monkeypatch.setattr(loader, "KEYWORDS_DIR", tmp_path / "keywords")
    with pytest.raises(TaxonomyError, match="installation is incomplete"):
        loader.load("nace")
    (tmp_path / "keywords").mkdir()
    with pytest.raises(TaxonomyError, match="no keyword files"):
        loader.load("nabs")
