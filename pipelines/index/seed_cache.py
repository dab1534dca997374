"""Rewrite the embedding seed shipped for the built-in sample (maintainers).

    python -m pipelines.index.seed_cache

Runs ``observatory demo load`` (the default settings: the configured classification and search
embedders) on a new data dir with the old seed set aside, then ships every vector that run
encoded as ``models/embedders/data/seed/<model slug>.npz``. A new installation's ``make demo``
then reads the sample's vectors instead of encoding them (tests/models/test_embedding_seed.py
fails when the sample or the embedders change and the seed is stale).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from models.embedders.cache import SEED_DIR, write_seed


def cached_vectors(cache_dir: Path) -> dict[str, dict[str, np.ndarray]]:
    """Model slug -> key -> vector of every embedding cache under ``cache_dir``."""
    caches: dict[str, dict[str, np.ndarray]] = {}
    for database in sorted(Path(cache_dir).glob("*/embeddings.sqlite")):
        with sqlite3.connect(database) as connection:
            rows = connection.execute("SELECT key, vector FROM embedding").fetchall()
        caches[database.parent.name] = {
            key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows
        }
    return caches


def run_demo_load(data_dir: Path) -> None:
    """``observatory demo load`` into ``data_dir`` (a failure stops with its output)."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "OBSERVATORY_DATA_DIR": str(data_dir),
        "OBSERVATORY_DATABASE_URL": f"sqlite:///{data_dir / 'observatory.db'}",
    }
    command = [str(Path(sys.executable).with_name("observatory")), "demo", "load"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: observatory demo load failed: {done.stderr.strip()[-400:]}")


def main() -> int:
    """Set the old seed aside, load the sample, ship what it encoded."""
    aside = [(path, path.with_suffix(".aside")) for path in SEED_DIR.glob("*.npz")]
    for path, moved in aside:
        path.rename(moved)
    try:
        with tempfile.TemporaryDirectory(prefix="s3o-seed-") as folder:
            run_demo_load(Path(folder))
            caches = cached_vectors(Path(folder) / "cache")
    except BaseException:
        for path, moved in aside:
            moved.rename(path)
        raise
    for _, moved in aside:
        moved.unlink()
    for slug, items in caches.items():
        write_seed(SEED_DIR / f"{slug}.npz", items)
        print(f"{slug}: {len(items)} vectors -> {SEED_DIR / slug}.npz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
