"""ExampleMemory under concurrent writers and readers (issue 15, finding 8).

The live classifier adds and removes reviewers' examples from request threads while other
threads classify; its parallel arrays (ids, vectors, labels, texts) must never disagree.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

from models.classifier.examples import ExampleMemory

CODES = [f"c{i}" for i in range(7)]
DIMENSION = 4
THREADS = 8
ROUNDS = 150  # enough to interleave the writers many times at a tiny switch interval
BATCH = 3


def _example(example_id: int) -> tuple[np.ndarray, list[str], str]:
    """A vector, codes and text that all encode the id, so a mixed-up row is detectable."""
    vector = np.full(DIMENSION, float(example_id), dtype=np.float32)
    return vector, [CODES[example_id % len(CODES)]], f"text {example_id}"


def _assert_consistent(ids, vectors, labels, texts) -> None:
    assert len(ids) == len(vectors) == len(labels) == len(texts)
    for row, example_id in enumerate(ids):
        assert vectors[row, 0] == float(example_id)
        assert texts[row] == f"text {example_id}"
        assert labels[row].sum() == 1.0
        assert labels[row, example_id % len(CODES)] == 1.0


def test_eight_threads_adding_and_removing_keep_the_arrays_consistent() -> None:
    memory = ExampleMemory(CODES, DIMENSION)
    errors: list[BaseException] = []
    kept: list[int] = []
    kept_lock = threading.Lock()
    start = threading.Barrier(THREADS + 1)

    def writer(worker: int) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                base = 1_000_000 * (worker + 1) + round_ * BATCH
                ids = list(range(base, base + BATCH))
                rows = [_example(i) for i in ids]
                memory.add(
                    np.stack([r[0] for r in rows]), [r[1] for r in rows], [r[2] for r in rows], ids
                )
                memory.remove(ids[1:])  # keep one of each batch
                with kept_lock:
                    kept.append(ids[0])
        except BaseException as error:
            errors.append(error)

    def reader() -> None:
        try:
            start.wait()
            queries = np.ones((2, DIMENSION), dtype=np.float32)
            for _ in range(ROUNDS):
                votes, best, rows, sims = memory.votes(queries, 5, 0.0, 0.99)
                assert votes.shape == best.shape == (2, len(CODES))
                assert rows.shape == sims.shape
        except BaseException as error:
            errors.append(error)

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible to expose races
    try:
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(THREADS - 1)]
        threads.append(threading.Thread(target=reader))
        for thread in threads:
            thread.start()
        start.wait()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert not errors, errors[0]
    _assert_consistent(memory.ids, memory.vectors, memory.labels, memory.texts)
    assert sorted(memory.ids.tolist()) == sorted(kept)
    assert len(memory) == (THREADS - 1) * ROUNDS
    # a later generated id never reuses an explicit one
    (new_id,) = memory.add(*[np.stack([_example(1)[0]]), [[CODES[0]]], ["fresh"]])
    assert new_id > max(kept)


def test_a_snapshot_stays_consistent_while_the_memory_changes() -> None:
    memory = ExampleMemory(CODES, DIMENSION)
    rows = [_example(i) for i in (1, 2, 3)]
    memory.add(
        np.stack([r[0] for r in rows]), [r[1] for r in rows], [r[2] for r in rows], [1, 2, 3]
    )
    snapshot = memory.snapshot()
    memory.remove([1, 2])
    _assert_consistent(snapshot.ids, snapshot.vectors, snapshot.labels, snapshot.texts)
    assert snapshot.ids.tolist() == [1, 2, 3]
    assert memory.ids.tolist() == [3]
    assert not snapshot.vectors.flags.writeable
