"""Print how fast the NUTS region registry loads, resolves names and scans texts.

Run: .venv/bin/python benchmarks/regions_speed.py
"""

from __future__ import annotations

import contextlib
import time

from observatory.errors import ObservatoryError
from observatory.regions import RegionRegistry
from observatory.regions.registry import _cached_registry

NAMES = ["Northern Netherlands", "Etela-Pohjanmaa", "Northen Netherland", "Bavaria", "Narnia"]
PARAGRAPH = (
    "The Regional Council of South Ostrobothnia works with Ostrobothnia, Lapland and partners "
    "in Bavaria, Catalonia and the Northern Netherlands on a lot of shared priorities. "
)


def timed(label: str, repeat: int, action) -> float:
    """Run ``action`` ``repeat`` times and print the mean time per call."""
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    mean = (time.perf_counter() - start) / repeat
    print(f"{label:<42} {mean * 1e6:11.1f} µs")
    return mean


def main() -> None:
    """Measure cold load, cached load, resolve (exact, fuzzy, failing) and text scanning."""
    _cached_registry.cache_clear()
    cold = timed("load NUTS 2024 (first call)", 1, RegionRegistry.load)
    cached = timed("load NUTS 2024 (cached)", 1000, RegionRegistry.load)
    print(f"{'cold / cached load ratio':<42} {cold / cached:9.0f}x")
    registry = RegionRegistry.load()
    timed("load NUTS 2021 (first call)", 1, lambda: RegionRegistry.load("2021"))
    print(f"{'regions in NUTS 2024 (incl. 27 countries)':<42} {len(registry):9d}")
    for name in NAMES:

        def resolve(name: str = name) -> None:
            # the failing look-up ("Narnia") is part of what is measured
            with contextlib.suppress(ObservatoryError):
                registry.resolve(name)

        timed(f"resolve {name!r}", 50, resolve)
    text = PARAGRAPH * 500
    words = len(text.split())
    seconds = timed(f"find_in_text, {words} words", 5, lambda: registry.find_in_text(text))
    print(f"{'find_in_text words per second':<42} {words / seconds:9.0f}")


if __name__ == "__main__":
    main()
