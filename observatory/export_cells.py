"""Spreadsheet cells that cannot run as formulas (OWASP "CSV injection") or break XLSX.

OWASP's rule: a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)`` phones home,
``=cmd|...`` used to run programs). Such text gets a leading apostrophe in CSV, which the
spreadsheet shows as text. In XLSX every string is written as a string cell (openpyxl would
otherwise store ``=...`` as a live formula), with Excel's "quote prefix" style on the risky
ones, so that editing the cell does not turn it into a formula either. Numbers and booleans
stay numbers and booleans.
"""

from __future__ import annotations

from typing import Any

from observatory.domain import clean_text

# OWASP CSV injection: https://owasp.org/www-community/attacks/CSV_Injection; the full-width
# forms are read as the same operators by spreadsheets in East Asian locales
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_MAX_CELL_CHARS = 32_767  # Excel's limit on the text of one cell


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """A CSV value: text without control characters, formula-like text behind an apostrophe."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if is_formula_like(text) else text


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """An openpyxl write-only cell: strings always as strings, formula-like ones quote-prefixed.

    Control characters are dropped (XML 1.0 cannot hold them: openpyxl would raise), and text
    longer than Excel's cell limit is cut there.
    """
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    text = clean_text(value)[:XLSX_MAX_CELL_CHARS]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes any "=..." a formula ("f") otherwise
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell
