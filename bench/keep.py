"""Keeping a hall running: the recovery of a restored terminal and the close of a day.

    .venv/bin/python bench/keep.py [--events 20000] [--tickets 3000]

1. A terminal restored from a backup taken before its last N events takes them back from its
   hub (`SyncClient.recover`: GET /v1/sync/own, stored and projected with their sequence
   numbers, plus what it wrote meanwhile set after them), against another terminal pulling the
   same N events (`pull`), the baseline, in the same run; and the check every sync client makes
   before its first push when there is nothing to take back, against a pull with nothing new.
2. `close-day` of a day with T tickets (half still open: T/2 no-show events and the DayClosed),
   against taking the hall's figures of that day (`stats`), and against a second close (nothing
   to do).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules shadow others

from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.catalog import load_catalog  # noqa: E402
from hall.config import TerminalConfig  # noqa: E402
from hall.core import Core  # noqa: E402
from hall.store import Store  # noqa: E402
from hall.store.engine import copy_database  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from sync.server import db  # noqa: E402
from tests.sync.conftest import RunningServer  # noqa: E402
from tests.sync.fill import fill  # noqa: E402

OP = Actor.operator("bench")


def terminal(folder: Path, name: str, **options: object) -> Hall:
    cfg = TerminalConfig(hall_id="H1", terminal_id=name, numbering="standalone",
                         short_code=name)
    return Hall(Core(Store.open(folder), cfg, load_catalog(), **options))  # type: ignore[arg-type]


def timed(step: object) -> float:
    t0 = time.perf_counter()
    step()  # type: ignore[operator]
    return time.perf_counter() - t0


def recovery(root: Path, n: int) -> None:
    srv = RunningServer(root / "hub", db.database_url(root / "hub", None))
    try:
        token = srv.token("H1", "K3")
        old = terminal(root / "old", "K3")
        fill(old, 10)
        with SyncClient(old, srv.url, token) as client:
            client.push()
        backup = root / "backup"
        (backup / "keys").mkdir(parents=True)
        shutil.copy(root / "old" / "keys" / "store.key", backup / "keys" / "store.key")
        copy_database(old.core.store.conn, backup / "hall.db")  # the backup, before N more
        fill(old, n)
        with SyncClient(old, srv.url, token) as client:
            client.push()
        old.close()
        restored = terminal(backup, "K3")
        fill(restored, 5)  # written before the first sync, set after the hub's mark
        with SyncClient(restored, srv.url, token) as client:
            took = {"n": 0}
            back_s = timed(lambda: took.update(n=client.recover()))
            again_s = timed(client.recover)
        other = terminal(root / "other", "K4")
        with SyncClient(other, srv.url, srv.token("H1", "K4")) as client:
            pulled = {"n": 0}
            pull_s = timed(lambda: pulled.update(n=client.pull()))
            empty_s = min(timed(client.pull) for _ in range(5))
        print(f"take back {took['n']} own events: {back_s:.2f} s "
              f"({took['n'] / back_s:,.0f} events/s); pull of {pulled['n']} events: "
              f"{pull_s:.2f} s; ratio {back_s / pull_s:.2f}x")
        print(f"the check before a first push, nothing to take back: {again_s * 1000:.1f} ms; "
              f"a pull with nothing new: {empty_s * 1000:.1f} ms; ratio "
              f"{again_s / empty_s:.2f}x")
        restored.close()
        other.close()
    finally:
        srv.stop()


def close_day(root: Path, count: int) -> None:
    behind = {"days": 1}

    def clock() -> datetime:
        return datetime.now(UTC) - timedelta(days=behind["days"])

    hall = terminal(root / "close", "K1", wall=clock)
    ids = [hall.tickets.take(OP, "newborn").value.id for _ in range(count)]
    for ticket in ids[: count // 2]:
        hall.tickets.cancel(OP, ticket)
    day = hall.today()
    behind["days"] = 0
    stats_s = min(timed(lambda: hall.stats.day(OP, day)) for _ in range(3))
    close_s = timed(lambda: hall.closing.close_day(OP, day))
    again_s = timed(lambda: hall.closing.close_day(OP, day))
    print(f"close-day of {count} tickets ({count - count // 2} no-shows): "
          f"{close_s * 1000:.0f} ms; the day's figures (stats): {stats_s * 1000:.1f} ms; "
          f"ratio {close_s / stats_s:.1f}x; closing again: {again_s * 1000:.1f} ms")
    hall.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.events, args.tickets = 200, 30
    with tempfile.TemporaryDirectory() as tmp:
        recovery(Path(tmp), args.events)
        close_day(Path(tmp), args.tickets)


if __name__ == "__main__":
    main()
