"""How long the GUI event loop did not turn: a precise QTimer every ~5 ms notes how late each
tick comes. A tick due at t that runs at t + d means the loop was blocked for about d (a slot,
a paint, a wait on something it should not wait on). The benchmarks read the longest stall and
the distribution; a face can log the probe in production too (it costs ~200 wakeups a second).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Slot


@dataclass(frozen=True)
class StallReport:
    ticks: int
    longest_ms: float
    p99_ms: float
    over_50ms: int  # stalls longer than 50 ms (the faces' budget)
    seconds: float

    def __str__(self) -> str:
        return (f"event loop over {self.seconds:.1f} s: longest stall {self.longest_ms:.1f} ms, "
                f"p99 {self.p99_ms:.1f} ms, {self.over_50ms} over 50 ms ({self.ticks} ticks)")


class StallProbe(QObject):
    def __init__(self, interval_ms: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self._started = 0.0
        self._stalls: list[float] = []  # lateness of each tick, ms

    def start(self) -> None:
        self._stalls.clear()
        self._started = self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> StallReport:
        self._timer.stop()
        self._tick()  # a stall still going on when stopped counts too
        return self.report()

    def reset(self) -> None:
        self._stalls.clear()
        self._started = self._last = time.perf_counter()

    @Slot()
    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000 - self.interval_ms
        self._stalls.append(max(late, 0.0))
        self._last = now

    def report(self) -> StallReport:
        stalls = sorted(self._stalls) or [0.0]
        p99 = stalls[min(len(stalls) - 1, int(len(stalls) * 0.99))]
        return StallReport(ticks=len(self._stalls), longest_ms=stalls[-1], p99_ms=p99,
                           over_50ms=sum(1 for s in stalls if s > 50),
                           seconds=time.perf_counter() - self._started)
