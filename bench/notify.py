"""How fast a face hears of a change (issue: notification bounds).

1. local: a command on the face's own hall -> its subscriber (same thread, after the commit);
2. other process: `ticket take` committed by another process -> the face's poll (every 100 ms, as
   ui/ polls) notices it; bound 250 ms;
3. sync: a kiosk pushes a ticket to a real hub on 127.0.0.1; the desk's sync thread (same process
   as the face, its own connection, long-poll) pulls it -> the face's poll notices it.

Prints p50/p99/max in ms, and the ratio of the other-process p99 to the 250 ms bound.
    .venv/bin/python bench/notify.py [--samples 40]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from bench.figures import pct, show  # noqa: E402
from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.terminal_setup import setup_terminal  # noqa: E402

POLL_S = 0.1
OP = Actor.operator("bench")
WRITER = """
import sys, time, random
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from hall.actors import Actor
from hall.app import Hall
hall = Hall.open(Path(sys.argv[2]))
for _ in range(int(sys.argv[3])):
    time.sleep(random.uniform(0.15, 0.35))
    hall.tickets.take(Actor.operator("writer"), "newborn")
    print(time.time(), flush=True)
hall.close()
"""




def local(folder: Path, samples: int) -> list[float]:
    hall = Hall.open(folder)
    heard: list[float] = []
    hall.subscribe(lambda c: heard.append(time.perf_counter()))
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        hall.tickets.take(OP, "newborn")
        out.append((heard[-1] - t0) * 1000)
    hall.close()
    return out


def poll_until(hall: Hall, expected: int, seen: list[float], deadline: float) -> None:
    while len(seen) < expected and time.time() < deadline:
        hall.poll_external()
        time.sleep(POLL_S)


def other_process(folder: Path, samples: int) -> list[float]:
    hall = Hall.open(folder)
    seen: list[float] = []
    hall.subscribe(lambda c: seen.append(time.time()) if c.tickets else None)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(folder),
                               str(samples)], stdout=subprocess.PIPE, text=True)
    poll_until(hall, samples, seen, time.time() + samples * 2 + 30)
    committed = [float(line) for line in writer.communicate(timeout=60)[0].split()]
    hall.close()
    return [(s - c) * 1000 for s, c in zip(seen, committed, strict=False)]


def through_sync(root: Path, samples: int) -> list[float]:
    from sync import runner
    from sync.client import SyncClient
    from sync.credential import SyncCredential
    from sync.server import db
    from sync.server.run import bound_socket, build, server

    app = build(root / "hub", None, "hub")
    sock = bound_socket()
    hub = server(app, "127.0.0.1", sock.getsockname()[1])
    thread = threading.Thread(target=hub.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not hub.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    engine = app.state.sync.engine

    def token(terminal: str) -> str:
        return db.enroll(engine, db.new_enroll_code(engine, "H1", terminal))[1]

    setup_terminal(root / "kiosk", "H1", "K1", hub_url=url)
    setup_terminal(root / "desk", "H1", "D1", hub_url=url)
    kiosk = Hall.open(root / "kiosk")
    client = SyncClient(kiosk, url, token("K1"), lease_series=("A",))
    client.once()
    face = Hall.open(root / "desk")
    seen: list[float] = []
    face.subscribe(lambda c: seen.append(time.time()) if c.tickets else None)
    stop = threading.Event()
    cred = SyncCredential(url, token("D1"), "H1", "D1")
    syncing = threading.Thread(target=runner.run_forever, args=(
        lambda: Hall.open(root / "desk"), cred, stop), kwargs={"wait": 10.0}, daemon=True)
    syncing.start()
    time.sleep(0.5)
    out = []
    try:
        for i in range(samples):
            t0 = time.time()
            kiosk.tickets.take(OP, "newborn")
            client.push()
            poll_until(face, i + 1, seen, time.time() + 10)
            if len(seen) > i:
                out.append((seen[i] - t0) * 1000)
            time.sleep(0.05)
    finally:
        stop.set()
        syncing.join(15)
        client.close()
        kiosk.close()
        face.close()
        hub.should_exit = True
        thread.join(15)
        sock.close()
        engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.samples = 2
    print(f"a face polls every {POLL_S * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        setup_terminal(root / "t", "H1", "K3", standalone=True)
        show("local command", local(root / "t", args.samples))
        other = other_process(root / "t", args.samples)
        show("other process (poll)", other)
        print(f"{'':<28} p99 / 250 ms bound = {pct(other, 0.99) / 250:.2f}")
        show("sync pull (long-poll + poll)", through_sync(root, args.samples))


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
