"""Two terminals of one hall close the same day through a real hub, before either has heard of
the other's close: both DayClosed events reach every store, and every store keeps the same one
(the close that counted the most tickets), counts nothing twice, and ends every ticket the same
way; a ticket one terminal served while the other closed it stays served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hall import counted_close
from sync.client import SyncClient
from sync.server.tables import events
from tests.conftest import OP

_behind = {"days": 1}  # the terminals live yesterday, then close it the next morning


def _clock() -> datetime:
    return datetime.now(UTC) - timedelta(days=_behind["days"])


def _states(client: SyncClient, day: str) -> dict[str, str]:
    rows = client.core.conn.execute("SELECT ticket_id, status FROM tickets WHERE day = ?",
                                    (day,)).fetchall()
    return {str(t): str(s) for t, s in rows}


def test_two_terminals_close_one_day(make_server: Any, make_terminal: Any) -> None:
    hub = make_server(role="hub")
    _behind["days"] = 1
    k1 = make_terminal(hub.url, hub.token("H1", "K1"), "K1", wall=_clock)
    k2 = make_terminal(hub.url, hub.token("H1", "K2"), "K2", wall=_clock)
    day = k1.hall.today()
    first = [k1.hall.tickets.take(OP, "newborn").value for _ in range(3)]
    for _ in range(2):
        k2.hall.tickets.take(OP, "newborn")
    k1.once()
    k2.once()
    k1.once()
    assert len(_states(k1, day)) == len(_states(k2, day)) == 5

    # apart: K2 serves K1's first ticket and issues one more, K1 hears of neither
    called = k2.hall.tickets.call_next(OP, "1").value
    assert called.id == first[0].id
    k2.hall.tickets.done(OP, called.id)
    k2.hall.tickets.take(OP, "newborn")

    _behind["days"] = 0  # the next morning
    (c1,) = k1.hall.closing.close_day(OP, day).value
    (c2,) = k2.hall.closing.close_day(OP, day).value
    assert c1.closed_now and c2.closed_now  # neither knew of the other's close
    assert (c1.no_shows, c1.stats.total.issued) == (5, 5)  # K1 saw the served one waiting
    assert (c2.no_shows, c2.stats.total.issued) == (5, 6)

    for _ in range(2):
        k1.once()
        k2.once()
    with hub.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(events).where(
            events.c.type == "DayClosed")).scalar() == 2

    kept = [counted_close.closed(c.core.conn, day) for c in (k1, k2)]
    assert kept[0] is not None and kept[1] is not None
    assert kept[0].event_id == kept[1].event_id  # the same close counts everywhere
    assert kept[0].terminal == "K2" and kept[0].closes == kept[1].closes == 2
    for client in (k1, k2):
        frozen = client.hall.stats.day(OP, day)
        assert frozen.frozen and frozen.closed is not None
        assert (frozen.total.issued, frozen.total.served, frozen.total.no_show) == (6, 1, 5)
        assert frozen.closed.late_tickets == 0 and frozen.closed.open_tickets == 0
    states = _states(k1, day)
    assert states == _states(k2, day)
    assert states[first[0].id] == "done"  # K1's no-show of it did not undo K2's service
    assert sorted(states.values()) == ["done"] + ["no_show"] * 5

    # closing again anywhere changes nothing
    (again,) = k1.hall.closing.close_day(OP, day).value
    assert not again.closed_now and again.no_shows == 0
    assert again.stats.closed is not None and again.stats.closed.event_id == kept[0].event_id
    assert k1.hall.closing.close_day(OP).value == []
    assert k1.once()["pushed"] == 0
