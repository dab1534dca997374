"""Codes of a taxonomy: one immutable ``Code`` and the freeze/thaw helpers that keep it so.

Codes are frozen (their mappings are read-only proxies), so copies of a taxonomy share them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

NOTE_KINDS = ("includes", "also_includes", "excludes")
_CODE_FIELDS = frozenset(
    {"code", "level", "parent", "title", "description", "keywords", "labels", "notes"}
    | {"notes_by_language", "keywords_by_language"}
)
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def freeze(value: Any) -> Any:
    """A read-only deep copy: dicts become mapping proxies, lists become tuples."""
    if isinstance(value, str):  # most values: answered before the slower check against an ABC
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The JSON-ready inverse of ``freeze`` (plain dicts and lists)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


def truncations(code: str) -> Iterator[str]:
    """Shorter prefixes of a dotted code, nearest first: '10.11' -> '10.1', '10'."""
    current = code
    while len(current) > 1:
        current = current[:-1].rstrip(".")
        if current:
            yield current


@dataclass(frozen=True)
class Code:
    """One code of a taxonomy with its English title, our description and official notes."""

    code: str
    level: str
    parent: str | None
    title: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    notes: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    notes_by_language: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: _EMPTY)
    # phrases in languages the English keywords do not reach: {"fi": ("metsätalous", ...)}
    keywords_by_language: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        # Frozen dataclass: object.__setattr__ is the documented way to normalise fields.
        labels = {"en": self.title, **dict(self.labels)}
        object.__setattr__(self, "keywords", tuple(self.keywords))
        object.__setattr__(self, "labels", freeze(labels))
        object.__setattr__(self, "notes", freeze({k: v for k, v in self.notes.items() if v}))
        object.__setattr__(self, "notes_by_language", freeze(self.notes_by_language))
        object.__setattr__(self, "keywords_by_language", freeze(self.keywords_by_language))
        object.__setattr__(self, "extra", freeze(self.extra))

    def __hash__(self) -> int:
        return hash((self.code, self.level, self.parent, self.title))

    def label(self, language: str) -> str:
        """The title in ``language``, falling back to English."""
        return self.labels.get(language) or self.title

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in the data files (extra keys are written at top level)."""
        data: dict[str, Any] = {
            "code": self.code,
            "level": self.level,
            "parent": self.parent,
            "title": self.title,
            "description": self.description,
            "keywords": list(self.keywords),
        }
        other_labels = {k: v for k, v in self.labels.items() if k != "en"}
        if other_labels:
            data["labels"] = {"en": self.title, **other_labels}
        if self.notes:
            data["notes"] = thaw(self.notes)
        if self.notes_by_language:
            data["notes_by_language"] = thaw(self.notes_by_language)
        if self.keywords_by_language:
            data["keywords_by_language"] = thaw(self.keywords_by_language)
        data.update(thaw(self.extra))
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Code:
        """Build a code from its JSON form; unknown keys land in ``extra``."""
        return cls(
            code=str(data["code"]),
            level=str(data["level"]),
            parent=None if data.get("parent") in (None, "") else str(data["parent"]),
            title=str(data.get("title", "")),
            description=str(data.get("description") or ""),
            keywords=tuple(data.get("keywords") or ()),
            labels=data.get("labels") or {},
            notes=data.get("notes") or {},
            notes_by_language=data.get("notes_by_language") or {},
            keywords_by_language=data.get("keywords_by_language") or {},
            extra={k: v for k, v in data.items() if k not in _CODE_FIELDS},
        )
