"""Server under load: one hall's long-polls against another hall's push + pull.

    .venv/bin/python bench/server.py [--polls 500] [--rounds 200] [--backend sqlite|postgresql]
                                     [--root DIR]

The server runs in a process of its own, as deployed (`serve --role central`, uvicorn binding
its port), from this checkout or from `--root DIR` (another checkout: the same run against the
code before a change). Hall H1's terminals hold `--polls` long-polls (`--per-terminal`, by
default 4, the server's cap per credential) from a second process; this process measures hall H2 pushing one
event and pulling it, `--rounds` times, in three phases:

    baseline  no long-polls
    polls     H1's long-polls held
    storm     H1's long-polls held, and H1 pushing every 0.5 s (each push answers every H1
              poll, and each polls again at once)

H2 pauses `--pause` seconds between rounds (a terminal's cadence, and time for the storm).
BENCH_SERVER_LOG=FILE keeps the server's stderr.

It prints p50 / p95 / p99 / max of H2's push + pull per phase and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

import httpx  # noqa: E402

from sync.server import db  # noqa: E402

PER_TERMINAL = 4
SERVE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from sync.server.run import serve
serve(Path(sys.argv[2]), sys.argv[3] or None, "central", "127.0.0.1", int(sys.argv[4]))
"""


def _event(hall: str, terminal: str, seq: int) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": terminal,
            "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16,
            "type": "WindowConfigured", "schema_version": 1,
            "payload": {"window": "1", "services": None}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _poll_process(port: int, tokens: list[str], per: int, started: Any, stop: Any,
                  out: Any) -> None:
    """Holds `per` long-polls per token, polling again whenever one answers. Plain
    HTTP/1.1 over asyncio streams, one keep-alive connection per poll: light enough that the
    pollers, not their client, set the pace of a storm."""
    statuses: dict[int, int] = {}

    async def poll(token: str) -> None:
        cursor = ""
        counted = False
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                statuses[0] = statuses.get(0, 0) + 1
                await asyncio.sleep(0.5)
                continue
            try:
                while not stop.is_set():
                    writer.write(f"GET /v1/sync/pull?cursor={cursor}&wait=60 HTTP/1.1\r\n"
                                 f"Host: bench\r\nAuthorization: Bearer {token}\r\n\r\n"
                                 .encode())
                    await writer.drain()
                    if not counted:
                        with started.get_lock():
                            started.value += 1
                        counted = True
                    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                    status = int(head.split(" ", 2)[1])
                    length = next(int(line.split(":", 1)[1]) for line in head.split("\r\n")
                                  if line.lower().startswith("content-length:"))
                    body = await reader.readexactly(length)
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        cursor = json.loads(body)["cursor"]
                    else:
                        await asyncio.sleep(1.0)
            except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration):
                statuses[0] = statuses.get(0, 0) + 1
            finally:
                writer.close()

    async def main() -> None:
        tasks = [asyncio.create_task(poll(t)) for t in tokens for _ in range(per)]
        while not stop.is_set():
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())
    out.put(statuses)


def _round_trips(url: str, pusher: str, puller: str, terminal: str, rounds: int,
                 pause: float = 0.0) -> list[float]:
    took: list[float] = []
    cursor = ""
    with httpx.Client(base_url=url, timeout=60) as http:
        for seq in range(1, rounds + 1):
            time.sleep(pause)
            start = time.perf_counter()
            pushed = http.post("/v1/sync/push", content=json.dumps(
                {"events": [_event("H2", terminal, seq)]}), headers={
                "authorization": f"Bearer {pusher}", "content-type": "application/json"})
            pulled = http.get("/v1/sync/pull", params={"cursor": cursor},
                              headers={"authorization": f"Bearer {puller}"})
            took.append(time.perf_counter() - start)
            if pushed.status_code != 200 or pulled.status_code != 200:
                raise SystemExit(f"H2 refused: {pushed.status_code} {pulled.status_code}")
            cursor = pulled.json()["cursor"]
    return took


