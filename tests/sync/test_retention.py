"""Retention of the server's log (sync/server/retention.py, `serve retention`): old events that
no terminal still needs go, in batches; a cursor below what went is stale (410) and its terminal
starts over; each stream's newest event stays (a push continues its sequence); on SQLite and on
a real PostgreSQL, through the real server over HTTP and the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from sync.server import retention
from sync.server.tables import events, pull_marks
from tests.sync.procserver import ROOT

OLD = 40 * retention.DAY_MS  # how far back the test moves what "arrived long ago"


def _event(terminal: str, seq: int) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": "H1", "terminal_id": terminal,
            "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16,
            "type": "WindowConfigured", "schema_version": 1,
            "payload": {"window": "1", "services": None}}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _pull(http: httpx.Client, url: str, token: str, cursor: str,
          limit: int = 100) -> httpx.Response:
    return http.get(f"{url}/v1/sync/pull", headers=_auth(token),
                    params={"cursor": cursor, "limit": limit})


def _count(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def _age(engine: Any, *, marks_of: str | None = None) -> None:
    """Every event arrived 40 days ago (and `marks_of`'s last pull was then too)."""
    with engine.begin() as conn:
        conn.execute(update(events).values(received_ms=events.c.received_ms - OLD))
        if marks_of is not None:
            conn.execute(update(pull_marks).where(pull_marks.c.terminal_id == marks_of)
                         .values(pulled_ms=pull_marks.c.pulled_ms - OLD))


def test_retention_keeps_what_halls_need(make_server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "MARK_EVERY_MS", -1)  # every pull writes its mark here
    srv = make_server(role="central")
    a, b, c = (srv.token("H1", t) for t in ("A", "B", "C"))
    with httpx.Client(timeout=30) as http:
        pushed = http.post(f"{srv.url}/v1/sync/push", headers=_auth(a),
                           json={"events": [_event("A", s) for s in range(1, 21)]})
        assert pushed.status_code == 200, pushed.text
        # C pulled three, asked for more once (its mark: 3), then went offline for 40 days
        c3 = _pull(http, srv.url, c, "", 3).json()["cursor"]
        assert len(_pull(http, srv.url, c, c3, 2).json()["events"]) == 2
        # B holds five (its mark: 5) and keeps pulling
        b5 = _pull(http, srv.url, b, "", 5).json()["cursor"]
        b10 = _pull(http, srv.url, b, b5, 5).json()["cursor"]
        _age(srv.engine, marks_of="C")

        dry = retention.run(srv.engine, 30, dry_run=True)
        assert (dry["remove"], dry["removed"], _count(srv.engine)) == (5, 0, 20)
        hall = dry["halls"][0]
        assert (hall["held_by"], hall["held_by_terminal"], hall["restart"]) == \
            ("pull_mark", "B", ["C"])

        done = retention.run(srv.engine, 30, batch=2)  # three batches
        assert (done["removed"], done["kept"], _count(srv.engine)) == (5, 15, 15)
        assert done["vacuum"] == ("VACUUM (ANALYZE) events"
                                  if srv.engine.dialect.name == "postgresql" else
                                  "not on SQLite: freed pages are reused by later events")
        # C's cursor is below what went: stale, and it starts over from what is kept
        assert _pull(http, srv.url, c, c3).status_code == 410
        again = _pull(http, srv.url, c, "").json()
        assert [e["terminal_seq"] for e in again["events"]] == list(range(6, 21))
        # B's cursor is above it: it goes on where it was
        b_end = _pull(http, srv.url, b, b10).json()
        assert [e["terminal_seq"] for e in b_end["events"]] == list(range(11, 21))
        # that pull marked B at 10 (what it held when it asked): 6-10 may go now, no further
        second = retention.run(srv.engine, 30)
        assert (second["removed"], second["halls"][0]["held_by"]) == (5, "pull_mark")
        assert retention.run(srv.engine, 30)["removed"] == 0  # nothing more is old and free

        # B and C show they have everything: all of it may go but A's newest (its sequence
        # goes on from it)
        assert _pull(http, srv.url, b, b_end["cursor"]).json()["events"] == []
        assert _pull(http, srv.url, c, again["cursor"]).json()["events"] == []
        _age(srv.engine)
        swept = retention.run(srv.engine, 30)
        assert (swept["removed"], _count(srv.engine)) == (9, 1)
        more = http.post(f"{srv.url}/v1/sync/push", headers=_auth(a),
                         json={"events": [_event("A", 21)]})
        assert more.status_code == 200 and more.json()["accepted_through_seq"] == 21, more.text
        gap = http.post(f"{srv.url}/v1/sync/push", headers=_auth(a),
                        json={"events": [_event("A", 5)]})  # an old one again: not stored
        assert gap.status_code == 200 and _count(srv.engine) == 2


def test_retention_cli(make_server) -> None:
    """`serve retention … --json`: the contract's keys, --dry-run deletes nothing, bad input is
    refused (exit 2)."""
    srv = make_server(role="central")
    a = srv.token("H1", "A")
    with httpx.Client(timeout=30) as http:
        assert http.post(f"{srv.url}/v1/sync/push", headers=_auth(a),
                         json={"events": [_event("A", s) for s in range(1, 6)]}).status_code == 200
    _age(srv.engine)
    where = ["--data-dir", str(srv.data_dir)]
    if srv.engine.dialect.name == "postgresql":
        where += ["--database", srv.database_url]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "serve", "retention",
                               *where, *args, "--json"], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)

    dry = cli("--keep-days", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    got = json.loads(dry.stdout)
    assert (got["dry_run"], got["remove"], got["removed"], got["kept"]) == (True, 4, 0, 1)
    assert _count(srv.engine) == 5
    done = json.loads(cli("--keep-days", "30").stdout)
    assert (done["removed"], done["kept"], done["halls"][0]["held_by"]) == (4, 1, "age")
    assert _count(srv.engine) == 1
    assert cli("--keep-days", "0").returncode == 2
