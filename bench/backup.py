"""How to copy a live SQLCipher store for a backup: SQLite's backup API (hall.store.engine.
copy_database) against `sqlcipher_export` into an attached database keyed the same, and the whole
`admin backup` / `admin restore` path. Prints figures; BACKUP_TICKETS sets the store's size.

    .venv/bin/python bench/backup.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import describe
from hall import backup
from hall.actors import Actor
from hall.app import Hall
from hall.security import keys
from hall.store.engine import attach_encrypted, copy_database, open_with_key
from hall.terminal_setup import setup_terminal

TICKETS = int(os.environ.get("BACKUP_TICKETS", "20000"))

OP = Actor.operator("bench")


def export_copy(path: Path, target: Path) -> None:
    key = keys.load(path.parent, keys.STORE)
    assert key is not None
    conn = open_with_key(path, key)
    try:
        conn.execute("BEGIN")  # one read transaction: a consistent logical copy
        attach_encrypted(conn, target, key, "bk")  # keyed and in the store's page format
        conn.execute("SELECT sqlcipher_export('bk')")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE bk")
    finally:
        conn.close()


def with_writer(folder: Path, work: object) -> tuple[float, float, int]:
    """Run `work` while another connection takes tickets; returns (seconds, worst commit ms,
    tickets taken meanwhile)."""
    hall = Hall.open(folder)
    stop = threading.Event()
    worst = [0.0, 0]

    def write() -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            hall.tickets.take(OP, "newborn")
            worst[0] = max(worst[0], (time.perf_counter() - t0) * 1000)
            worst[1] += 1

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.2)
    t0 = time.perf_counter()
    work()  # type: ignore[operator]
    took = time.perf_counter() - t0
    stop.set()
    thread.join()
    hall.core.store.close()
    return took, worst[0], int(worst[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    tickets = 20 if args.smoke else args.tickets
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "t"
        # a terminal set up as `setup` does (a store is opened only where one was made: issue 16)
        setup_terminal(folder, "H1", "K3", standalone=True)
        hall = Hall.open(folder)
        for _ in range(tickets):
            hall.tickets.take(OP, "newborn")
        hall.core.store.close()
        size = (folder / "hall.db").stat().st_size
        print(f"store: {tickets} tickets, {size / 1e6:.1f} MB (+ WAL)")
        took_by: dict[str, float] = {}
        for name, fn in (("backup API (chosen)", lambda t: copy_database(
                             open_with_key(folder / "hall.db", keys.load(folder, "store") or b""), t)),
                         ("sqlcipher_export", lambda t: export_copy(folder / "hall.db", t))):
            target = Path(tmp) / f"copy-{name[:6].strip()}.db"
            took, worst, meanwhile = with_writer(folder, lambda fn=fn, target=target: fn(target))
            took_by[name] = took
            print(f"{name:22s} {took:6.2f} s, {target.stat().st_size / 1e6:6.1f} MB; a writer "
                  f"meanwhile: {meanwhile} tickets, worst commit {worst:.1f} ms")
        chosen, export = took_by.values()
        print(f"backup API / sqlcipher_export: {chosen / export:.2f}x the time")
        out = Path(tmp) / "k3.tdbak"
        took, worst, meanwhile = with_writer(
            folder, lambda: backup.backup(folder, out, "correct horse battery staple"))
        print(f"admin backup            {took:6.2f} s, {out.stat().st_size / 1e6:6.1f} MB file "
              f"({size / 1e6 / took:.0f} MB/s incl. scrypt); writer: worst commit {worst:.1f} ms")
        t0 = time.perf_counter()
        backup.restore(out, Path(tmp) / "new", "correct horse battery staple")
        took = time.perf_counter() - t0
        print(f"admin restore           {took:6.2f} s")


if __name__ == "__main__":
    main()
