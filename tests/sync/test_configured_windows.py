"""Windows checked against the hall's configuration (issue #19): once the hall's signed settings
list its windows (`windows`), the hub refuses `/calls/next` for any other window (409, code
`window_not_configured`, audited in the hub's stream) and refuses the events that put a ticket
at one (dead-lettered with the reason). Through the real server over HTTP, SQLite and
PostgreSQL, with raw requests."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from hall.actors import Actor
from hall.errors import ConfigError, DomainError
from hall.hall_settings import check_changes
from sync.server.tables import dead_letters, events
from tests.sync.test_event_trust import AT, CLERK, _event, _push, _ticket, _why

BOSS = Actor.account("boss", "supervisor").record()


def _call(http: httpx.Client, token: str, window: str) -> httpx.Response:
    return http.post("/v1/calls/next", json={"window": window},
                     headers={"authorization": f"Bearer {token}"})


def _refusals(srv: Any) -> list[dict[str, Any]]:
    with srv.engine.connect() as c:
        rows = c.execute(select(events.c.payload).where(
            events.c.terminal_id == "hub", events.c.type == "AuditRecorded")).all()
    return [json.loads(r.payload) for r in rows
            if json.loads(r.payload).get("outcome") == "window_not_configured"]


def test_windows_the_hall_did_not_configure_call_nothing(make_server, make_terminal) -> None:
    srv = make_server()
    desk = srv.token("H1", "D1")
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        first = _push(http, desk, [
            _event("D1", 1, "TicketIssued", _ticket(by=CLERK)),
            _event("D1", 2, "TicketIssued", _ticket(8, "A008", by=CLERK))])
        assert first["inserted"] == 2
        hoard = _call(http, desk, "W90")  # the hall lists no window yet: offered to W90
        assert hoard.status_code == 200 and hoard.json()["label"] in ("A007", "A008")
        asked = _push(http, desk, [_event("D1", 3, "HallSettingsRequested", {
            "changes": {"windows": ["1", "2"]}, "at": AT, "by": BOSS})])
        assert asked["inserted"] == 1, asked
        for window in ("W90", "W91", "W90"):  # nor can W90 renew its offer: it lapses (30 s)
            refused = _call(http, desk, window)
            assert refused.status_code == 409, refused.text
            assert refused.json()["code"] == "window_not_configured"
        called = _call(http, desk, "1")
        assert called.status_code == 200, called.text
        assert {called.json()["label"], hoard.json()["label"]} == {"A007", "A008"}
        # the events that put a ticket at a window: refused for W90, taken for window 1
        answer = _push(http, desk, [
            _event("D1", 4, "TicketCalled", {"ticket_id": "t1", "window": "W90",
                                             "called_at": AT, "by": CLERK}),
            _event("D1", 5, "TicketTransferred", {"ticket_id": "t1", "service_id": "newborn",
                                                  "target_window": "W92", "at": AT,
                                                  "by": CLERK}),
            _event("D1", 6, "TicketCalled", {"ticket_id": "t1", "window": "2",
                                             "called_at": AT, "by": CLERK})])
    desk2 = make_terminal(srv.url, srv.token("H1", "D2"), "D2", lease_series=())
    with pytest.raises(DomainError) as told:  # what a desk's clerk is told (ui/messages.py)
        desk2.call_next("W93", Actor.account("clerk2", "clerk", "W93"))
    assert told.value.code == "window_not_configured"
    why = _why(answer)
    assert answer["accepted_through_seq"] == 6 and sorted(why) == [4, 5], answer
    assert all(r.startswith("window_not_configured") for r in why.values())
    with srv.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(dead_letters)).scalar() == 2
    audited = _refusals(srv)  # one entry per terminal and window a minute, not per request
    assert sorted(a["target"] for a in audited) == [
        "call_next W90", "call_next W91", "call_next W93"]
    assert {a["actor"] for a in audited} == {"D1", "D2"}


def test_a_window_list_is_checked_where_it_is_set() -> None:
    assert check_changes({"windows": "1, 2,A-3"}) == {"windows": ["1", "2", "A-3"]}
    assert check_changes({"windows": ""}) == {"windows": []}  # no list: the check is off
    for bad in (["1", "1"], ["W\u202e1"], ["x" * 17], 7, ["1"] * 201):
        with pytest.raises(ConfigError) as refused:
            check_changes({"windows": bad})
        assert refused.value.code == "bad_setting"
