"""A province on the central platform: simulated halls push a compressed day to 1, then P server
processes on one PostgreSQL, while every hub holds a long-poll.

    bench/province.py [--halls 200,2000] [--processes 2] [--minutes 0.75] [--compression 100]
                      [--database URL] [--max-long-polls N] [--smoke]

Each hall is two credentials speaking the real wire protocol over HTTP (httpx): its hub, pushing
the hall's ticket, call, case and rating events in batches (its terminals' streams, gap-free
sequences) and holding a long-poll on the platform; and a station of the hall pushing on its own
now and then (a village 便民服务站), to another process than the hub polls, whose push wakes the
hub's poll. Halls come in tiers (city, county, township, village) with their day's tickets
(~90 a hall, ~540 events); the 8-hour service day runs `--compression` times faster than real
time for `--minutes`. At 100x, 200 halls offer ~375 events/s (under what this box ingests: the
p99s are those of a platform keeping up) and 2,000 halls ~3,750/s (over it: the ingest rate is
the platform's capacity, and the p99s are queueing); the figures say which (`offered_per_s`).

Figures per run (halls x processes): events ingested per second (and offered), push p50/p99,
long-poll wake p99 (the station's push sent -> the hub's poll answered; across processes when
P > 1), the database's size per million events, and the CPU the server processes used per 1,000
events (on this 2-core machine, the per-core figure). Then PostgreSQL's own insert rate for the
same rows on the same box (the ceiling: batches of the pushes' size, one transaction each, the
same indexes), into the log as it is and into a copy partitioned by hall (16 hash partitions).

A hub's poll answered at once past a process's cap of held polls (`--max-long-polls`, else the
server's default) waits its Retry-After, as the real hub does; such answers are counted
(`polls_refused`). A throwaway PostgreSQL (as the tests start) unless `--database URL`.
127.0.0.1 only; every loop is bounded by the run's deadline. The load average is printed: the
machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

import httpx  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from sync.server import db  # noqa: E402
from sync.server.tables import credentials  # noqa: E402

# Tickets a hall issues in a day, by tier (every 50th hall a city centre, every 10th a county
# centre, every 2nd a township centre, the rest village stations): ~90 a hall on average.
TIERS = ((50, 1500), (10, 400), (2, 60), (1, 8))
DESKS = 5
STATION_EVERY = (3.0, 9.0)  # seconds between a station's own pushes (uniform)
POLL_WAIT = 25.0
SHARD = 50  # halls per HTTP client
RAMP = 15.0  # seconds over which the halls come online


def tickets_of(i: int) -> int:
    return next(n for every, n in TIERS if i % every == 0)


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (and its reaped children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(x) for x in fields[11:15]) / ticks


def _tree_cpu(pid: int) -> float:
    """CPU of a process, its reaped children (cutime) and its live children: PostgreSQL's
    postmaster and its backends."""
    total = _cpu(pid)
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            total += sum(_cpu(int(c)) for c in task.read_text().split())
        except OSError:
            pass
    return total


def _postmaster(cluster: Any) -> int | None:
    if cluster is None:
        return None
    try:
        return int((cluster.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Day:
    """One hall's day as events, made as they are due: each ticket is issued at the kiosk,
    called, started and finished at a desk; 60 % become a case (accepted, completed), 30 % are
    rated. Sequences gap-free per terminal."""

    def __init__(self, hall: str, tickets: int) -> None:
        self.hall = hall
        self.tickets = tickets
        self.seqs: dict[str, int] = {}
        self.made = 0
        self.day = datetime.now(UTC).date().isoformat()

    def _ev(self, terminal: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        seq = self.seqs[terminal] = self.seqs.get(terminal, 0) + 1
        return {"event_id": str(uuid.uuid4()), "hall_id": self.hall, "terminal_id": terminal,
                "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16, "type": kind,
                "schema_version": 1, "payload": payload}

    def ticket(self) -> list[dict[str, Any]]:
        self.made += 1
        n = self.made
        at = datetime.now(UTC).astimezone().isoformat(timespec="milliseconds")
        tid, desk = f"T{uuid.uuid4().hex[:16]}", f"D{n % DESKS + 1}"
        window = str(n % DESKS + 1)
        out = [
            self._ev("K1", "TicketIssued", {
                "ticket_id": tid, "service_id": "svc-001", "series": "A", "number": n,
                "label": f"A{n:03d}", "day": self.day, "priority": "regular", "issued_at": at,
                "leased": True}),
            self._ev(desk, "TicketCalled", {"ticket_id": tid, "window": window, "called_at": at,
                                            "as_priority": False, "decided_by": "hub"}),
            self._ev(desk, "ServiceStarted", {"ticket_id": tid, "at": at, "window": window}),
        ]
        if n % 10 < 6:
            case = f"C{uuid.uuid4().hex[:16]}"
            out += [
                self._ev(desk, "CaseAccepted", {
                    "case_id": case, "case_number": f"N{n:06d}", "service_id": "svc-001",
                    "ticket_id": tid, "applicant": {"name": "sealed:" + "x" * 60},
                    "materials": [{"name": "身份证"}, {"name": "申请表"}], "at": at,
                    "steps": [], "assisted": False, "note": ""}),
                self._ev(desk, "CaseCompleted", {"case_id": case, "at": at})]
        out.append(self._ev(desk, "TicketDone", {"ticket_id": tid, "at": at, "window": window}))
        if n % 10 < 3:
            out.append(self._ev("K1", "RatingGiven", {
                "rating_id": f"R{uuid.uuid4().hex[:16]}", "ticket_id": tid, "grade": 5, "text": None,
                "follow_up_due": None,
                "at": at}))
        return out


def check_events() -> None:
    """The simulated events pass the server's own checks (else the bench measures refusals)."""
    from hall import event_rules
    from hall.events import Event

    for ev in Day("H1", 10).ticket() + Day("H1", 10).ticket()[:1]:
        why = event_rules.refusal(Event(ev["event_id"], ev["hall_id"], ev["terminal_id"],
                                        ev["terminal_seq"], ev["hlc"], ev["type"],
                                        ev["payload"], ev["schema_version"]), None)
        if why is not None:
            raise SystemExit(f"bench event {ev['type']} refused: {why}")


