"""Parsers of Eurostat's official NACE files (stdlib csv only).

Every parser reads the whole file, checks it, and raises ``TaxonomyFileError`` naming the file
and line on the first problem, so a truncated or damaged download is never imported as a
partial taxonomy.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from taxonomies.codes import Code, thaw
from taxonomies.errors import TaxonomyFileError, TaxonomyValidationError
from taxonomies.model import Taxonomy

NACE_LEVELS = ("section", "division", "group", "class")
# A complete file has exactly these many codes at the top two levels.
EXPECTED_COUNTS = {"2": {"section": 21, "division": 88}, "2.1": {"section": 22, "division": 87}}
_SHAPES = {
    "section": re.compile(r"[A-Z]"),
    "division": re.compile(r"\d\d"),
    "group": re.compile(r"\d\d\.\d"),
    "class": re.compile(r"\d\d\.\d\d"),
}
_MISSING = {"", "NA", "N/A"}
_NOTE_COLUMNS = {"include": "includes", "include_also": "also_includes", "exclude": "excludes"}
# German capitalises nouns, so sentence-casing an upper-case title would be wrong.
_KEEP_UPPER_CASE = {"de"}
_ISIC_REFERENCE = re.compile(r"[A-U]|\d{2,4}")
_LICENCE = "Eurostat: reuse authorised provided the source is acknowledged (Decision 2011/833/EU)"


@dataclass(frozen=True)
class LanguageEntry:
    """A code's title and (when the file has them) explanatory notes in one language."""

    code: str
    level: str
    title: str
    notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    english_notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def nace_level(code: str) -> str | None:
    """The NACE level implied by a code's shape ('C' section, '10.1' group...), or None."""
    for level, shape in _SHAPES.items():
        if shape.fullmatch(code):
            return level
    return None


def clean_nace_code(raw: str) -> str:
    """Canonical spelling of a NACE code as written in official files ('0111' -> '01.11')."""
    code = re.sub(r"\s+", "", raw).upper().rstrip(".")
    if code.isdigit() and len(code) in (3, 4):
        code = f"{code[:2]}.{code[2:]}"
    elif code.isdigit() and len(code) == 1:
        code = "0" + code
    return code


def sentence_case(title: str, language: str = "en") -> str:
    """'MINING AND QUARRYING' -> 'Mining and quarrying'; mixed-case titles are kept."""
    if not title.isupper() or language in _KEEP_UPPER_CASE:
        return title
    lowered = title.lower()
    return lowered[:1].upper() + lowered[1:]


