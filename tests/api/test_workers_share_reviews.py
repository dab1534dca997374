"""Two real uvicorn workers over one PostgreSQL database see each other's review decisions.

A correction made through worker A's API reaches worker B's running classifier (as a kNN
example) and search catalog within about a second; an undo made through the store, as
``observatory review`` does from a terminal, takes it back out of both.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.review import enqueue, undo_last
from observatory.store import SQLStore
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy
from observatory.users import Actor, Role, create_user
from tests.store_fixtures import POSTGRES_ENV

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"needs {POSTGRES_ENV}"),
]

TEXT = "Cultural heritage of the old salt mines and their guided visits"
CORRECTED = "79"  # travel agencies and tour operators: not what the model answers first
START_SECONDS = 90.0  # two processes building a classifier on a busy 2-core machine
POLL_SECONDS = 0.5  # OBSERVATORY_STORE_POLL_SECONDS given to both workers
# the stamp is read at most every POLL_SECONDS, then one text is encoded: ~1 s with slack for
# a busy shared machine
SEEN_WITHIN_SECONDS = 2.5


def free_port() -> int:
    """A free loopback port (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_url() -> Iterator[str]:
    """A throw-away PostgreSQL schema both workers use, dropped afterwards."""
    base = os.environ[POSTGRES_ENV]
    schema = f"test_workers_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def start_worker(url: str, data_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """One uvicorn process serving the app over ``url``; returns it and its base address."""
    port = free_port()
    env = {
        **os.environ,
        "OBSERVATORY_DATABASE_URL": url,
        "OBSERVATORY_DATA_DIR": str(data_dir),
        # the shipped TF-IDF embedder: what is shared between processes does not depend on the
        # embedder, and a cold MiniLM classifier encodes its prototypes for minutes on a busy
        # 2-core machine until they are built once (issue 18 item 1)
        "OBSERVATORY_EMBEDDING_BACKEND": "lexical",
        "OBSERVATORY_STORE_POLL_SECONDS": str(POLL_SECONDS),
        "OBSERVATORY_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_ready(client: httpx.Client, process: subprocess.Popen, log: Path) -> None:
    """Until the worker answers a classification (its classifier built), or fail."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if client.post("/api/classify", json={"text": "ready"}).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"worker not ready in {START_SECONDS} s: {log.read_text(errors='replace')[-2000:]}")


def top_nace(client: httpx.Client) -> dict:
    """The first NACE code the worker answers for ``TEXT``."""
    response = client.post("/api/classify", json={"text": TEXT, "taxonomies": ["nace"]})
    assert response.status_code == 200, response.text
    return response.json()["nace"]["codes"][0]


def tagged(client: httpx.Client, code: str) -> int:
    """How many priorities the worker's search catalog finds tagged with NACE ``code``."""
    response = client.get("/api/priorities", params={"nace": code})
    assert response.status_code == 200, response.text
    return response.json()["count"]


def poll_until(check, what: str) -> float:
    """Seconds until ``check()`` holds (failing after SEEN_WITHIN_SECONDS)."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > SEEN_WITHIN_SECONDS:
            pytest.fail(f"{what} not seen within {SEEN_WITHIN_SECONDS} s")
        time.sleep(0.05)
    return time.monotonic() - started


def seed(url: str) -> str:
    """One priority with a doubtful model label queued for review, and a reviewer's key."""
    store = SQLStore(url)
    store.migrate()
    with store.transaction(write=True) as session:
        saved = save_strategy(
            session,
            StrategyCreate(title="S3 Testland", nuts_code="PL21", country="PL", key="t"),
            [PriorityCreate(title=TEXT)],
        )
        pid = saved.priority_ids[0]
        label = LabelCreate(taxonomy="nace", code="08", rank=1, probability=0.4, model_version="m")
        add_labels(session, pid, [label])
        enqueue(session, pid, "nace", doubt=0.9, model_version="m")
        _, key = create_user(session, "rita", "reviewer")
    store.close()
    return key


def test_a_decision_on_one_worker_reaches_the_other(database_url: str, tmp_path: Path) -> None:
    key = seed(database_url)
    workers = [start_worker(database_url, tmp_path / f"data-{n}", tmp_path / f"w{n}.log")
               for n in ("a", "b")]  # fmt: skip
    clients = [httpx.Client(base_url=address, timeout=30.0) for _, address in workers]
    try:
        for client, (process, _), n in zip(clients, workers, "ab", strict=True):
            wait_ready(client, process, tmp_path / f"w{n}.log")
        a, b = clients
        before = top_nace(b)
        assert before["code"] != CORRECTED
        assert tagged(b, CORRECTED) == 0

        headers = {"X-API-Key": key}
        task = a.post("/api/review/next", json={}, headers=headers).json()
        decided = a.post(
            f"/api/review/tasks/{task['task_id']}/decision",
            json={"action": "correct", "codes": [CORRECTED]},
            headers=headers,
        )
        assert decided.status_code == 200, decided.text
        learnt = poll_until(lambda: top_nace(b)["code"] == CORRECTED, "the correction on B")
        assert any(e["kind"] == "example" for e in top_nace(b)["rationale"])
        poll_until(lambda: tagged(b, CORRECTED) == 1, "the corrected tag in B's catalog")

        # an undo through the store, as `observatory review` does from a terminal
        store = SQLStore(database_url)
        try:
            undo_last(store, Actor(name="rita", role=Role.REVIEWER))
        finally:
            store.close()
        for client in clients:
            poll_until(lambda c=client: top_nace(c)["code"] == before["code"], "the undo")
            poll_until(lambda c=client: tagged(c, CORRECTED) == 0, "the undo in the catalog")
        print(f"correction reached the other worker after {learnt:.2f} s")
    finally:
        for client in clients:
            client.close()
        for process, _ in workers:
            process.terminate()
        for process, _ in workers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
