"""One PDF -> an ``Extraction``: source, strategy metadata, selected priorities, warnings."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipelines.ingest.candidates import CandidateList
from pipelines.ingest.keywords import keywords
from pipelines.ingest.metadata import StrategyMetadata, detect_metadata
from pipelines.ingest.pdf_text import DEFAULT_MAX_BYTES, check_file, read_document
from pipelines.ingest.select import select_priorities
from pipelines.ingest.structure import build_blocks


@dataclass
class ExtractedPriority:
    """A selected priority with its provenance (PDF pages counted from 1)."""

    title: str
    description: str
    pages: list[int]
    parent: str | None
    keywords: list[str]
    confidence: float


@dataclass
class Extraction:
    """Everything extracted from one strategy document; nothing is stored."""

    path: str
    sha256: str
    page_count: int
    strategy: StrategyMetadata
    priorities: list[ExtractedPriority]
    keywords: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    confidence: float = 0.0  # 0..1: how sure the extraction is of its chosen list
    candidates: list[CandidateList] = field(default_factory=list)  # the chosen one and runners-up

    def to_json(self) -> dict[str, Any]:
        """The documented ``extract --json`` object."""
        return {
            "source": {"path": self.path, "sha256": self.sha256, "pages": self.page_count},
            "strategy": {**asdict(self.strategy), "keywords": self.keywords},
            "priorities": [asdict(p) for p in self.priorities],
            "warnings": list(self.warnings),
            "confidence": self.confidence,
            "candidates": [c.to_json() for c in self.candidates],
        }


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: dict[str, str | None] | None = None,
    with_keywords: bool = True,
    workers: int | None = None,
) -> Extraction:
    """Extract strategy metadata and selected priorities from one PDF.

    ``overrides`` (region, nuts_code, country, period, language) replace what was detected.
    ``workers`` processes read the pages of longer documents (default: up to two); the result
    does not depend on it. Raises ``UnprocessableFile`` for files that cannot be read.
    """
    check_file(path, max_bytes)
    document = read_document(path, max_bytes, workers)
    warnings = list(document.warnings)
    blocks = build_blocks(document.lines)
    full_text = "\n".join(block.text for block in blocks)
    metadata = detect_metadata(document, full_text)
    if not metadata.title:
        metadata.title = path.stem.replace("_", " ")
    for key, value in (overrides or {}).items():
        if value:
            setattr(metadata, key, value)
    selection = select_priorities(blocks, warnings)
    detected = list(selection.priorities)
    detected.sort(key=lambda d: -d.confidence)
    # children follow their parents so that a store sees each parent before its sub-priorities
    ordered = [d for d in detected if d.parent is None]
    for child in (d for d in detected if d.parent is not None):
        ordered.append(child)
    texts = [f"{d.title}. {d.description}" for d in ordered]
    strategy_keywords: list[str] = []
    priority_keywords: list[list[str]] = [[] for _ in ordered]
    if with_keywords:
        corpus = [b.text for b in blocks if b.kind == "paragraph" and len(b.text) > 80]
        ranked = keywords([*texts, full_text[:50000]], corpus, metadata.language)
        priority_keywords, strategy_keywords = ranked[:-1], ranked[-1][:15]
    priorities = [
        ExtractedPriority(d.title, d.description, d.pages, d.parent, kw, d.confidence)
        for d, kw in zip(ordered, priority_keywords, strict=True)
    ]
    if not priorities:
        warnings.append("no priorities detected: check the document or use import-priorities")
    return Extraction(
        path=str(path),
        sha256=file_sha256(path),
        page_count=document.page_count,
        strategy=metadata,
        priorities=priorities,
        keywords=strategy_keywords,
        warnings=warnings,
        confidence=selection.confidence,
        candidates=selection.candidates,
    )