@dataclass
class Figures:
    push_ms: list[float] = field(default_factory=list)
    wake_ms: list[float] = field(default_factory=list)
    inserted: int = 0
    offered: int = 0  # tickets of the day, all halls
    pushes: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    polls_answered: int = 0
    polls_refused: int = 0  # answered at once past a process's cap of held polls (Retry-After)
    batch_sizes: list[int] = field(default_factory=list)
    last_push: float = 0.0  # when the last push answered (monotonic)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def hall_loop(http: httpx.AsyncClient, urls: list[str], i: int, hall: str,
                    hub_token: str, station_token: str, day_seconds: float, tick: float,
                    made_until: float, deadline: float, fig: Figures,
                    halls_total: int = 1) -> None:
    """One hall for the run: the hub's pushes, its long-poll, and the station's pushes."""
    # halls come online over RAMP seconds: 2,000 connecting at once overflow the listen queue
    # of a starved server (connect timeouts, nothing measured)
    await asyncio.sleep(RAMP * i / max(1, halls_total))
    day = Day(hall, tickets_of(i))
    seconds = day_seconds
    hub_url = urls[i % len(urls)]
    station_url = urls[(i + 1) % len(urls)]  # another process than the hub polls (P > 1)
    sent: dict[str, float] = {}  # station event id -> when its push was sent
    started = time.monotonic()
    stop = asyncio.Event()
    hub_h = {"Authorization": f"Bearer {hub_token}"}
    st_h = {"Authorization": f"Bearer {station_token}"}

    async def poll() -> None:
        cursor = ""
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                r = await http.get(f"{hub_url}/v1/sync/pull", headers=hub_h, params={
                    "cursor": cursor, "wait": min(POLL_WAIT, max(0.1, deadline
                                                                 - time.monotonic()))})
            except httpx.HTTPError as exc:
                fig.error(f"poll {type(exc).__name__}")
                await asyncio.sleep(0.5)
                continue
            now = time.monotonic()
            if r.status_code != 200:
                fig.error(f"poll {r.status_code}")
                await asyncio.sleep(0.5)
                continue
            page = r.json()
            cursor = page["cursor"]
            fig.polls_answered += 1
            pause = r.headers.get("retry-after")  # not held (the process's cap): wait as told
            if pause is not None:
                fig.polls_refused += 1
            for ev in page["events"]:
                at = sent.pop(ev["event_id"], None)
                if at is not None:
                    fig.wake_ms.append((now - at) * 1000)
            if pause is not None:
                await asyncio.sleep(min(float(pause), max(0.0, deadline - time.monotonic())))

    async def station() -> None:
        seq = 0
        rng = random.Random(i)
        await asyncio.sleep(rng.uniform(1.0, STATION_EVERY[1]))
        while time.monotonic() + 2 < deadline and not stop.is_set():
            seq += 1
            event_id = str(uuid.uuid4())
            ev: dict[str, Any] = {"event_id": event_id, "hall_id": hall, "terminal_id": "V1",
                  "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16,
                  "type": "HelpRequested", "schema_version": 1,
                  "payload": {"request_id": uuid.uuid4().hex, "kind": "assist",
                              "at": datetime.now(UTC).astimezone().isoformat()}}
            sent[event_id] = time.monotonic()
            try:
                r = await http.post(f"{station_url}/v1/sync/push", headers=st_h,
                                    json={"events": [ev]})
                if r.status_code != 200:
                    fig.error(f"station push {r.status_code}")
                    seq -= 1
            except httpx.HTTPError as exc:
                fig.error(f"station push {type(exc).__name__}")
                seq -= 1
            await asyncio.sleep(rng.uniform(*STATION_EVERY))

    poller = asyncio.ensure_future(poll())
    stationer = asyncio.ensure_future(station())
    pending: list[dict[str, Any]] = []
    await asyncio.sleep(random.Random(-i).uniform(0, tick))  # halls out of step
    try:
        while time.monotonic() < deadline:
            upto = min(time.monotonic(), made_until)  # after it: what is pending drains
            due = int(day.tickets * min(1.0, (upto - started) / seconds))
            while day.made < due:
                pending += day.ticket()
            while pending and time.monotonic() < deadline:
                batch, pending = pending[:1000], pending[1000:]
                t0 = time.monotonic()
                try:
                    r = await http.post(f"{hub_url}/v1/sync/push", headers=hub_h,
                                        json={"events": batch})
                except httpx.HTTPError as exc:
                    fig.error(f"push {type(exc).__name__}")
                    pending = batch + pending
                    await asyncio.sleep(1.0)
                    break
                fig.push_ms.append((time.monotonic() - t0) * 1000)
                fig.pushes += 1
                if r.status_code != 200:
                    fig.error(f"push {r.status_code}")
                    pending = batch + pending
                    await asyncio.sleep(float(r.headers.get("retry-after", "1")))
                    break
                fig.inserted += int(r.json()["inserted"])
                fig.last_push = max(fig.last_push, time.monotonic())
                fig.batch_sizes.append(len(batch))
            if (day.made >= day.tickets or time.monotonic() >= made_until) and not pending:
                break
            await asyncio.sleep(tick)
    finally:
        stop.set()
        stationer.cancel()
        poller.cancel()
        for task in (stationer, poller):
            try:
                await task
            except (asyncio.CancelledError, Exception):  # the run is over; nothing to keep
                pass


