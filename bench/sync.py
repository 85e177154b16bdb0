"""Sync benchmark: drain N queued events over loopback (vs plain httpx POSTs of the same gzip
payloads), the same over a 1 Mbit/s link, and kiosk-to-desk latency over long-poll.

    .venv/bin/python bench/sync.py [--events 50000] [--slow-events 5000] [--samples 100]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

import httpx  # noqa: E402

from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.catalog import load_catalog  # noqa: E402
from hall.config import TerminalConfig  # noqa: E402
from hall.core import Core  # noqa: E402
from hall.store import Store  # noqa: E402
from sync.client import SyncClient, _outbox  # noqa: E402
from sync.server import db  # noqa: E402
from tests.sync.conftest import RunningServer  # noqa: E402
from tests.sync.faultproxy import FaultProxy  # noqa: E402
from tests.sync.fill import fill  # noqa: E402

OP = Actor.operator("bench")


def terminal(root: Path, name: str, numbering: str = "standalone") -> Hall:
    cfg = TerminalConfig(hall_id="H1", terminal_id=name, numbering=numbering,  # type: ignore[arg-type]
                         short_code=name)
    return Hall(Core(Store.open(root / name), cfg, load_catalog()))


# A benchmark measures throughput: the per-terminal rate limits a deployed hub keeps against a
# misbehaving terminal (sync/server/limits.py) would measure the limit instead (429s).
UNLIMITED = {"rate": 1e9, "burst": 10**9, "event_rate": 1e12, "event_burst": 10**12}


def server(root: Path, name: str) -> RunningServer:
    """A hub as deployed (its SQLCipher database in its data dir), without the rate limits."""
    return RunningServer(root / name, db.database_url(root / name, None), **UNLIMITED)


def drain(root: Path, n: int) -> None:
    srv = server(root, "srv-drain")
    plain_srv = server(root, "srv-plain")
    hall = terminal(root, "K1")
    fill(hall, n)
    bodies = []
    after = 0
    while True:
        batch = _outbox(hall.core.store.conn, "K1", after, 500)
        if not batch:
            break
        bodies.append(gzip.compress(json.dumps({"events": batch}, ensure_ascii=False,
                                               separators=(",", ":")).encode(), compresslevel=5))
        after = batch[-1]["terminal_seq"]
    wire = sum(len(b) for b in bodies)
    client = SyncClient(hall, srv.url, srv.token("H1", "K1"))
    t0 = time.perf_counter()
    pushed, _ = client.push()
    sync_s = time.perf_counter() - t0
    client.close()
    token = plain_srv.token("H1", "K1")
    with httpx.Client(base_url=plain_srv.url, headers={
            "Authorization": f"Bearer {token}", "Content-Encoding": "gzip",
            "Content-Type": "application/json"}) as http:
        t0 = time.perf_counter()
        for body in bodies:
            http.post("/v1/sync/push", content=body).raise_for_status()
        plain_s = time.perf_counter() - t0
    print(f"drain {pushed} events over loopback: {sync_s:.2f} s, {pushed / sync_s:,.0f} events/s,"
          f" {wire / 1e6:.2f} MB gzip on the wire ({len(bodies)} requests)")
    print(f"plain httpx POST of the same payloads: {plain_s:.2f} s; ratio {sync_s / plain_s:.2f}x")
    hall.core.store.close()
    srv.stop()
    plain_srv.stop()


def slow_link(root: Path, n: int) -> None:
    srv = server(root, "srv-slow")
    hall = terminal(root, "K2")
    fill(hall, n)
    with FaultProxy(srv.port, rate_bytes_s=125_000) as proxy:
        client = SyncClient(hall, proxy.url, srv.token("H1", "K2"), timeout=60.0)
        t0 = time.perf_counter()
        pushed, _ = client.push()
        took = time.perf_counter() - t0
        client.close()
        print(f"1 Mbit/s link: {pushed} events in {took:.2f} s ({pushed / took:,.0f} events/s, "
              f"{proxy.bytes_up / 1e3:.0f} kB up)")
    hall.core.store.close()
    srv.stop()


def latency(root: Path, samples: int) -> None:
    srv = server(root, "srv-lat")
    kiosk_hall, desk_hall = terminal(root, "K3"), terminal(root, "D3")
    kiosk = SyncClient(kiosk_hall, srv.url, srv.token("H1", "K3"))
    desk = SyncClient(desk_hall, srv.url, srv.token("H1", "D3"))
    stop = threading.Event()
    seen = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            if desk.pull(wait=2.0):
                seen.set()

    puller = threading.Thread(target=poll)
    puller.start()
    times = []
    for _ in range(samples):
        seen.clear()
        t0 = time.perf_counter()
        kiosk_hall.tickets.take(OP, "newborn")
        kiosk.push()
        if seen.wait(5):
            times.append(time.perf_counter() - t0)
    stop.set()
    puller.join(10)
    kiosk.close()
    desk.close()
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"kiosk ticket -> desk over long-poll: {len(times)}/{samples} seen, p50 "
          f"{statistics.median(times) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    kiosk_hall.core.store.close()
    desk_hall.core.store.close()
    srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--slow-events", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.events, args.slow_events, args.samples = 200, 100, 3
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        drain(root, args.events)
        slow_link(root, args.slow_events)
        latency(root, args.samples)


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
