"""What bench/booking.py and bench/hall_wide.py share: a real hub on 127.0.0.1 with two member
desks — D2 that makes changes and pushes them (its SyncClient), D1 whose sync thread long-polls
the hub and whose own connection the bench reads, as its face would — and the figures' helpers
(one printed line with a ratio to the baseline, waiting for a change with a bound).

    with hub_pair(root, attach_sender=True) as pair:
        pair.sender.tickets.take(...); pair.client.push()
        until(lambda: pair.conn.execute(...).fetchone()[0] >= 1)
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.figures import pct
from hall.app import Hall
from hall.terminal_setup import setup_terminal


def show(name: str, ms: list[float], base: float | None = None) -> None:
    """bench/figures.py's line, with the ratio of its p50 to a baseline's."""
    ratio = f"   ×{statistics.median(ms) / base:5.2f} of the baseline's p50" if base else ""
    print(f"{name:<22} n={len(ms):<3} p50 {statistics.median(ms):7.1f} ms   "
          f"p99 {pct(ms, 0.99):7.1f} ms   max {max(ms):7.1f} ms{ratio}", flush=True)


def until(check: Callable[[], bool], bound: float = 20.0) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > bound:
            raise SystemExit("a change never arrived")
        time.sleep(0.005)
    return (time.monotonic() - started) * 1000


@dataclass
class HubPair:
    url: str
    engine: Any  # the hub's SQLAlchemy engine
    token: Callable[[str], str]  # a new credential of hall H1 for a terminal (or an API user)
    sender: Hall  # D2: makes the changes
    client: Any  # D2's SyncClient (sync.client): push after each change
    receiver: Hall  # D1 as its face reads it

    @property
    def conn(self) -> Any:
        return self.receiver.core.conn


@contextmanager
def hub_pair(root: Path, *, attach_sender: bool = False,
             before_terminals: Callable[[Any], None] | None = None,
             before_receiver: Callable[[HubPair], None] | None = None,
             upstream: str | None = None) -> Iterator[HubPair]:
    """The hub and both desks, stopped and closed on the way out. `attach_sender`: D2 routes
    calls and bookings through the hub (sync.hubcall). `before_terminals(engine)` runs before
    the desks are set up (hub accounts); `before_receiver(pair)` before D1 starts syncing.
    `upstream`: the central platform's URL (the hub's credential in root/hub/upstream.json)."""
    from sync import runner
    from sync.client import SyncClient
    from sync.credential import SyncCredential, save
    from sync.hubcall import attach
    from sync.server import db
    from sync.server.run import bound_socket, build, server

    app = build(root / "hub", None, "hub", upstream)
    sock = bound_socket()
    hub = server(app, "127.0.0.1", sock.getsockname()[1])
    thread = threading.Thread(target=hub.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not hub.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    engine = app.state.sync.engine

    def token(terminal: str) -> str:
        return str(db.enroll(engine, db.new_enroll_code(engine, "H1", terminal))[1])

    stop = threading.Event()
    syncing: threading.Thread | None = None
    opened: list[Any] = []
    try:
        if before_terminals is not None:
            before_terminals(engine)
        for t in ("D1", "D2"):
            setup_terminal(root / t, "H1", t, hub_url=url)
        d2_token = token("D2")
        if attach_sender:  # HubBooking reads the credential from D2's folder
            save(root / "D2", SyncCredential(url, d2_token, "H1", "D2"))
        sender = Hall.open(root / "D2")
        opened.append(sender)
        if attach_sender:
            attach(sender)
        client = SyncClient(sender, url, d2_token, lease_series=("A",))
        opened.insert(0, client)
        client.once()
        receiver = Hall.open(root / "D1")
        opened.append(receiver)
        pair = HubPair(url, engine, token, sender, client, receiver)
        if before_receiver is not None:
            before_receiver(pair)
        cred = SyncCredential(url, token("D1"), "H1", "D1")
        syncing = threading.Thread(target=runner.run_forever, args=(
            lambda: Hall.open(root / "D1"), cred, stop), kwargs={"wait": 10.0}, daemon=True)
        syncing.start()
        yield pair
    finally:
        stop.set()
        if syncing is not None:
            syncing.join(15)
        for thing in opened:
            thing.close()
        hub.should_exit = True
        thread.join(15)
        sock.close()
        engine.dispose()
