"""Exceptions that carry their HTTP status, and the single error body built from them.

Every user-facing failure in the observatory is one of these. The API turns them into
``{"ok": false, "error": ..., "status": ..., "errors": [...]}``; the CLI prints ``error`` on one
line and exits non-zero.
"""

from __future__ import annotations

from typing import Any


class ObservatoryError(Exception):
    """Base class: a message for people, an HTTP status, and optional detail items."""

    status: int = 500

    def __init__(
        self, message: str, *, errors: list[Any] | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors: list[Any] = list(errors or [])
        if status is not None:
            self.status = status

    def to_body(self) -> dict[str, Any]:
        """The common error body shared by the API and machine-readable CLI output."""
        return error_body(self.message, self.status, self.errors)


class InvalidInput(ObservatoryError):
    """The caller sent something malformed (bad parameter, bad file, bad code)."""

    status = 400


class Unauthorized(ObservatoryError):
    """No valid API key was given for an operation that needs one."""

    status = 401


class Forbidden(ObservatoryError):
    """The API key is valid but its role does not allow the operation."""

    status = 403


class NotFound(ObservatoryError):
    """A strategy, priority, code, region or user that does not exist."""

    status = 404


class Conflict(ObservatoryError):
    """The operation clashes with the current state (already claimed, already decided...)."""

    status = 409


class UnprocessableFile(InvalidInput):
    """A file that cannot be read: names the file (and line, when known) in the message."""

    def __init__(self, path: str, reason: str, *, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = str(path)
        self.line = line
        self.reason = reason


class ConfigurationError(ObservatoryError):
    """Settings that cannot work (bad URL, missing model folder...)."""

    status = 500


class DependencyMissing(ImportError):
    """An optional heavy dependency is not installed; the message says what to install."""

    def __init__(self, feature: str, package: str) -> None:
        super().__init__(f"{feature} needs the '{package}' package: pip install {package}")
        self.package = package


def error_body(message: str, status: int, errors: list[Any] | None = None) -> dict[str, Any]:
    """Build the one error body used everywhere."""
    return {"ok": False, "error": message, "status": status, "errors": list(errors or [])}
