"""The percentiles every bench prints, computed one way (nearest rank), so figures of different
benches compare."""

from __future__ import annotations

import statistics


def pct(values: list[float], q: float) -> float:
    """The value at quantile `q` (0..1) by nearest rank; `values` must not be empty."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, ms: list[float], *, width: int = 28) -> None:
    """One line: count, p50, p99 and max of latencies in milliseconds."""
    print(f"{name:<{width}} n={len(ms):<4} p50 {statistics.median(ms):8.2f} ms   "
          f"p99 {pct(ms, 0.99):8.2f} ms   max {max(ms):8.2f} ms", flush=True)