class Storm:
    """Hall H1 pushing one event every `every` seconds (waking every H1 poll each time)."""

    def __init__(self, url: str, token: str, every: float = 0.5) -> None:
        self.url, self.token, self.every = url, token, every
        self.pushes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Storm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as http:
            while not self._stop.wait(self.every):
                self.pushes += 1
                http.post("/v1/sync/push", json={"events": [_event("H1", "S1", self.pushes)]},
                          headers={"authorization": f"Bearer {self.token}"})


def _figures(name: str, took: list[float], base: list[float] | None) -> str:
    q = statistics.quantiles(took, n=100, method="inclusive")
    p50, p95, p99 = statistics.median(took), q[94], q[98]
    line = (f"{name:9} p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
            f"p99 {p99 * 1000:7.1f} ms  max {max(took) * 1000:7.1f} ms")
    if base is not None:
        bq = statistics.quantiles(base, n=100, method="inclusive")
        line += f"   p99 x{p99 / bq[98]:.1f} of baseline"
    return line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--polls", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--per-terminal", type=int, default=PER_TERMINAL,
                    help="long-polls per H1 terminal (the server holds 4; the issue's attack: "
                    "--polls 750 --per-terminal 750, one credential)")
    ap.add_argument("--pause", type=float, default=0.02, help="seconds between H2's rounds")
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve from")
    ap.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = ap.parse_args()
    if args.smoke:
        args.polls, args.rounds, args.per_terminal, args.pause = 4, 3, 4, 0.0
    terminals = -(-args.polls // args.per_terminal)
    cluster = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "central"
        if args.backend == "postgresql":
            from tests.sync import pg

            cluster = pg.Cluster()
            url = cluster.new_database("bench")
        else:
            url = db.database_url(folder, None)
        engine = db.open_engine(url)  # credentials made before the server starts

        def token(hall: str, terminal: str) -> str:
            return db.enroll(engine, db.new_enroll_code(engine, hall, terminal))[1]

        pollers = [token("H1", f"P{i}") for i in range(terminals)]
        storm_token = token("H1", "S1")
        h2 = {phase: (token("H2", f"X{phase}"), token("H2", f"Y{phase}"))
              for phase in ("warm", "baseline", "polls", "storm")}
        engine.dispose()
        port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(args.root)}
        log = Path(os.environ.get("BENCH_SERVER_LOG", os.devnull)).open("w")  # noqa: SIM115
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(args.root), str(folder),
                                   "" if cluster is None else url, str(port)],
                                  cwd=args.root, env=env, stderr=log)
        base_url = f"http://127.0.0.1:{port}"
        stop, started, out = mp.Event(), mp.Value("i", 0), mp.Queue()
        proc = None
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base_url}/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            print(f"server from {args.root} on {args.backend}; {terminals * args.per_terminal} "
                  f"long-polls of hall H1 ({terminals} terminals x {args.per_terminal}); "
                  f"{args.rounds} push+pull rounds of hall H2 per phase; {os.cpu_count()} CPUs")
            _round_trips(base_url, *h2["warm"], "Xwarm", 5)
            base = _round_trips(base_url, *h2["baseline"], "Xbaseline", args.rounds,
                                args.pause)
            print(_figures("baseline", base, None))
            proc = mp.Process(target=_poll_process,
                              args=(port, pollers, args.per_terminal, started, stop, out),
                              daemon=True)
            proc.start()
            deadline = time.monotonic() + 120
            while started.value < terminals * args.per_terminal and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(2.0)  # the last polls reach the server and settle into waiting
            held = _round_trips(base_url, *h2["polls"], "Xpolls", args.rounds,
                                args.pause)
            print(_figures("polls", held, base))
            with Storm(base_url, storm_token) as storm:
                stormy = _round_trips(base_url, *h2["storm"], "Xstorm", args.rounds,
                                args.pause)
            print(_figures("storm", stormy, base) + f"   ({storm.pushes} H1 pushes)")
        finally:
            stop.set()
            if proc is not None:
                proc.join(30)
                statuses = out.get(timeout=5) if not out.empty() else {}
                print(f"H1 poll answers by status: {dict(sorted(statuses.items()))} "
                      "(0: connection errors)")
            server.terminate()
            server.wait(30)
            log.close()
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