def make_credentials(url: str, halls: list[str]) -> dict[str, tuple[str, str]]:
    """A hub and a station credential per hall, written straight into the database (enrolling
    4,000 terminals through codes would measure the enrollment, not the province)."""
    import secrets

    engine = db.open_engine(url)
    out: dict[str, tuple[str, str]] = {}
    rows = []
    for hall in halls:
        hub, station = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        out[hall] = (hub, station)
        for token, terminal in ((hub, "HUB"), (station, "STATION")):
            rows.append({"token_hash": db.digest(token), "hall_id": hall,
                         "terminal_id": terminal, "revoked": False, "created_ms": db.now_ms(),
                         "scope": "hub", "role": None})
    with engine.begin() as conn:
        conn.execute(insert(credentials), rows)
    engine.dispose()
    return out


def events_size(url: str) -> tuple[int, int]:
    """(bytes of the event log with its indexes and TOAST, events in it)."""
    engine = db.open_engine(url)
    with engine.connect() as conn:
        size = int(conn.execute(text("SELECT pg_total_relation_size('events')")).scalar() or 0)
        count = int(conn.execute(text("SELECT count(*) FROM events")).scalar() or 0)
    engine.dispose()
    return size, count


DAY_S = 8 * 3600  # a hall's service day


def run(url: str, tmp: Path, halls_n: int, processes: int, minutes: float, compression: float,
        tag: str, server_options: dict[str, Any], postmaster: int | None) -> dict[str, Any]:
    from tests.sync.procserver import ServerProcess

    halls = [f"{tag}H{i:04d}" for i in range(halls_n)]
    creds = make_credentials(url, halls)
    procs = [ServerProcess(tmp / f"{tag}p{k}", url, **server_options) for k in range(processes)]
    try:
        return _measure(url, [p.ready() for p in procs], creds, halls, minutes, compression,
                        postmaster)
    finally:
        for p in procs:
            p.stop()


