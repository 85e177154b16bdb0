"""Issue and call latency with a large history, against a bare SQLCipher insert+commit measured
in the same run, interleaved with them; WAL pages written per ticket; the CLI's start.

    .venv/bin/python bench/queue.py [--history 500000] [--tickets 10000] [--queue 200]

The baseline is one row inserted and committed in a SQLCipher file opened by the store's own
factory (hall.store.engine.connect: the page format, WAL, synchronous=FULL, the cache): what
any durable encrypted write costs on this machine. It runs in the same loop as the tickets (one
bare commit, one issue, one call, one done per turn), so a noisy disk or a busy neighbour hits
both alike. Targets (issue #14): issue and call p99 ≤ 5 ms; call p50 ≤ 3× the bare p50; `ticket
take` start-to-exit ≤ +300 ms over `python -c pass`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: this file's name shadows the standard library's queue

from bench.machine import describe  # noqa: E402
from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.catalog import load_catalog  # noqa: E402
from hall.config import TerminalConfig  # noqa: E402
from hall.core import Core  # noqa: E402
from hall.ids import new_id  # noqa: E402
from hall.store import Store  # noqa: E402
from hall.store.engine import connect  # noqa: E402

OP = Actor.operator("bench")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def fill_history(store: Store, count: int) -> None:
    """Past days of tickets, written straight into the log and the projection in bulk."""
    per_day = 5000
    start = date(2026, 1, 1)
    events, tickets = [], []
    for i in range(count):
        day = (start + timedelta(days=i // per_day)).isoformat()
        n = i % per_day + 1
        tid, label = new_id(), f"A{n:03d}"
        issued_ms = 1_767_225_600_000 + i * 1000
        payload = {"ticket_id": tid, "service_id": "newborn", "series": "A", "number": n,
                   "label": label, "day": day, "priority": "regular",
                   "issued_at": f"{day}T09:00:00.000+08:00"}
        events.append((new_id(), "H1", "K3", i + 1, issued_ms << 16, "TicketIssued", 1,
                       json.dumps(payload)))
        tickets.append((tid, "H1", day, "A", n, label, "newborn", "regular", 0, "done", "K3",
                        issued_ms, issued_ms + 60_000, issued_ms + 60_000, issued_ms + 600_000))
    with store.write() as conn:
        conn.executemany("INSERT INTO events (event_id, hall_id, terminal_id, terminal_seq, hlc, "
                         "type, schema_version, payload) VALUES (?,?,?,?,?,?,?,?)", events)
        conn.executemany("INSERT INTO tickets (ticket_id, hall_id, day, series, number, label, "
                         "service_id, priority, urgent, status, issuing_terminal, issued_ms, "
                         "called_ms, first_called_ms, done_ms) VALUES "
                         "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", tickets)


class Bare:
    """One row, insert+commit, in a SQLCipher file of the store's own factory and settings."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "hall.db"
        self.conn = connect(self.path)
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        self.n = 0

    def __call__(self) -> None:
        self.n += 1
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {self.n}",))
        self.conn.execute("COMMIT")


def wal_frames(db: Path) -> int:
    """Frames in the WAL now: mxFrame of the WAL-index header (the -shm file, never
    encrypted; native byte order, offset 16)."""
    with open(f"{db}-shm", "rb") as fh:
        fh.seek(16)
        return int(struct.unpack("=I", fh.read(4))[0])


def pages_per(action: Callable[[], object], db: Path, runs: int,
              then: Callable[[object], object] = lambda _: None) -> float:
    """Median WAL frames one `action` appends (`then` runs after it, not counted)."""
    counts = []
    for _ in range(runs):
        before = wal_frames(db)
        done = action()
        after = wal_frames(db)
        if after >= before:  # a checkpoint restarted the WAL meanwhile: not counted
            counts.append(after - before)
        then(done)
    return statistics.median(counts)


