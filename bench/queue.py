"""Issue and call latency with a large history, next to a bare SQLite insert+commit.

    .venv/bin/python bench/queue.py [--history 500000] [--tickets 10000]

Targets (issue #3): p99 ≤ 5 ms and ≤ 3× the bare insert+commit; `ticket take` start-to-exit
≤ 0.3 s more than `python -c pass`.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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


def bare_inserts(folder: Path, count: int, *, encrypted: bool) -> list[float]:
    """One row, insert+commit, with the store's own settings (WAL, synchronous=FULL)."""
    folder.mkdir(parents=True, exist_ok=True)
    conn: sqlite3.Connection = connect(folder / "bare.db", encrypted=encrypted)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    out = []
    for i in range(count):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
        conn.execute("COMMIT")
        out.append(time.perf_counter() - t0)
    conn.close()
    return out


def start_time(folder: Path, runs: int) -> tuple[float, float]:
    def timed(args: list[str]) -> float:
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples)

    subprocess.run([sys.executable, "main.py", "setup", "--hall", "H1", "--terminal", "K9",
                    "--data-dir", str(folder / "cli")], check=True, capture_output=True, cwd=ROOT)
    base = timed([sys.executable, "-c", "pass"])
    take = timed([sys.executable, "main.py", "ticket", "take", "--service", "newborn",
                  "--data-dir", str(folder / "cli"), "--json"])
    return base, take


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=500_000)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--queue", type=int, default=200, help="tickets waiting at any time")
    parser.add_argument("--cli-runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(folder / "hall")
        t0 = time.perf_counter()
        fill_history(store, args.history)
        print(f"history: {args.history} tickets written in {time.perf_counter() - t0:.1f} s")
        hall = Hall(Core(store, TerminalConfig("H1", "K3", numbering="standalone"),
                         load_catalog(), index_key=b"k" * 32))
        bare = bare_inserts(folder / "plain", min(args.tickets, 5000), encrypted=False)
        bare_cipher = bare_inserts(folder / "cipher", min(args.tickets, 5000), encrypted=True)
        issue, call = [], []
        # A hall's working day: a standing queue (default 200 waiting), each new ticket
        # followed by a call, until 10,000 have been issued and called.
        for _ in range(args.queue):
            hall.tickets.take(OP, "newborn")
        for _ in range(args.tickets - args.queue):
            t0 = time.perf_counter()
            hall.tickets.take(OP, "newborn")
            issue.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            t = hall.tickets.call_next(OP, "1").value
            call.append(time.perf_counter() - t0)
            hall.tickets.done(OP, t.id)
        for _ in range(args.queue):
            t0 = time.perf_counter()
            t = hall.tickets.call_next(OP, "1").value
            call.append(time.perf_counter() - t0)
            hall.tickets.done(OP, t.id)
        store.close()
        b50, b99 = pct(bare, 0.5), pct(bare, 0.99)
        print(f"bare SQLite insert+commit     p50 {b50:6.2f} ms  p99 {b99:6.2f} ms")
        print(f"bare SQLCipher insert+commit  p50 {pct(bare_cipher, 0.5):6.2f} ms  "
              f"p99 {pct(bare_cipher, 0.99):6.2f} ms")
        for name, xs in (("issue (取号)", issue), ("call  (叫号)", call)):
            p50, p99 = pct(xs, 0.5), pct(xs, 0.99)
            print(f"{name:<29} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
                  f"ratio p50 {p50 / b50:4.2f}x  p99 {p99 / b99:4.2f}x   (target p99 ≤ 5 ms, ≤ 3x)")
        base, take = start_time(folder, args.cli_runs)
        print(f"start-to-exit: python -c pass {base * 1000:.0f} ms, ticket take "
              f"{take * 1000:.0f} ms, +{(take - base) * 1000:.0f} ms (target ≤ +300 ms)")


if __name__ == "__main__":
    main()