def _read_text(path: Path) -> str:
    """The file's text with universal newlines; undecodable or empty files are rejected."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TaxonomyFileError(path, 0, f"cannot read file: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TaxonomyFileError(path, line, f"not UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise TaxonomyFileError(path, 1, "empty file")
    # RAMON exports mix \r and \r\n; this is what open(newline=None) would do.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on; blank lines skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = f"malformed CSV record: {exc}"
            if "unexpected end of data" in str(exc):
                reason += " (the file ends inside a quoted field: truncated?)"
            raise TaxonomyFileError(path, start, reason) from exc
        if any(cell.strip() for cell in row):
            yield start, row


def _header_index(path: Path, header: list[str]) -> dict[str, int]:
    return {re.sub(r"[^a-z0-9_]", "", name.lower()): i for i, name in enumerate(header)}


def read_nace_with_notes(path: Path, *, version: str | None = None) -> Taxonomy:
    """Parse nace_rev2_with_notes.csv or nace_rev21_with_notes.csv into a full NACE taxonomy.

    The layout (and so the version) is detected from the header; ``version`` ("2" or "2.1")
    must agree with it when given.
    """
    path = Path(path)
    records = _records(path, _read_text(path))
    _, header = next(records)
    columns = _header_index(path, header)
    detected = "2.1" if "nace21" in columns else "2" if "nace2" in columns else None
    if detected is None:
        raise TaxonomyFileError(path, 1, "no 'nace2' or 'nace21' code column in the header")
    if version is not None and version != detected:
        raise TaxonomyFileError(path, 1, f"file is NACE Rev. {detected}, expected {version}")
    required = {"name", "parent", *_NOTE_COLUMNS}
    missing = sorted(required - set(columns))
    if missing:
        raise TaxonomyFileError(path, 1, f"missing column(s): {', '.join(missing)}")
    code_column = columns["nace21" if detected == "2.1" else "nace2"]
    level_column = columns.get("level")

    codes: dict[str, Code] = {}
    lines: dict[str, int] = {}
    last_line = 1
    for line, row in records:
        last_line = line
        if len(row) != len(header):
            raise TaxonomyFileError(path, line, f"{len(row)} fields, the header has {len(header)}")
        code = clean_nace_code(row[code_column])
        level = _level_of_record(path, line, code, row[level_column] if level_column else None)
        parent = _parent_of_record(path, line, code, level, row[columns["parent"]])
        if code in codes:
            first = lines[code]
            raise TaxonomyFileError(path, line, f"duplicate code {code!r} (first on line {first})")
        notes = {kind: _value(row[columns[name]]) for name, kind in _NOTE_COLUMNS.items()}
        title = sentence_case(_value(row[columns["name"]]))
        if not title:
            raise TaxonomyFileError(path, line, f"code {code!r} has no name")
        codes[code] = Code(code=code, level=level, parent=parent, title=title, notes=notes)
        lines[code] = line
    _check_complete(path, detected, codes, lines, last_line)
    ordered = sorted(codes.values(), key=_hierarchy_key(codes))
    provenance = {
        "source": f"Eurostat, NACE Rev. {detected} structure with explanatory notes",
        "file": path.name,
        "version": detected,
        "licence": _LICENCE,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return Taxonomy("nace", detected, f"NACE Rev. {detected}", NACE_LEVELS, ordered, provenance)


def _value(cell: str) -> str:
    cell = cell.strip()
    return "" if cell in _MISSING else cell


def _level_of_record(path: Path, line: int, code: str, given: str | None) -> str:
    shaped = nace_level(code)
    if shaped is None:
        raise TaxonomyFileError(path, line, f"{code!r} is not a NACE code")
    if given is not None and _value(given):
        try:
            level = NACE_LEVELS[int(given) - 1]
        except (ValueError, IndexError):
            raise TaxonomyFileError(path, line, f"unknown level {given!r}") from None
        if level != shaped:
            raise TaxonomyFileError(path, line, f"code {code!r} is a {shaped}, not a {level}")
    return shaped


def _parent_of_record(path: Path, line: int, code: str, level: str, given: str) -> str | None:
    parent = clean_nace_code(_value(given)) if _value(given) else None
    if level == "section":
        if parent is not None:
            raise TaxonomyFileError(path, line, f"section {code!r} cannot have parent {parent!r}")
        return None
    if parent is None:
        raise TaxonomyFileError(path, line, f"{level} {code!r} has no parent")
    expected_level = NACE_LEVELS[NACE_LEVELS.index(level) - 1]
    implied = parent if level == "division" else code[:-1].rstrip(".")
    if nace_level(parent) != expected_level or implied != parent:
        raise TaxonomyFileError(path, line, f"{level} {code!r} cannot have parent {parent!r}")
    return parent


def _check_complete(
    path: Path, version: str, codes: dict[str, Code], lines: dict[str, int], last_line: int
) -> None:
    """Reject partial files: missing parents, childless non-leaf codes, short level counts."""
    children: dict[str, int] = {}
    for code in codes.values():
        if code.parent is not None:
            if code.parent not in codes:
                raise TaxonomyFileError(
                    path, lines[code.code], f"parent {code.parent!r} of {code.code!r} is missing"
                )
            children[code.parent] = children.get(code.parent, 0) + 1
    for code in codes.values():
        if code.level != "class" and not children.get(code.code):
            raise TaxonomyFileError(
                path, lines[code.code], f"{code.level} {code.code!r} has no children (truncated?)"
            )
    expected = EXPECTED_COUNTS.get(version, {})
    for level, count in expected.items():
        found = sum(1 for c in codes.values() if c.level == level)
        if found != count:
            raise TaxonomyFileError(
                path, last_line, f"{found} {level}s, NACE Rev. {version} has {count} (truncated?)"
            )


def _hierarchy_key(codes: dict[str, Code]) -> Any:
    """Sort key giving sections first, then each section's codes depth first."""

    def section_of(code: Code) -> str:
        while code.parent is not None:
            code = codes[code.parent]
        return code.code

    def key(code: Code) -> tuple[int, str, str]:
        if code.level == "section":
            return (0, code.code, "")
        return (1, section_of(code), code.code)

    return key


def read_nace_language(path: Path, language: str) -> dict[str, LanguageEntry]:
    """Titles (and local-language notes when present) from a RAMON NACE Rev. 2 export.

    Layouts differ between languages; columns after Level, Code, Description are located by
    finding the ISIC reference column (short codes like '0111'), which follows Rulings.
    """
    path = Path(path)
    rows = list(_records(path, _read_text(path)))
    if rows and not rows[0][1][0].strip().isdigit():
        rows = rows[1:]  # the header; its labels vary by language, so it is not trusted
    if not rows:
        raise TaxonomyFileError(path, 1, "no records")
    width = len(rows[0][1])
    if width < 3:
        raise TaxonomyFileError(path, rows[0][0], "expected at least Level, Code, Description")
    note_columns, english_columns = _note_columns(rows, width)
    entries: dict[str, LanguageEntry] = {}
    for line, row in rows:
        if len(row) != width:
            raise TaxonomyFileError(path, line, f"{len(row)} fields, expected {width}")
        code = clean_nace_code(row[1])
        level = _level_of_record(path, line, code, row[0])
        title = sentence_case(" ".join(row[2].split()), language)
        if not title:
            raise TaxonomyFileError(path, line, f"code {code!r} has no title")
        if code in entries:
            raise TaxonomyFileError(path, line, f"duplicate code {code!r}")
        notes = {kind: row[i].strip() for kind, i in note_columns.items() if _value(row[i])}
        english = {kind: row[i].strip() for kind, i in english_columns.items() if _value(row[i])}
        entries[code] = LanguageEntry(
            code, level, title, MappingProxyType(notes), MappingProxyType(english)
        )
    # RAMON language exports are NACE Rev. 2: a cut-off file has too few top-level codes.
    for level, count in EXPECTED_COUNTS["2"].items():
        found = sum(1 for entry in entries.values() if entry.level == level)
        if found != count:
            raise TaxonomyFileError(
                path, rows[-1][0], f"{found} {level}s, NACE Rev. 2 has {count} (truncated?)"
            )
    return entries