def start_time(folder: Path, runs: int) -> tuple[float, float]:
    """`ticket take` of a member terminal (what `setup` makes by default) against `python -c
    pass`, alternated so both see the same machine."""
    subprocess.run([sys.executable, "main.py", "setup", "--hall", "H1", "--terminal", "K9",
                    "--data-dir", str(folder / "cli")], check=True, capture_output=True, cwd=ROOT)
    take = [sys.executable, "main.py", "ticket", "take", "--service", "newborn", "--data-dir",
            str(folder / "cli"), "--json"]
    subprocess.run(take, check=True, capture_output=True, cwd=ROOT)  # first run: config checked
    bases, takes = [], []
    for _ in range(runs):
        for args, out in (([sys.executable, "-c", "pass"], bases), (take, takes)):
            t0 = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
            out.append(time.perf_counter() - t0)
    return statistics.median(bases), statistics.median(takes)


def line(name: str, xs: list[float], base: list[float]) -> str:
    p50, p99 = pct(xs, 0.5), pct(xs, 0.99)
    return (f"{name:<29} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  ratio to bare: "
            f"p50 {p50 / pct(base, 0.5):4.2f}x  p99 {p99 / pct(base, 0.99):4.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=500_000)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--queue", type=int, default=200, help="tickets waiting at any time")
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.history, args.tickets, args.queue, args.cli_runs = 200, 60, 10, 1
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(folder / "hall")
        t0 = time.perf_counter()
        fill_history(store, args.history)
        print(f"history: {args.history} tickets written in {time.perf_counter() - t0:.1f} s")
        hall = Hall(Core(store, TerminalConfig("H1", "K3", numbering="standalone"),
                         load_catalog(), index_key=b"k" * 32))
        bare = Bare(folder / "bare")
        tickets = hall.tickets
        for _ in range(args.queue):
            tickets.take(OP, "newborn")
        # WAL pages (frames) one commit writes: a bare insert, an issue, a call.
        taken = pages_per(lambda: tickets.take(OP, "newborn"), store.path, 50)
        calls = pages_per(lambda: tickets.call_next(OP, "1").value.id, store.path, 50,
                          then=lambda ticket_id: tickets.done(OP, str(ticket_id)))
        barep = pages_per(bare, bare.path, 50)
        base: list[float] = []
        issue: list[float] = []
        call: list[float] = []
        # A hall's working day: a standing queue (default 200 waiting), each new ticket followed
        # by a call, until --tickets have been issued and called; one bare commit per turn.
        for _ in range(args.tickets - args.queue):
            t0 = time.perf_counter()
            bare()
            t1 = time.perf_counter()
            tickets.take(OP, "newborn")
            t2 = time.perf_counter()
            t = tickets.call_next(OP, "1").value
            t3 = time.perf_counter()
            tickets.done(OP, t.id)
            base.append(t1 - t0)
            issue.append(t2 - t1)
            call.append(t3 - t2)
        store.close()
        bare.conn.close()
        print(f"bare SQLCipher insert+commit  p50 {pct(base, 0.5):6.2f} ms  "
              f"p99 {pct(base, 0.99):6.2f} ms  (n={len(base)}, interleaved with the tickets)")
        print(line("issue (取号)", issue, base))
        print(line("call  (叫号)", call, base))
        print(f"WAL pages per commit: bare insert {barep:.0f}, issue {taken:.0f}, "
              f"call {calls:.0f}")
        print(f"targets: issue and call p99 <= 5 ms; call p50 <= 3x the bare p50 "
              f"(now {pct(call, 0.5) / pct(base, 0.5):.2f}x)")
        b, take = start_time(folder, args.cli_runs)
        print(f"start-to-exit: python -c pass {b * 1000:.0f} ms, ticket take {take * 1000:.0f} ms "
              f"(member terminal), +{(take - b) * 1000:.0f} ms = {take / b:.1f}x "
              f"(target <= +300 ms)")


if __name__ == "__main__":
    main()
