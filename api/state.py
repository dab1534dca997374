"""Application state built once in the lifespan and shared by every request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from observatory.settings import Settings
from observatory.store import Store


@dataclass
class AppState:
    """What the app holds: settings, the store, and lazily built heavy services.

    Heavy services (embedder, classifier, vector index) are built on first use and then reused,
    so that start-up stays fast and tests that do not need them do not pay for them.
    """

    settings: Settings
    store: Store
    _services: dict[str, Any] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)  # services build services
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def service(self, name: str, build: Callable[[], Any]) -> Any:
        """Return the named service, building it once (thread-safe)."""
        if name not in self._services:
            with self._lock:
                if name not in self._services:
                    self._services[name] = build()
        return self._services[name]

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` when the app shuts down (a service's background thread)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Stop what services run in the background (before the store closes)."""
        while self._closers:
            self._closers.pop()()

    def has_service(self, name: str) -> bool:
        """Whether a service was already built."""
        return name in self._services