def _measure(url: str, procs: list[Any], creds: dict[str, tuple[str, str]], halls: list[str],
             minutes: float, compression: float, postmaster: int | None) -> dict[str, Any]:
    halls_n, processes = len(halls), len(procs)
    urls = [p.url for p in procs]
    size0, count0 = events_size(url)
    cpu0 = sum(_cpu(p.pid) for p in procs)
    pg0 = _tree_cpu(postmaster) if postmaster else 0.0
    fig = Figures()
    fig.offered = sum(tickets_of(i) for i in range(halls_n))  # tickets; events counted below
    tick = max(1.0, halls_n / 200)  # ~200 pushes a second offered at most
    wall0, client0 = time.monotonic(), time.process_time()
    deadline = wall0 + minutes * 60 + 20  # the day, then 20 s to drain what is pending

    async def main() -> None:
        async def progress() -> None:  # on stderr, every 10 s: a stalled run shows itself
            while True:
                await asyncio.sleep(10)
                print(f"  {time.monotonic() - wall0:5.0f} s: {fig.pushes} pushes, "
                      f"{fig.inserted} events, {fig.polls_answered} polls answered, "
                      f"errors {fig.errors}", file=sys.stderr, flush=True)

        ticker = asyncio.ensure_future(progress())
        # A client per 50 halls: one httpx pool of thousands of connections spends its time
        # scanning itself (the bench measured nothing at 2,000 halls that way).
        clients = [httpx.AsyncClient(timeout=httpx.Timeout(POLL_WAIT + 15, connect=30),
                                     limits=httpx.Limits(max_connections=200,
                                                         max_keepalive_connections=200))
                   for _ in range(0, halls_n, SHARD)]
        try:
            await asyncio.gather(*(hall_loop(clients[i // SHARD], urls, i, hall, *creds[hall],
                                             DAY_S / compression, tick, wall0 + minutes * 60,
                                             deadline, fig, halls_n)
                                   for i, hall in enumerate(halls)))
        finally:
            for client in clients:
                await client.aclose()
        ticker.cancel()

    asyncio.run(main())
    wall = time.monotonic() - wall0
    client_cpu = time.process_time() - client0
    server_cpu = sum(_cpu(p.pid) for p in procs) - cpu0
    pg_cpu = _tree_cpu(postmaster) - pg0 if postmaster else None
    size1, count1 = events_size(url)
    events = count1 - count0
    per_ticket = sum(len(Day("x", 0).ticket()) for _ in range(10)) / 10
    offered_per_s = per_ticket * fig.offered / (DAY_S / compression)
    return {
        "halls": halls_n, "processes": processes, "seconds": round(wall, 1),
        "events_ingested": events, "offered_per_s": round(offered_per_s, 1),
        "compression": compression,
        # over the time events were pushed: from the start to the last push answered
        "ingest_per_s": round(fig.inserted / max(1e-3, (fig.last_push or wall0 + wall) - wall0),
                              1),
        "push_requests": fig.pushes,
        "push_batch_mean": round(statistics.mean(fig.batch_sizes), 1) if fig.batch_sizes else 0,
        "push_p50_ms": round(_pct(fig.push_ms, 0.5), 1),
        "push_p99_ms": round(_pct(fig.push_ms, 0.99), 1),
        "wakes": len(fig.wake_ms), "wake_p50_ms": round(_pct(fig.wake_ms, 0.5), 1),
        "wake_p99_ms": round(_pct(fig.wake_ms, 0.99), 1),
        "polls_refused": fig.polls_refused,
        "bytes_per_million_events": int((size1 - size0) / events * 1e6) if events else None,
        "server_cpu_s_per_1000_events": round(server_cpu / events * 1000, 3) if events else None,
        "postgres_cpu_s_per_1000_events": round(pg_cpu / events * 1000, 3)
        if events and pg_cpu is not None else None,
        "server_cpu_s": round(server_cpu, 1), "client_cpu_s": round(client_cpu, 1),
        "postgres_cpu_s": None if pg_cpu is None else round(pg_cpu, 1),
        "errors": fig.errors, "load_avg": os.getloadavg()[0],
    }


CEILING_PART = """
CREATE TABLE ceiling_part (LIKE events INCLUDING DEFAULTS) PARTITION BY HASH (hall_id);
ALTER TABLE ceiling_part ADD PRIMARY KEY (hall_id, pos);
ALTER TABLE ceiling_part ADD CONSTRAINT uq_ceiling_part_seq
    UNIQUE (hall_id, terminal_id, terminal_seq);
CREATE INDEX ON ceiling_part (event_id);
"""


def ceiling(url: str, rows_n: int, batch: int, threads: int = 2) -> dict[str, Any]:
    """PostgreSQL's own insert rate for rows like the pushes' (same columns, payloads, batch
    size, one transaction per batch, ON CONFLICT DO NOTHING): into a copy of the log with its
    indexes, and into one partitioned by hall."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    days = [Day(f"CH{i:04d}", 10**6) for i in range(200)]
    rows: list[tuple[Any, ...]] = []
    now = db.now_ms()
    while len(rows) < rows_n:
        d = days[len(rows) % len(days)]
        for ev in d.ticket():
            rows.append((ev["event_id"], ev["hall_id"], ev["terminal_id"], ev["terminal_seq"],
                         ev["hlc"], ev["type"], 1,
                         json.dumps(ev["payload"], ensure_ascii=False, separators=(",", ":")),
                         now, "HUB"))
    rows = rows[:rows_n]
    # a hall's rows together, as a hub's batch is one hall
    rows.sort(key=lambda r: (r[1], r[2], r[3]))
    batches = [rows[k:k + batch] for k in range(0, len(rows), batch)]
    out: dict[str, Any] = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS ceiling_plain, ceiling_part")
        conn.execute("CREATE TABLE ceiling_plain (LIKE events INCLUDING ALL)")
        for stmt in CEILING_PART.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        for k in range(16):
            conn.execute(f"CREATE TABLE ceiling_part_{k} PARTITION OF ceiling_part "
                         f"FOR VALUES WITH (MODULUS 16, REMAINDER {k})")
    cols = ("event_id, hall_id, terminal_id, terminal_seq, hlc, type, schema_version, payload, "
            "received_ms, pushed_by")
    for table in ("ceiling_plain", "ceiling_part"):
        queue = list(range(len(batches)))
        lock = threading.Lock()

        def work(table: str = table, queue: list[int] = queue,
                 lock: threading.Lock = lock) -> None:
            with psycopg.connect(conninfo) as conn:
                while True:
                    with lock:
                        if not queue:
                            return
                        k = queue.pop()
                    with conn.transaction(), conn.cursor() as cur:
                        cur.executemany(
                            f"INSERT INTO {table} ({cols}) VALUES "
                            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                            batches[k])

        t0 = time.monotonic()
        workers = [threading.Thread(target=work) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        out[f"{table}_rows_per_s"] = round(len(rows) / (time.monotonic() - t0), 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table in ("ceiling_plain", "ceiling_part"):
            size = conn.execute(f"SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                                f"WHERE c.relname LIKE '{table}%' AND c.relkind IN ('r', 'p')"
                                ).fetchone()
            out[f"{table}_bytes_per_million"] = int(int(size[0] or 0) / len(rows) * 1e6) \
                if size else None
        conn.execute("DROP TABLE ceiling_plain, ceiling_part")
    out.update(rows=len(rows), batch=batch, threads=threads)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--halls", default="200,2000",
                    help="halls per run, comma-separated (growth: 200 -> 2,000)")
    ap.add_argument("--processes", type=int, default=2,
                    help="server processes of the second run of each size (the first: 1)")
    ap.add_argument("--minutes", type=float, default=0.75, help="the length of each run")
    ap.add_argument("--compression", type=float, default=100.0,
                    help="how many times faster than real time the service day runs")
    ap.add_argument("--database", metavar="URL", help="a PostgreSQL to use (default: a "
                    "throwaway cluster, as the tests start)")
    ap.add_argument("--ceiling-rows", type=int, default=60_000)
    ap.add_argument("--max-long-polls", type=int, default=None, metavar="N",
                    help="each server process's cap of held polls (default: the server's; "
                    "past it a hub's poll is answered at once and waits as told)")
    ap.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped bench cleans up
    sizes = [int(x) for x in args.halls.split(",") if x.strip()]
    minutes, ceiling_rows = args.minutes, args.ceiling_rows
    if args.smoke:
        sizes, minutes, ceiling_rows = [6], 0.1, 2_000
    if any(n < 1 for n in sizes) or args.processes < 1 or minutes <= 0:
        raise SystemExit("--halls, --processes and --minutes must be positive")
    check_events()
    cluster = None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database
        if url is None:
            from tests.sync import pg

            reason = pg.unavailable()
            if reason:
                raise SystemExit(reason)
            cluster = pg.Cluster()
        try:
            if cluster is not None:
                from tests.sync import pg

                # 2 processes x (pool 10 + overflow 40 + a listener) and the bench: over the
                # default 100 (docs/architecture.md: max_connections per process count)
                cluster._run(str(pg.BIN / "pg_ctl"), "-D", str(cluster.data), "-w", "-t",
                             "30", "-l", str(cluster.root / "log"), "-o",
                             f"-h 127.0.0.1 -p {cluster.port} -k {cluster.root} -F "
                             "-c max_connections=400", "restart")
                url = cluster.new_database("province")
            assert url is not None
            db.open_engine(url).dispose()
            results = []
            runs = 0
            print(f"load average at start: {os.getloadavg()}", flush=True)
            for n in sizes:
                for p in sorted({1, args.processes}):
                    runs += 1
                    options = {} if args.max_long_polls is None else {
                        "max_long_polls": args.max_long_polls}
                    figures = run(url, Path(tmp), n, p, minutes, args.compression, f"R{runs}",
                                  options, _postmaster(cluster))
                    results.append(figures)
                    print(json.dumps(figures), flush=True)
            batch = int(statistics.mean(r["push_batch_mean"] for r in results) or 10)
            ceil = ceiling(url, ceiling_rows, max(1, batch))
            print(json.dumps({"ceiling": ceil}), flush=True)
            print("\nhalls procs offered/s  ingest/s  ceiling  ratio  push p99  wake p99  MB/M events  "
                  "srv CPU s/1k ev  pg CPU s/1k ev  errors  polls refused")
            for r in results:
                ratio = r["ingest_per_s"] / ceil["ceiling_plain_rows_per_s"]
                mb = (r["bytes_per_million_events"] or 0) / 1e6
                print(f"{r['halls']:5d} {r['processes']:5d} {r['offered_per_s']:9.1f} "
                      f"{r['ingest_per_s']:9.1f} "
                      f"{ceil['ceiling_plain_rows_per_s']:8.1f} {ratio:6.3f} "
                      f"{r['push_p99_ms']:8.1f}ms {r['wake_p99_ms']:7.1f}ms {mb:11.1f} "
                      f"{r['server_cpu_s_per_1000_events'] or 0:16.3f} "
                      f"{r['postgres_cpu_s_per_1000_events'] or 0:15.3f}  "
                      f"{sum(r['errors'].values()):6d}  {r['polls_refused']}")
            print(f"partitioned by hall (16): {ceil['ceiling_part_rows_per_s']} rows/s vs "
                  f"{ceil['ceiling_plain_rows_per_s']} plain; "
                  f"{ceil['ceiling_part_bytes_per_million'] / 1e6:.1f} vs "
                  f"{ceil['ceiling_plain_bytes_per_million'] / 1e6:.1f} MB per million rows")
            print(f"load average at end: {os.getloadavg()}")
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
