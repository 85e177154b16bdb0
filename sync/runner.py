"""Sync as a service: a pusher and a long-polling puller, each with its own store connection,
backing off with full jitter while offline and waking on the first success; and the status."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from hall.app import Hall
from hall.changes import Changes
from hall.core import Core
from hall.errors import HallError
from hall.sync_status import LAST_ERROR, LAST_SUCCESS, ONLINE
from hall.sync_status import read as read_status
from sync import local, travel
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.credential import SyncCredential
from sync.errors import AuthError, NetworkError

Opener = Callable[[], Hall]
STATUS = Changes(sync=True)


def record(hall: Core, error: str | None) -> None:
    with hall.write(source="sync", extra=STATUS) as conn:
        if error is None:
            local.put(conn, LAST_SUCCESS, str(local.now_ms()))
            local.put(conn, ONLINE, "1")
        else:
            local.put(conn, LAST_ERROR, json.dumps({"at_ms": local.now_ms(), "message": error},
                                                   ensure_ascii=False))
            local.put(conn, ONLINE, "0")


def status(hall: Core) -> dict[str, Any]:
    """`sync status --json`: the hall's typed status (hall/sync_status.py) as JSON, peers and
    whether the hub answered last included."""
    return read_status(hall).to_json()


def _record_quietly(hall: Core, error: str | None) -> None:
    """The status, unless writing it fails too (a full disk: the soak of issue 29 found the
    loop's thread ended there for good, so the terminal never synced again until restarted).
    The loop goes on and backs off; the next round records once the store takes writes."""
    try:
        record(hall, error)
    except HallError:
        pass


def once(hall: Hall, cred: SyncCredential, wait: float = 0.0,
         **options: Any) -> dict[str, int]:
    with SyncClient(hall, cred.server, cred.token, ca=cred.ca, insecure=cred.insecure,
                    **{**cred.client_options(), **options}) as client:
        try:
            result = client.once(wait)
            # a station on the platform: what other halls routed here (issue 24), then its
            # own records of it pushed at once
            travel.refresh_directory_if_due(hall.core, client._http)
            if travel.straight_with_platform(hall.data_dir) and travel.take_inbox(
                    hall.core, client._http):
                result = {**result, **{k: v for k, v in client.once(0.0).items()
                                       if k != "pulled"}}
        except HallError as exc:
            record(hall.core, exc.message)
            raise
    record(hall.core, None)
    return result


def _pause(stop: threading.Event, wake: threading.Event, seconds: float) -> None:
    """Wait `seconds`, or until stopped, or woken (the peer service saw the hub come back)."""
    if seconds <= 0:
        return
    deadline = time.monotonic() + seconds
    while not stop.is_set() and not wake.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        stop.wait(min(left, 0.2))
    wake.clear()


def _loop(name: str, opener: Opener, cred: SyncCredential, stop: threading.Event,
          step: Callable[[SyncClient], float], totals: dict[str, int], cap: float,
          options: dict[str, Any], wake: threading.Event | None = None) -> None:
    wake = wake or threading.Event()
    hall = opener()
    client = SyncClient(hall, cred.server, cred.token, ca=cred.ca, insecure=cred.insecure,
                        **{**cred.client_options(), **options})
    backoff = Backoff(cap=cap)
    try:
        while not stop.is_set():
            try:
                pause = step(client)
            except AuthError as exc:
                _record_quietly(hall.core, exc.message)
                pause = cap  # an operator must re-enroll; keep quiet meanwhile
            except NetworkError as exc:
                _record_quietly(hall.core, exc.message)
                pause = backoff.next_delay(exc.retry_after)
            except HallError as exc:
                _record_quietly(hall.core, exc.message)
                pause = backoff.next_delay()
            else:
                if backoff.failures:
                    backoff.reset()
                    _record_quietly(hall.core, None)
                totals[f"{name}_rounds"] = totals.get(f"{name}_rounds", 0) + 1
            if wake.is_set():
                wake.clear()
                backoff.reset()  # the hub is back: from the first step again
                continue
            _pause(stop, wake, pause)
    finally:
        client.close()
        hall.close()


def run_forever(opener: Opener, cred: SyncCredential, stop: threading.Event, *,
                wait: float = 10.0, idle: float = 0.1, cap: float = 60.0, peers: bool = True,
                kind: str = "terminal", **options: Any) -> dict[str, int]:
    """Until `stop` is set: push whenever the outbox holds events, top leases up, long-poll;
    and (`peers`) the peer service that keeps the hall's queue when the hub is gone
    (sync/peering.py)."""
    totals: dict[str, int] = {"pushed": 0, "pulled": 0, "rejected": 0}
    first = {"done": False}

    def push_step(client: SyncClient) -> float:
        conn = client.core.store.conn
        if local.pending(conn, client.core.config.terminal_id) or not first["done"]:
            pushed, rejected = client.push()
            totals["pushed"] += pushed
            totals["rejected"] += rejected
            first["done"] = True
            record(client.core, None)
        if client.top_up_leases() + client.top_up_booking_shares():
            client.push()
        return idle

    def pull_step(client: SyncClient) -> float:
        totals["pulled"] += client.pull(wait)
        # issue 24: the pinned directory kept fresh; a station on the platform takes in what
        # other halls routed to it (its push thread sends its records of it)
        travel.refresh_directory_if_due(client.core, client._http)
        if travel.straight_with_platform(client.core.data_dir):
            travel.take_inbox(client.core, client._http)
        record(client.core, None)
        return client.poll_pause  # 0: the long-poll was held; else the server's cap said wait

    wakes = {"push": threading.Event(), "pull": threading.Event()}
    threads = [threading.Thread(target=_loop, name=f"sync-{name}", daemon=True,
                                args=(name, opener, cred, stop, fn, totals, cap, options,
                                      wakes[name]))
               for name, fn in (("push", push_step), ("pull", pull_step))]
    if peers:
        from sync.peering import PeerService

        def wake_all() -> None:
            for event in wakes.values():
                event.set()

        service = PeerService(opener, cred, stop, wake_all, kind=kind)
        threads.append(threading.Thread(target=service.run, name="sync-peers", daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return totals
