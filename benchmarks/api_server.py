"""The uvicorn server of ``bench_api.py``: started in a subprocess on loopback with the app's
own loggers at INFO, so the benchmark can read what the server built, and checked for
rebuilds it must not do."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# Runs the app as `observatory serve` would, with the observatory's loggers at INFO.
SERVE = """
import logging, sys, uvicorn
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
uvicorn.run("api.app:create_app", factory=True, host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning")
"""
START_TIMEOUT_S = 300


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(client: Any, paths: list[str]) -> dict[str, Any]:
    """Sequential GETs: latency percentiles (ms), throughput (requests/s) and the latencies."""
    latencies = []
    started = time.perf_counter()
    for path in paths:
        t0 = time.perf_counter()
        response = client.get(path)
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} -> {response.status_code}: {response.text[:300]}")
    elapsed = time.perf_counter() - started
    return {**percentiles(latencies), "rps": len(paths) / elapsed}


def percentiles(latencies: list[float]) -> dict[str, Any]:
    """p50/p95/p99 of latencies in ms."""
    values = np.array(latencies)
    return {
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
        "p99": float(np.percentile(values, 99)),
        "rps": float("nan"),
        "latencies": latencies,
    }


def reviewer_key(db_url: str) -> str:
    """A new reviewer's API key, created through ``observatory.users`` in the bench's store."""
    from observatory.store import SQLStore
    from observatory.users import create_user

    store = SQLStore(db_url)
    try:
        with store.transaction() as session:
            _, key = create_user(session, f"bench-reviewer-{time.time_ns()}", "reviewer")
    finally:
        store.close()
    return key


class Server:
    """uvicorn serving ``api.app:create_app`` with the settings in ``env``."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.log_path = folder / f"server-{time.time_ns()}.log"
        self.index_folder = Path(env["OBSERVATORY_DATA_DIR"]) / "index" / "priorities"

    def __enter__(self) -> Server:
        import httpx

        self.saved = self._saved_files()
        port = free_port()
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(port)],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=3600)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                self.client.get("/healthz")
                return self
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server did not start:\n{self.log()[-3000:]}") from None
                time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=60)
        self._log.close()

    def settings(self):
        """The settings the server reads (same environment)."""
        from observatory.settings import Settings

        prefix = "OBSERVATORY_"
        fields = {k[len(prefix) :].lower(): v for k, v in self.env.items() if k.startswith(prefix)}
        return Settings(**fields)

    def log(self) -> str:
        """What the server logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def timed(self, path: str) -> float:
        """Seconds for one GET (checked)."""
        return measure(self.client, [path])["p50"] / 1000

    def post(self, path: str, key: str, body: dict | None = None) -> dict[str, Any]:
        """A POST with a reviewer key; fails loudly on anything but 200."""
        response = self.client.post(path, headers={"X-API-Key": key}, json=body)
        if response.status_code != 200:
            raise SystemExit(f"POST {path} -> {response.status_code}: {response.text[:300]}")
        return response.json()

    def memory(self) -> dict[str, float]:
        """The server process' resident memory now and at its peak (MiB)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = {
            k: float(v) / 1024 for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M)
        }
        return {"rss": found.get("VmRSS", float("nan")), "peak": found.get("VmHWM", float("nan"))}

    def _saved_files(self) -> dict[str, int]:
        return {
            str(p.relative_to(self.index_folder)): p.stat().st_mtime_ns
            for p in self.index_folder.rglob("*")
            if p.is_file()
        }

    def check_no_rebuild(self, *, expect_label_refreshes: bool) -> None:
        """Fail when the server re-embedded priorities, rebuilt the HNSW graph, rewrote the
        saved vectors, or built the catalog more than once (a decision must refresh labels)."""
        text = self.log()
        problems = [
            line
            for line in text.splitlines()
            if re.search(
                r"embedding \d+ priorities|rebuilding|built the HNSW graph|Traceback", line
            )
        ]
        builds = len(re.findall(r"catalog: built", text))
        refreshes = len(re.findall(r"catalog: refreshed the labels", text))
        if builds != 1:
            problems.append(f"the catalog was built {builds} times (expected once)")
        if expect_label_refreshes and refreshes == 0:
            problems.append("no label refresh logged after the review decisions")
        if self._saved_files() != self.saved:
            problems.append(f"the server rewrote the saved vectors in {self.index_folder}")
        if problems:
            raise SystemExit(
                "the server rebuilt what it should have loaded:\n" + "\n".join(problems)
            )
        print(
            f"checked: no re-embedding or rebuild; catalog built once, {refreshes} label refreshes"
        )

    def check_decisions_visible(self, decided: list[tuple[int, str]]) -> None:
        """Every corrected priority is found under its new code (the catalog followed)."""
        missing = []
        for priority_id, code in decided:
            offset, found = 0, False
            while not found:
                page = self.client.get(
                    "/api/priorities",
                    params={"nace": code, "status": "corrected", "limit": 500, "offset": offset},
                ).json()
                found = any(item["id"] == priority_id for item in page["data"])
                offset += 500
                if offset >= page["count"]:
                    break
            if not found:
                missing.append((priority_id, code))
        if missing:
            raise SystemExit(f"search does not show these corrections yet: {missing}")
