"""The central platform as several processes on one PostgreSQL (issue 28): each process is a
real server process of its own (tests/sync/procserver.py), addressed on its own port, so a
request is known to land on the one named."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.server import db
from tests.sync import pg
from tests.sync.procserver import ROOT, ServerProcess

# one worker for the module: its two server processes are started once and shared
pytestmark = pytest.mark.xdist_group("province")


def _event(hall: str, terminal: str, seq: int) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": terminal,
            "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16,
            "type": "WindowConfigured", "schema_version": 1,
            "payload": {"window": "1", "services": None}}


class Province:
    def __init__(self, cluster: pg.Cluster, tmp: Path) -> None:
        self.url = cluster.new_database(f"prov{uuid.uuid4().hex[:10]}")
        self.engine = db.open_engine(self.url)
        self.tmp = tmp
        self.started: list[ServerProcess] = []

    def processes(self, count: int, **options: Any) -> list[ServerProcess]:
        made = [ServerProcess(self.tmp / f"p{len(self.started) + i}", self.url, **options)
                for i in range(count)]
        self.started += made
        return [p.ready() for p in made]  # started together: migrations race (advisory lock)

    def token(self, hall: str, terminal: str, *, hub: bool = False) -> str:
        return db.enroll(self.engine, db.new_enroll_code(self.engine, hall, terminal,
                                                         hub=hub))[1]

    def close(self) -> None:
        for proc in self.started:
            proc.stop()
        self.engine.dispose()


@pytest.fixture(scope="module")
def pair(pg_cluster: pg.Cluster, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Province, ServerProcess, ServerProcess]]:
    """Two server processes on one database, shared by the tests below (each its own
    terminals): a credential cache believed for 10 minutes (only a revocation's NOTIFY can end
    it) and a small event budget per terminal (2,000 at once, then 1 a second)."""
    made = Province(pg_cluster, tmp_path_factory.mktemp("province"))
    a, b = made.processes(2, auth_ttl=600.0, event_rate=1.0, event_burst=2000)
    yield made, a, b
    made.close()


@pytest.fixture
def province(pg_cluster: pg.Cluster, tmp_path: Path) -> Iterator[Province]:
    made = Province(pg_cluster, tmp_path)
    yield made
    made.close()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_rate_limit_spent_through_one_process_holds_in_the_other(
        pair: tuple[Province, ServerProcess, ServerProcess]) -> None:
    province, a, b = pair
    token, other = province.token("H9", "K1"), province.token("H9", "K2")

    def push(srv: ServerProcess, tok: str, terminal: str, first: int, count: int
             ) -> httpx.Response:
        return http.post(f"{srv.url}/v1/sync/push", headers=_auth(tok), json={"events": [
            _event("H9", terminal, s) for s in range(first, first + count)]})

    with httpx.Client(timeout=20) as http:
        # the terminal's burst of 2,000 events, spent half through each process
        assert push(a, token, "K1", 1, 1000).json()["inserted"] == 1000
        assert push(b, token, "K1", 1001, 1000).json()["inserted"] == 1000
        refused = push(b, token, "K1", 2001, 10)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert push(a, token, "K1", 2001, 10).status_code == 429
        # the budget is the terminal's, not the process's: another terminal goes on
        assert push(b, other, "K2", 1, 10).json()["inserted"] == 10


def test_a_revoked_credential_is_refused_by_every_process_at_once(
        pair: tuple[Province, ServerProcess, ServerProcess]) -> None:
    province, a, b = pair  # a cache believed for 10 minutes: only the NOTIFY can end it
    token = province.token("H3", "K1")
    with httpx.Client(timeout=10) as http:
        for srv in (a, b):  # both processes have the credential cached
            assert http.get(f"{srv.url}/v1/sync/pull", headers=_auth(token)).status_code == 200
        assert db.revoke(province.engine, "H3", "K1") == 1  # `serve revoke`
        revoked_at = time.monotonic()
        first = http.get(f"{b.url}/v1/sync/pull", headers=_auth(token))
        tries = 1
        # The NOTIFY is delivered on commit; the request above raced it over loopback. A
        # refusal within a few tries (milliseconds) is the notification, not the 600 s TTL.
        while first.status_code == 200 and time.monotonic() - revoked_at < 0.5:
            first = http.get(f"{b.url}/v1/sync/pull", headers=_auth(token))
            tries += 1
        assert first.status_code == 403, (first.status_code, tries)
        assert time.monotonic() - revoked_at < 0.5
        assert http.get(f"{a.url}/v1/sync/pull", headers=_auth(token)).status_code == 403


def test_two_processes_pushing_one_hall_keep_pos_in_order_and_every_event_once(
        pair: tuple[Province, ServerProcess, ServerProcess]) -> None:
    province, a, b = pair
    terminals = [f"K{i}" for i in range(4)]
    tokens = {t: province.token("H1", t) for t in terminals}
    reader = province.token("H1", "READER")
    per, batch = 60, 10
    errors: list[str] = []

    def pusher(terminal: str) -> None:
        # every batch goes to both processes at once (a retry racing its first try)
        with httpx.Client(timeout=20) as http:
            for start in range(1, per + 1, batch):
                events = [_event("H1", terminal, s) for s in range(start, start + batch)]
                results: list[httpx.Response] = []

                def send(srv: ServerProcess, events: list[dict[str, Any]] = events,
                         results: list[httpx.Response] = results) -> None:
                    results.append(http.post(f"{srv.url}/v1/sync/push", json={"events": events},
                                             headers=_auth(tokens[terminal])))

                both = [threading.Thread(target=send, args=(srv,)) for srv in (a, b)]
                for t in both:
                    t.start()
                for t in both:
                    t.join()
                for r in results:
                    if r.status_code != 200 or r.json()["accepted_through_seq"] != start + batch - 1:
                        errors.append(f"{terminal}@{start}: {r.status_code} {r.text[:200]}")

    seen: list[tuple[str, int]] = []
    done = threading.Event()

    def puller() -> None:  # pulls while the pushes land, alternating processes
        cursor = ""
        with httpx.Client(timeout=20) as http:
            for i in range(10_000):
                srv = (a, b)[i % 2]
                page = http.get(f"{srv.url}/v1/sync/pull", headers=_auth(reader),
                                params={"cursor": cursor, "limit": 100, "wait": 1}).json()
                seen.extend((e["terminal_id"], e["terminal_seq"]) for e in page["events"])
                cursor = page["cursor"]
                if done.is_set() and not page["events"] and not page["more"]:
                    return

    pull_thread = threading.Thread(target=puller)
    pull_thread.start()
    pushers = [threading.Thread(target=pusher, args=(t,)) for t in terminals]
    for t in pushers:
        t.start()
    for t in pushers:
        t.join(120)
    done.set()
    pull_thread.join(60)
    assert not errors, errors[:5]
    want = [(t, s) for t in terminals for s in range(1, per + 1)]
    assert len(seen) == len(set(seen)) == len(want)  # none twice, none skipped by the cursor
    assert sorted(seen) == sorted(want)
    for name in terminals:  # each stream in its own order as pulled
        assert [s for term, s in seen if term == name] == list(range(1, per + 1))
    with province.engine.connect() as conn:
        from sqlalchemy import text

        rows = conn.execute(text(
            "SELECT terminal_id, count(*), count(DISTINCT terminal_seq), max(terminal_seq) "
            "FROM events WHERE hall_id = 'H1' GROUP BY terminal_id")).all()
    assert sorted(tuple(r) for r in rows) == [(t, per, per, per) for t in terminals]


def test_a_long_poll_on_one_process_wakes_on_a_push_to_the_other(
        pair: tuple[Province, ServerProcess, ServerProcess]) -> None:
    province, a, b = pair
    poller, pusher = province.token("H2", "D1"), province.token("H2", "K1")
    with httpx.Client(timeout=20) as http:
        cursor = http.get(f"{a.url}/v1/sync/pull", headers=_auth(poller)).json()["cursor"]
        got: dict[str, Any] = {}

        def poll() -> None:
            started = time.monotonic()
            page = http.get(f"{a.url}/v1/sync/pull", headers=_auth(poller),
                            params={"cursor": cursor, "wait": 15}).json()
            got.update(page=page, after=time.monotonic() - started)

        holder = threading.Thread(target=poll)
        holder.start()
        time.sleep(0.5)  # the poll is held (nothing to await from outside its process)
        pushed_at = time.monotonic()
        assert http.post(f"{b.url}/v1/sync/push", json={"events": [_event("H2", "K1", 1)]},
                         headers=_auth(pusher)).status_code == 200
        holder.join(20)
        woke = time.monotonic() - pushed_at
    assert [e["terminal_id"] for e in got["page"]["events"]] == ["K1"]
    assert woke < 5.0  # a wake, not the 15 s timeout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "serve", "--json",
                             "--data-dir", str(data_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    out: list[int] = []
    for task in tasks.iterdir():
        children = (task / "children")
        if children.exists():
            out += [int(x) for x in children.read_text().split()]
    return out


def test_serve_workers_runs_n_processes_on_one_port_and_stops_them(
        province: Province, tmp_path: Path) -> None:
    port = _free_port()
    proc = _serve("--role", "central", "--database", province.url, "--workers", "2",
                  "--pool-size", "3", "--max-overflow", "2", "--port", str(port),
                  data_dir=tmp_path / "central")
    try:
        deadline = time.monotonic() + 60
        up = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                up = httpx.get(f"http://127.0.0.1:{port}/v1/health/ready",
                               timeout=2).status_code == 200
            except httpx.HTTPError:
                up = False
            if up and len(_children(proc.pid)) >= 2:
                break
            time.sleep(0.2)  # the workers start in fresh interpreters: seconds, polled
        assert up, proc.communicate()[1] if proc.poll() is not None else "not up"
        workers = [c for c in _children(proc.pid)
                   if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    assert json.loads(out.splitlines()[-1])["stopped"] is True
    # the sizing rule at start, for the pool asked: 3 + 2 + 1 LISTEN = 6 a process
    assert "x 6 per process (pool 3 + overflow 2 + 1 LISTEN)" in err, err[-2000:]
    assert "2 processes = 12" in err and ": fits" in err
    assert not any(Path(f"/proc/{w}").exists() for w in workers)


@pytest.mark.parametrize(("args", "code"), [
    (["--role", "central", "--workers", "2"], "workers_sqlite"),
    (["--role", "hub", "--workers", "2", "--database", "postgresql+psycopg://x@127.0.0.1/x"],
     "workers_hub"),
    (["--role", "central", "--pool-size", "3"], "pool_sqlite"),
])
def test_serve_workers_refused_where_one_process_decides(tmp_path: Path, args: list[str],
                                                         code: str) -> None:
    proc = _serve(*args, "--port", str(_free_port()), data_dir=tmp_path / "d")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert json.loads(out.splitlines()[-1])["error"] == code


def test_serve_status_on_the_central_platform_shows_each_hall(
        pair: tuple[Province, ServerProcess, ServerProcess], tmp_path: Path) -> None:
    province, a, _b = pair
    token = province.token("H7", "K1")
    late = _event("H7", "K1", 1)
    late["hlc"] = (int(time.time() * 1000) - 3_600_000) << 16  # made offline an hour ago
    bad = {**_event("H7", "K1", 2), "type": "NoSuchEvent"}
    with httpx.Client(timeout=20) as http:
        assert http.post(f"{a.url}/v1/sync/push", json={"events": [late, bad]},
                         headers=_auth(token)).json()["inserted"] == 1
        ready = http.get(f"{a.url}/v1/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}
    proc = _serve("status", "--database", province.url, "--url", a.url,
                  data_dir=tmp_path / "status")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    status = json.loads(out)
    assert status["up"] is True and status["terminals"] == []
    h7 = next(h for h in status["halls"] if h["hall"] == "H7")
    assert h7["terminals"] == 1 and h7["refused"] == 1
    assert h7["last_push_ms"] >= int(time.time() * 1000) - 60_000
    assert 3_500_000 <= h7["backlog_ms"] <= 3_700_000
    pool = status["connections"]  # the docs' sizing rule, with this database's figures
    assert pool["per_process"] == db.connections_needed() + 1 == 71
    assert pool["processes_fit"] == (pool["max_connections"] - pool["superuser_reserved"]) // 71
    assert pool["open"] >= 2  # at least the two processes' listeners


def test_the_pool_has_the_size_asked(province: Province) -> None:
    """`--pool-size`/`--max-overflow` reach the engine; the default is what a process's
    threads can hold at once (db.connections_needed: 40 + 8 + 8 + 12 + 2 = 70)."""
    asked = db.open_engine(province.url, pool_size=3, max_overflow=2)
    default = db.open_engine(province.url)
    try:
        assert (asked.pool.size(), asked.pool._max_overflow) == (3, 2)  # type: ignore[attr-defined]
        assert default.pool.size() + default.pool._max_overflow == 70  # type: ignore[attr-defined]
        with asked.connect():  # a connection of the pool, back to it afterwards
            pass
        assert asked.pool.checkedin() == 1  # type: ignore[attr-defined]
    finally:
        asked.dispose()
        default.dispose()
    with pytest.raises(db.PoolError):
        db.open_engine("sqlite://", pool_size=3)
