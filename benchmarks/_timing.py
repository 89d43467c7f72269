"""Per-call wall times for the benchmarks: one warm-up pass, then `rounds` timed passes over the inputs."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def timings_ms(fn: Callable[[T], object], inputs: Sequence[T], rounds: int) -> list[float]:
    """Milliseconds per call; the warm-up pass fills caches, lazy connections and first-call compilation."""
    for item in inputs:
        fn(item)
    out: list[float] = []
    for _ in range(rounds):
        for item in inputs:
            start = time.perf_counter()
            fn(item)
            out.append((time.perf_counter() - start) * 1000)
    return out
