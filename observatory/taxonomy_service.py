"""Taxonomies as the observatory serves them, and the import of Eurostat's official files.

An import parses the whole file first (any problem aborts with the file and line, nothing
written), then replaces that taxonomy version's codes in the store in one transaction, and
finally swaps in the overlay file that ``taxonomies.load`` serves.

``load_taxonomy`` is on the path of every classification, ``observatory classify-text``
included, which never opens the store: the store's modules (SQLAlchemy, ~0.3 s to import) are
imported by the functions that write or count, not here.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import taxonomies
from observatory.errors import InvalidInput, NotFound, UnprocessableFile
from observatory.settings import Settings
from taxonomies import Taxonomy, TaxonomyError, TaxonomyFileError, UnknownTaxonomy, eurostat

if TYPE_CHECKING:
    from observatory.store import Store

# The observatory classifies in NACE Rev. 2; other versions are stored for reference.
SERVED_NACE_VERSION = "2"


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    taxonomy: str
    version: str
    language: str | None
    codes: int
    with_notes: int
    served: bool
    path: str


def load_taxonomy(name: str, settings: Settings) -> Taxonomy:
    """The taxonomy as served: the imported overlay when there is one, else the built-in."""
    try:
        return taxonomies.load(name, overlay_dir=settings.taxonomy_dir)
    except UnknownTaxonomy as exc:
        raise NotFound(str(exc), errors=taxonomies.available()) from None
    except TaxonomyError as exc:
        raise InvalidInput(str(exc)) from None


def import_nace(
    store: Store,
    settings: Settings,
    path: Path,
    *,
    version: str | None = None,
    language: str | None = None,
    actor: str = "cli",
) -> ImportSummary:
    """Import a NACE file: the structure with notes, or (``language``) one translation."""
    from sqlalchemy import delete

    from observatory.store.audit import record_audit
    from observatory.store.tables import TaxonomyCodeRow, TaxonomyImportRow

    path = Path(path)
    if not path.is_file():
        raise UnprocessableFile(str(path), "no such file")
    try:
        if language:
            taxonomy = _with_language(settings, path, language, version)
        else:
            taxonomy = eurostat.read_nace_with_notes(path, version=version)
    except TaxonomyFileError as exc:
        raise UnprocessableFile(str(exc.path), exc.reason, line=exc.line) from None
    except TaxonomyError as exc:
        raise UnprocessableFile(str(path), str(exc)) from None
    served = taxonomy.version == SERVED_NACE_VERSION
    overlay = settings.taxonomy_dir / ("nace.json" if served else f"nace-{taxonomy.version}.json")
    staged = _stage(taxonomy, overlay)
    try:
        with store.transaction(write=True) as session:
            session.execute(
                delete(TaxonomyCodeRow).where(
                    TaxonomyCodeRow.taxonomy == "nace",
                    TaxonomyCodeRow.version == taxonomy.version,
                )
            )
            session.add_all(
                TaxonomyCodeRow(
                    taxonomy="nace",
                    version=taxonomy.version,
                    code=code.code,
                    level=code.level,
                    parent=code.parent,
                    title=code.title,
                    labels=dict(code.labels),
                    notes={k: v for k, v in code.notes.items() if v},
                )
                for code in taxonomy
            )
            session.add(
                TaxonomyImportRow(
                    taxonomy="nace",
                    version=taxonomy.version,
                    language=language,
                    source_path=str(path),
                    sha256=_sha256(path),
                    code_count=len(taxonomy),
                )
            )
            record_audit(
                session,
                actor=actor,
                action="taxonomy.import",
                entity_type="taxonomy",
                entity_id=None,
                after={
                    "taxonomy": "nace",
                    "version": taxonomy.version,
                    "language": language,
                    "codes": len(taxonomy),
                    "file": path.name,
                },
            )
        os.replace(staged, overlay)
    finally:
        staged.unlink(missing_ok=True)
    with_notes = sum(1 for code in taxonomy if any(code.notes.values()))
    return ImportSummary(
        "nace", taxonomy.version, language, len(taxonomy), with_notes, served, str(path)
    )


def _with_language(settings: Settings, path: Path, language: str, version: str | None) -> Taxonomy:
    if version not in (None, SERVED_NACE_VERSION):
        raise InvalidInput(f"language files are for NACE Rev. {SERVED_NACE_VERSION} only")
    base = load_taxonomy("nace", settings)
    if "group" not in base.levels or len(base) < 900:
        raise InvalidInput(
            "import the English NACE Rev. 2 structure first "
            "(observatory taxonomy import nace nace_rev2_with_notes.csv)"
        )
    entries = eurostat.read_nace_language(path, language)
    return eurostat.apply_language(base, language, entries)


def import_correspondence(store: Store, path: Path, *, actor: str = "cli") -> int:
    """Import the NACE Rev. 2 -> Rev. 2.1 correspondence; returns the number of links."""
    from sqlalchemy import delete

    from observatory.store.audit import record_audit
    from observatory.store.tables import CorrespondenceRow

    path = Path(path)
    try:
        pairs = eurostat.read_correspondence(path)
    except TaxonomyFileError as exc:
        raise UnprocessableFile(str(exc.path), exc.reason, line=exc.line) from None
    with store.transaction(write=True) as session:
        session.execute(
            delete(CorrespondenceRow).where(
                CorrespondenceRow.taxonomy == "nace",
                CorrespondenceRow.from_version == "2",
                CorrespondenceRow.to_version == "2.1",
            )
        )
        unique_pairs = list(dict.fromkeys(pairs))
        session.add_all(
            CorrespondenceRow(
                taxonomy="nace", from_version="2", from_code=old, to_version="2.1", to_code=new
            )
            for old, new in unique_pairs
        )
        record_audit(
            session,
            actor=actor,
            action="taxonomy.correspondence",
            entity_type="taxonomy",
            entity_id=None,
            after={"taxonomy": "nace", "from": "2", "to": "2.1", "links": len(unique_pairs)},
        )
    return len(unique_pairs)


def stored_code_count(store: Store, name: str, version: str) -> int:
    """How many codes of a taxonomy version the store holds."""
    from sqlalchemy import func, select

    from observatory.store.tables import TaxonomyCodeRow

    with store.transaction() as session:
        query = select(func.count()).where(
            TaxonomyCodeRow.taxonomy == name, TaxonomyCodeRow.version == version
        )
        return int(session.scalar(query) or 0)


def is_correspondence_file(path: Path) -> bool:
    """Whether a CSV looks like the Rev. 2 -> Rev. 2.1 correspondence (by its header)."""
    with Path(path).open(encoding="utf-8", errors="replace") as handle:
        return "Rev..2.1.Code" in handle.readline()


def _stage(taxonomy: Taxonomy, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".import-", suffix=".json", dir=target.parent)
    os.close(handle)
    taxonomies.save(taxonomy, Path(name))
    return Path(name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
