"""Exceptions of the taxonomies layer.

This layer sits below the core, so it cannot use ``observatory.errors``; the core maps these
onto its own HTTP-carrying errors (``UnknownCode`` -> NotFound/InvalidInput,
``TaxonomyFileError`` -> UnprocessableFile).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class TaxonomyError(Exception):
    """Base class of every error raised by the taxonomies package."""


class UnknownTaxonomy(TaxonomyError):
    """A taxonomy name that is neither built in nor imported."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = sorted(known)
        super().__init__(f"unknown taxonomy {name!r}; known: {', '.join(self.known)}")


class UnknownCode(TaxonomyError, KeyError):
    """A code that does not exist in the taxonomy (also a KeyError, so mapping idioms work)."""

    def __init__(self, taxonomy: str, code: str) -> None:
        self.taxonomy = taxonomy
        self.code = code
        super().__init__(taxonomy, code)

    def __str__(self) -> str:
        return f"unknown {self.taxonomy} code {self.code!r}"


class TaxonomyValidationError(TaxonomyError):
    """A taxonomy breaks its structural rules; ``problems`` lists every one found."""

    def __init__(self, taxonomy: str, problems: list[str]) -> None:
        self.taxonomy = taxonomy
        self.problems = list(problems)
        shown = "; ".join(self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"taxonomy {taxonomy!r} is invalid: {shown}{more}")


class TaxonomyFileError(TaxonomyError):
    """An official file that cannot be imported, with the file and line to look at."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"
