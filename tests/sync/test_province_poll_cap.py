"""The cap on long-polls one server process holds (`serve --max-long-polls`, issue 28): past it
a poll (the log's pull, the travel inbox) is answered at once with what there is and a
Retry-After, the refusals are counted in /v1/health (and `serve status`), the held ones still
wake on a push, and a terminal's client waits as told instead of asking again at once. The real
server over HTTP on 127.0.0.1 (SQLite, and PostgreSQL: held polls woken by NOTIFY); the load
test is bounded in count (120 polls) and time (each request's timeout)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import func, select

from sync.server.long_polls import RETRY_AFTER_S
from sync.server.tables import events
from tests.sync.procserver import ROOT

WAIT = 30.0  # what every poll asks to be held for; a refused one answers long before
QUICK = 10.0  # a refused poll's client gives up after this: held, it would fail the test


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _event(terminal: str, seq: int) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": "H1", "terminal_id": terminal,
            "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16,
            "type": "WindowConfigured", "schema_version": 1,
            "payload": {"window": "1", "services": None}}


def _polls(url: str) -> dict[str, int]:
    """The process's long-poll figures (the test asks over loopback: it is told them)."""
    figures: dict[str, int] = httpx.get(f"{url}/v1/health", timeout=10).json()["long_polls"]
    return figures


def _until(check: Any, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.02)


def _retry_after(answer: httpx.Response) -> int:
    return int(answer.headers["retry-after"])


def test_past_the_cap_a_poll_answers_at_once(make_server: Any, make_terminal: Any) -> None:
    srv = make_server(role="central", max_long_polls=3)
    tokens = [srv.token("H1", f"T{i}") for i in range(6)]
    assert _polls(srv.url) == {"held": 0, "cap": 3, "peak": 0, "refused": 0}
    with ThreadPoolExecutor(3) as pool:
        held = [pool.submit(httpx.get, f"{srv.url}/v1/sync/pull", params={"wait": WAIT},
                            headers=_auth(t), timeout=WAIT + 10) for t in tokens[:3]]
        _until(lambda: _polls(srv.url)["held"] == 3, "three polls held")
        # the fourth: answered at once, nothing held, told when to ask again
        over = httpx.get(f"{srv.url}/v1/sync/pull", params={"wait": WAIT},
                         headers=_auth(tokens[3]), timeout=QUICK)
        assert over.status_code == 200 and over.json()["events"] == []
        assert RETRY_AFTER_S[0] <= _retry_after(over) <= RETRY_AFTER_S[1]
        inbox = httpx.get(f"{srv.url}/v1/travel/inbox", params={"wait": 25},
                          headers=_auth(tokens[3]), timeout=QUICK)
        assert inbox.status_code == 200 and inbox.json() == {"items": [], "next": 0}
        assert RETRY_AFTER_S[0] <= _retry_after(inbox) <= RETRY_AFTER_S[1]
        # a terminal's client takes the hint: its sync loop waits that long (sync/runner.py)
        client = make_terminal(srv.url, tokens[4], "T4")
        assert client.pull(wait=WAIT) == 0
        assert RETRY_AFTER_S[0] <= client.poll_pause <= RETRY_AFTER_S[1]
        assert _polls(srv.url) == {"held": 3, "cap": 3, "peak": 3, "refused": 3}
        # the held ones still wake on a push (which got through with the cap full)
        pushed = httpx.post(f"{srv.url}/v1/sync/push", headers=_auth(tokens[5]),
                            json={"events": [_event("T5", 1)]}, timeout=QUICK)
        assert pushed.status_code == 200 and pushed.json()["inserted"] == 1
        answers = [f.result(timeout=WAIT) for f in held]
    assert [len(a.json()["events"]) for a in answers] == [1, 1, 1]
    assert all("retry-after" not in a.headers for a in answers)
    _until(lambda: _polls(srv.url)["held"] == 0, "the held polls released")
    # under the cap again: a poll is held (it ends at its own short wait, with no hint)
    again = httpx.get(f"{srv.url}/v1/sync/pull", params={"wait": 0.3, "cursor": ""},
                      headers=_auth(tokens[3]), timeout=QUICK)
    assert again.status_code == 200 and "retry-after" not in again.headers
    assert client.pull(wait=0.3) == 1 and client.poll_pause == 0.0
    assert _polls(srv.url) == {"held": 0, "cap": 3, "peak": 3, "refused": 3}
    # and `serve status` on the platform's machine says so
    where = ["--database", srv.database_url] if srv.engine.dialect.name == "postgresql" else []
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "serve", "status",
                           "--data-dir", str(srv.data_dir), "--url", srv.url, *where, "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["long_polls"] == {"held": 0, "cap": 3, "peak": 3,
                                                     "refused": 3}


