"""The shell's bridge: how fast a hall change reaches the GUI thread, and whether the GUI thread
ever stalls while the worker is busy.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_bridge.py [--commands 200] [--external 10]

Figures (one run, ratios against baselines measured in the same run):
- a bare cross-thread queued signal (worker QThread → GUI thread): the floor of any delivery;
- a command through the bridge (submit → on_done in the GUI thread), against that floor;
- a commit by another thread (own connection, as sync has) and by another process (`python
  main.py ticket take`) → `changed` in the GUI thread, against the 100 ms poll interval;
- the longest GUI event-loop stall while the worker runs a burst of commands.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, QThread, Signal, Slot  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.figures import pct  # noqa: E402
from hall.app import Hall  # noqa: E402
from ui.bridge import POLL_MS, HallBridge  # noqa: E402
from ui.opening import face_opener  # noqa: E402
from ui.stall import StallProbe  # noqa: E402


def summary(name: str, values: list[float], base: float | None = None, base_name: str = "") -> None:
    ratio = f"  ({statistics.median(values) / base:.1f}× {base_name})" if base else ""
    print(f"{name:<44} p50 {statistics.median(values):7.2f} ms   p99 {pct(values, 0.99):7.2f} ms"
          f"   n={len(values)}{ratio}")


def spin_until(app: QApplication, done: Callable[[], bool], timeout: float = 10) -> None:
    """Turn the GUI event loop until `done()` (the bench's GUI thread does nothing else)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("no answer in time")
        app.processEvents()
        time.sleep(0.0005)


class Pinger(QObject):
    pong = Signal(float)

    @Slot(float)
    def ping(self, sent: float) -> None:
        self.pong.emit(sent)


class Front(QObject):
    ping = Signal(float)


def bare_signal(app: QApplication, n: int) -> list[float]:
    """GUI → worker QThread → GUI through queued signals: the floor under every bridge trip."""
    thread = QThread()
    worker = Pinger()
    worker.moveToThread(thread)
    front = Front()
    front.ping.connect(worker.ping)
    got: list[float] = []
    worker.pong.connect(lambda sent: got.append((time.perf_counter() - sent) * 1000))
    thread.start()
    for i in range(n):
        front.ping.emit(time.perf_counter())
        spin_until(app, lambda i=i: len(got) > i)
    thread.quit()
    thread.wait()
    return got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--external", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.commands, args.external = 5, 1
    app = QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="bench-ui-")) / "data"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "setup", "--data-dir", str(folder),
                    "--hall", "B1", "--terminal", "K1", "--standalone"], check=True,
                   capture_output=True)

    floor = bare_signal(app, args.commands)
    summary("bare queued signal round trip", floor)

    bridge = HallBridge(face_opener(folder, "kiosk"))
    ready = threading.Event()
    bridge.ready.connect(ready.set)
    bridge.start()
    spin_until(app, ready.is_set)

    trips: list[float] = []
    probe = StallProbe()
    probe.start()
    for _ in range(args.commands):
        done = threading.Event()
        sent = time.perf_counter()
        bridge.submit(lambda kiosk: kiosk.tickets.take("newborn").value,
                      lambda _t, sent=sent, done=done: (  # type: ignore[misc]
                          trips.append((time.perf_counter() - sent) * 1000), done.set()))
        spin_until(app, done.is_set)
    summary("command round trip (take_ticket)", trips, statistics.median(floor), "bare signal")

    # a burst: everything queued at once, the GUI thread only spinning its loop
    finished = threading.Event()
    count = [0]

    def one_done(_t: object) -> None:
        count[0] += 1
        if count[0] == args.commands:
            finished.set()

    started = time.perf_counter()
    for _ in range(args.commands):
        bridge.submit(lambda kiosk: kiosk.tickets.take("newborn").value, one_done)
    spin_until(app, finished.is_set, timeout=120)
    burst_s = time.perf_counter() - started
    stalls = probe.stop()
    print(f"burst of {args.commands} commands: {burst_s * 1000:.0f} ms "
          f"({args.commands / burst_s:.0f}/s); GUI {stalls}")

    seen: list[float] = []
    bridge.changed.connect(lambda c: c.source == "external" and seen.append(time.time()))

    thread_lat: list[float] = []
    for _ in range(args.external):
        seen.clear()
        issued: list[str] = []

        def other(issued: list[str] = issued) -> None:
            time.sleep(random.uniform(0, POLL_MS / 1000))  # not in step with the poll
            hall = Hall.open(folder)
            try:
                issued.append(hall.tickets.take(hall.kiosk(), "newborn").value.issued_at)
            finally:
                hall.close()

        worker = threading.Thread(target=other)
        worker.start()
        spin_until(app, lambda: bool(seen))
        worker.join()
        thread_lat.append(_since(issued[0], seen[0]))
    summary("another thread's commit → changed", thread_lat, POLL_MS, f"the {POLL_MS} ms poll")

    proc_lat: list[float] = []
    for _ in range(args.external):
        seen.clear()
        pause = time.monotonic() + random.uniform(0, POLL_MS / 1000)  # not in step with the poll
        spin_until(app, lambda pause=pause: time.monotonic() >= pause)  # type: ignore[misc]
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "ticket", "take",
                                 "--service", "newborn", "--data-dir", str(folder), "--json"],
                                stdout=subprocess.PIPE, text=True)
        spin_until(app, lambda: bool(seen), timeout=30)
        out, _ = proc.communicate(timeout=30)
        proc_lat.append(_since(json.loads(out)["ticket"]["issued_at"], seen[0]))
    summary("another process's commit → changed", proc_lat, POLL_MS, f"the {POLL_MS} ms poll")
    bridge.stop()


def _since(issued_at: str, seen_at: float) -> float:
    """ms from the ticket's issue stamp (taken just before its commit) to the signal."""
    return (datetime.fromtimestamp(seen_at).astimezone()
            - datetime.fromisoformat(issued_at)).total_seconds() * 1000


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