def _note_columns(
    rows: list[tuple[int, list[str]]], width: int
) -> tuple[dict[str, int], dict[str, int]]:
    """Columns of the notes in the file's language and in English ({} when absent).

    Layout: Level, Code, Description, [includes, also, excludes], Rulings, ISIC reference,
    then the English includes, also includes, excludes.
    """
    kinds = ("includes", "also_includes", "excludes")
    for index in range(3, width):
        values = [row[index].strip() for _, row in rows if len(row) == width]
        matching = sum(1 for value in values if _ISIC_REFERENCE.fullmatch(value))
        if values and matching / len(values) >= 0.9:
            local = dict(zip(kinds, (3, 4, 5), strict=True)) if index == 7 else {}
            english_start = index + 1
            english = {}
            if width - english_start == 3:
                english = dict(zip(kinds, range(english_start, width), strict=True))
            return local, english
    return {}, {}


def apply_language(
    taxonomy: Taxonomy, language: str, entries: Mapping[str, LanguageEntry], *, strict: bool = False
) -> Taxonomy:
    """A new taxonomy with ``labels[language]`` (and local notes) added from ``entries``.

    English notes the taxonomy lacks (Rev. 2 "includes") are filled from the entries.

    Entries whose code the taxonomy lacks are listed in
    ``provenance["languages"][language]["unknown_codes"]``, or raise with ``strict=True``.
    """
    unknown = sorted(code for code in entries if code not in taxonomy)
    if strict and unknown:
        problems = [f"{language} entry for unknown code {code!r}" for code in unknown]
        raise TaxonomyValidationError(taxonomy.name, problems)
    updated: list[Code] = []
    applied = 0
    for code in taxonomy:
        entry = entries.get(code.code)
        if entry is None:
            updated.append(code)
            continue
        applied += 1
        notes_by_language = {k: dict(v) for k, v in code.notes_by_language.items()}
        if entry.notes:
            notes_by_language[language] = dict(entry.notes)
        # Eurostat's Rev. 2 notes file leaves "includes" empty; RAMON exports carry it.
        notes = {**dict(entry.english_notes), **dict(code.notes)}
        updated.append(
            Code(
                code=code.code,
                level=code.level,
                parent=code.parent,
                title=code.title,
                description=code.description,
                keywords=code.keywords,
                labels={**dict(code.labels), language: entry.title},
                notes=notes,
                notes_by_language=notes_by_language,
                extra=code.extra,
            )
        )
    provenance: dict[str, Any] = thaw(taxonomy.provenance)
    provenance.setdefault("languages", {})[language] = {
        "labels": applied,
        "missing": len(taxonomy) - applied,
        "unknown_codes": unknown,
    }
    return Taxonomy(
        taxonomy.name, taxonomy.version, taxonomy.title, taxonomy.levels, updated, provenance
    )


def read_correspondence(path: Path, *, same_level: bool = False) -> list[tuple[str, str]]:
    """(Rev. 2 code, Rev. 2.1 code) pairs from nace_rev2_to_rev21.csv, in file order.

    The file links codes across levels too; ``same_level=True`` keeps only pairs whose two
    codes are at the same level.
    """
    path = Path(path)
    records = _records(path, _read_text(path))
    _, header = next(records)
    columns = {re.sub(r"[^a-z0-9]", "", name.lower()): i for i, name in enumerate(header)}
    if "nacerev2code" not in columns or "nacerev21code" not in columns:
        raise TaxonomyFileError(path, 1, "missing 'NACE.Rev..2.Code' or 'NACE.Rev..2.1.Code'")
    old_column, new_column = columns["nacerev2code"], columns["nacerev21code"]
    pairs: list[tuple[str, str]] = []
    for line, row in records:
        if len(row) != len(header):
            raise TaxonomyFileError(path, line, f"{len(row)} fields, the header has {len(header)}")
        old, new = clean_nace_code(row[old_column]), clean_nace_code(row[new_column])
        for code in (old, new):
            if nace_level(code) is None:
                raise TaxonomyFileError(path, line, f"{code!r} is not a NACE code")
        if not same_level or nace_level(old) == nace_level(new):
            pairs.append((old, new))
    if not pairs:
        raise TaxonomyFileError(path, 1, "no correspondence rows")
    return pairs