def test_a_hub_refused_by_the_platforms_cap_waits_as_told(make_server: Any) -> None:
    """A real hub's two long-polls on the platform (its log pull and its travel inbox) against
    a cap of one: the one refused each round waits its Retry-After (2-10 s) before asking
    again, instead of asking at once (hundreds of refusals a second); its hall's events still
    go up."""
    central = make_server(role="central", max_long_polls=1)
    token = central.token("HB", "HUB", hub=True)
    hub = make_server("sqlite", role="hub", travel_every=0.2, upstream={
        "server": central.url, "token": token, "hall": "HB", "hub": "HUB", "wait": 1.0,
        "timeout": 3.0, "cap": 0.5, "idle": 0.2})
    _until(lambda: _polls(central.url)["refused"] >= 1, "a poll of the hub refused")
    first = _polls(central.url)["refused"]
    time.sleep(4.0)  # the window counted: both threads asking as often as they are let
    later = _polls(central.url)["refused"]
    # each refusal pauses its thread at least 2 s: over 4 s two threads are refused a few
    # times at most (a client asking again at once: hundreds)
    assert later - first <= 6, (first, later)
    desk = hub.token("HB", "D1")
    pushed = httpx.post(f"{hub.url}/v1/sync/push", headers=_auth(desk),
                        json={"events": [{**_event("D1", 1), "hall_id": "HB"}]}, timeout=QUICK)
    assert pushed.status_code == 200 and pushed.json()["inserted"] == 1, pushed.text

    def forwarded() -> int:
        with central.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(events).where(
                events.c.hall_id == "HB", events.c.terminal_id == "D1")).scalar_one())

    _until(lambda: forwarded() == 1, "the hall's event forwarded past the cap")


def test_a_bounded_load_of_long_polls_past_the_cap(make_server: Any) -> None:
    """120 polls at once (30 terminals, four each: the per-credential limit) against a cap of
    40: exactly 40 held, 80 answered at once; one push wakes the 40; nothing is left held."""
    cap, terminals, each = 40, 30, 4
    srv = make_server(role="central", max_long_polls=cap)
    tokens = [srv.token("H1", f"L{i}") for i in range(terminals)]
    pusher = srv.token("H1", "P1")

    async def load() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=terminals * each + 10)
        async with httpx.AsyncClient(base_url=srv.url, limits=limits,
                                     timeout=WAIT + 10) as http:
            polls = [asyncio.ensure_future(http.get(
                "/v1/sync/pull", params={"wait": WAIT}, headers=_auth(t)))
                for t in tokens for _ in range(each)]
            for _ in range(1000):  # bounded: every poll held or answered
                figures = (await http.get("/v1/health")).json()["long_polls"]
                answered = sum(p.done() for p in polls)
                if figures["held"] + figures["refused"] == len(polls) and \
                        answered >= figures["refused"]:
                    break
                await asyncio.sleep(0.02)
            assert figures == {"held": cap, "cap": cap, "peak": cap,
                               "refused": len(polls) - cap}
            refused = [p for p in polls if p.done()]
            assert len(refused) == len(polls) - cap
            pushed = await http.post("/v1/sync/push", headers=_auth(pusher),
                                     json={"events": [_event("P1", 1)]})
            assert pushed.status_code == 200, pushed.text
            return list(await asyncio.wait_for(asyncio.gather(*polls), WAIT))

    answers = asyncio.run(load())
    held = [a for a in answers if "retry-after" not in a.headers]
    assert len(held) == cap and all(len(a.json()["events"]) == 1 for a in held)
    refused = [a for a in answers if "retry-after" in a.headers]
    assert len(refused) == len(answers) - cap
    assert all(a.status_code == 200 and a.json()["events"] == [] for a in refused)
    _until(lambda: _polls(srv.url)["held"] == 0, "every poll released")
