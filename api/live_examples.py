"""Keep a running classifier's kNN examples in step with the reviewed labels in the store.

Several API workers (or hosts) share one store, and a reviewer may decide in a terminal
(``observatory review start``). Each process therefore follows the store, not its own requests:
a cheap stamp (the highest label and audit ids: every decision, undo and label import moves one)
is read at most once per ``check_seconds``; when it moved, the reviewed labels in force are read
again and only the (priority, taxonomy) pairs whose codes changed are re-taught.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import func, select

from observatory.store import Store
from observatory.store.tables import AuditRow, LabelRow

ReviewedCodes = dict[tuple[int, str], tuple[str, ...]]


def reviewed_stamp(store: Store) -> tuple[Any, ...]:
    """Two primary-key maxima: they move on every decision, undo or label import."""
    with store.transaction() as session:
        labels = session.execute(select(func.max(LabelRow.id))).scalar()
        audit = session.execute(select(func.max(AuditRow.id))).scalar()
    return (labels, audit)


class LiveExamples:
    """A classifier's reviewed examples, following the store's stamp (thread-safe).

    ``check_seconds`` bounds how often the stamp is read: a decision made anywhere reaches this
    process's next classification within that time; 0 reads it on every call.
    """

    def __init__(self, store: Store, classifier: Any, *, check_seconds: float) -> None:
        self.store = store
        self.classifier = classifier
        self.check_seconds = check_seconds
        self._taught: ReviewedCodes = {}
        self._stamp: tuple[Any, ...] | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def refresh(self, *, force: bool = False) -> int:
        """Re-teach what changed in the store since the last look; returns pairs re-taught."""
        if not force and time.monotonic() - self._checked < self.check_seconds:
            return 0
        with self._lock:
            stamp = reviewed_stamp(self.store)
            self._checked = time.monotonic()
            if stamp == self._stamp:
                return 0
            changed = self._apply(self._read_reviewed())
            self._stamp = stamp
            return changed

    def _read_reviewed(self) -> tuple[ReviewedCodes, dict[int, str]]:
        from pipelines.classify.job import priority_text, reviewed_codes, select_priorities

        with self.store.transaction() as session:
            grouped = {key: tuple(codes) for key, codes in reviewed_codes(session).items()}
            unseen = sorted({pid for (pid, tax), codes in grouped.items()
                             if self._taught.get((pid, tax)) != codes})  # fmt: skip
            rows = select_priorities(session, priority_ids=unseen) if unseen else []
            texts = {row.id: priority_text(row) for row in rows}
        # only current strategy versions give examples: a superseded priority has no text here
        current = {key: codes for key, codes in grouped.items()
                   if key[0] in texts or self._taught.get(key) == codes}  # fmt: skip
        return current, texts

    def _apply(self, read: tuple[ReviewedCodes, dict[int, str]]) -> int:
        current, texts = read
        gone = [key for key in self._taught if current.get(key) != self._taught[key]]
        for priority_id, taxonomy in gone:
            self.classifier.remove_examples([priority_id], taxonomy)
        added = [key for key in current if self._taught.get(key) != current[key]]
        by_taxonomy: dict[str, list[tuple[int, str]]] = {}
        for key in added:
            by_taxonomy.setdefault(key[1], []).append(key)
        for taxonomy, keys in by_taxonomy.items():
            self.classifier.add_examples(
                [texts[pid] for pid, _ in keys],
                taxonomy,
                [list(current[key]) for key in keys],
                ids=[pid for pid, _ in keys],
            )
        self._taught = current
        return len(set(gone) | set(added))
