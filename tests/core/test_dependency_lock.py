"""The install is reproducible: every dependency is pinned in constraints.txt, which make uses.

A fresh ``make install`` resolves through ``pip install -c constraints.txt``; these tests fail when
pyproject names a package the lock does not pin, or when the environment drifted from the lock.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
# torch is installed from a local CPU wheel whose version carries a local part ("+cpu"): the
# lock pins the public version, which matches it.
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[_canonical(match.group(1))] = match.group(2)
    return pins


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    return {_canonical(Requirement(text).name) for text in requirements}


def test_every_declared_dependency_is_pinned() -> None:
    missing = sorted(_declared() - set(_pins()))
    assert missing == [], f"pinned nowhere in constraints.txt (run `make lock`): {missing}"


def test_makefile_installs_through_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip install[^\n]*-c constraints\.txt", makefile)


def test_installed_versions_match_the_lock() -> None:
    drifted = []
    for name, pinned in _pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform-specific or optional package this environment does not need
        if installed.split("+")[0] != pinned.split("+")[0]:
            drifted.append(f"{name}: installed {installed}, locked {pinned}")
    assert drifted == []
