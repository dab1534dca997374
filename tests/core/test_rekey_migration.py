"""Migration 0005 repairs stores versioned by file name: each strategy gets the key of what it is,
and a region's strategy that another region's ``strategy.pdf`` had superseded is current again.
"""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from observatory.store.database import MIGRATIONS_DIR, SQLStore
from observatory.store.strategies import list_strategies


def _upgrade(store: SQLStore, revision: str) -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


_ROW = (
    "INSERT INTO strategies (id, key, version, is_current, title, region, nuts_code, country, "
    "period, source_kind, source_path, sha256, warnings, created_at, superseded_at, "
    "extraction_status) VALUES (:id, :key, :version, :current, :title, :region, :nuts, "
    ":country, '2014-2020', :kind, :path, :sha, '[]', '2026-01-01 00:00:00', "
    ":superseded, 'none')"
)


def test_file_named_versions_of_two_regions_become_two_current_strategies(tmp_path) -> None:
    store = SQLStore(f"sqlite:///{tmp_path / 'old.db'}")
    _upgrade(store, "0004")
    rows = [  # the bug: b/strategy.pdf (Northern Netherlands) became version 2 of a/strategy.pdf
        (1, "file:strategy", 1, False, "South Ostrobothnia S3", "FI199", "FI", "pdf", "2026-01-02"),
        (2, "file:strategy", 2, True, "Northern Netherlands RIS3", "NL1", "NL", "pdf", None),
        (3, "import:ES21::", 1, True, "Basque priorities", "ES21", "ES", "import", None),
    ]
    with store.engine.begin() as connection:
        for id_, key, version, current, title, nuts, country, kind, superseded in rows:
            connection.execute(
                text(_ROW),
                {
                    "id": id_,
                    "key": key,
                    "version": version,
                    "current": current,
                    "title": title,
                    "region": title.rsplit(" ", 1)[0],
                    "nuts": nuts,
                    "country": country,
                    "kind": kind,
                    "path": f"/pdfs/{'ab'[id_ - 1] if id_ < 3 else 'c'}/strategy.pdf",
                    "sha": str(id_) * 64,
                    "superseded": superseded,
                },
            )
    store.migrate()  # 0005
    with store.transaction() as session:
        current = {row.id: row.key for row in list_strategies(session)}
    store.close()
    assert current == {1: "FI199:2014-2020", 2: "NL1:2014-2020", 3: "import:ES21::"}
