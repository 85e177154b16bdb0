"""`admin close-day` through the CLI on the encrypted store: yesterday's unserved tickets end as
no-shows (reason day_closed), its figures are frozen and read back by `stats --day`, closing again
changes nothing and says so, today is closed only on purpose, and a ticket that reaches a closed
day later is ended by the next run without touching the frozen figures."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hall.actors import Actor
from hall.app import Hall
from hall.errors import AccessError
from tests.conftest import OP, ROOT

YESTERDAY = timedelta(days=1)


def cli(data: Path, *args: str) -> tuple[int, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--data-dir", str(data),
                           "--json"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, (done.stdout, done.stderr)
    return done.returncode, json.loads(lines[0])


def _yesterday() -> datetime:
    return datetime.now(UTC) - YESTERDAY


@pytest.fixture
def data(tmp_path: Path) -> Path:
    code, _ = cli(tmp_path, "setup", "--hall", "H1", "--terminal", "K1", "--standalone")
    assert code == 0
    return tmp_path


def _pulled_ticket(data: Path, day: str) -> str:
    """A ticket of `day` issued by another terminal, absorbed as sync absorbs a pulled event."""
    from hall.events import Event, EventType
    from hall.ids import new_id
    from hall.store.eventlog import insert
    from hall.store.projections import apply

    ticket_id = new_id()
    with Hall.open(data) as hall, hall.core.write(source="sync") as conn:
        late = Event(new_id(), hall.config.hall_id, "K9", 1, hall.core.hlc.tick(),
                     EventType.TICKET_ISSUED, {
                         "ticket_id": ticket_id, "service_id": "newborn", "series": "A-K9",
                         "number": 1, "label": "A-K9-001", "day": day, "priority": "regular",
                         "issued_at": f"{day}T16:00:00.000+08:00"})
        insert(conn, late)
        apply(conn, late)
    return ticket_id


def _yesterdays_tickets(data: Path) -> tuple[str, dict[str, str]]:
    """Six tickets of yesterday, one in each state a day can end with."""
    with Hall.open(data, wall=_yesterday) as hall:
        t = hall.tickets
        ids = [t.take(OP, "newborn").value.id for _ in range(6)]
        t.call_next(OP, "1")
        t.done(OP, ids[0])  # served
        t.call_next(OP, "1")
        t.start(OP, ids[1])  # still being served at the close: left as it is
        t.call_next(OP, "2")  # ids[2] called, never came
        t.call_next(OP, "3")
        t.park(OP, ids[3])  # parked
        t.cancel(OP, ids[5])  # cancelled; ids[4] still waiting
        day = hall.today()
    return day, {"done": ids[0], "serving": ids[1], "called": ids[2], "parked": ids[3],
                 "waiting": ids[4], "cancelled": ids[5]}


def test_close_day_through_the_cli(data: Path) -> None:
    assert (data / "hall.db").read_bytes()[:16] != b"SQLite format 3\x00"  # SQLCipher
    day, ids = _yesterdays_tickets(data)
    code, out = cli(data, "ticket", "take", "--service", "newborn")
    assert code == 0
    today_ticket = out["ticket"]["id"]

    code, out = cli(data, "admin", "close-day")  # the default: every unclosed day before today
    assert code == 0, out
    assert [d["day"] for d in out["days"]] == [day]
    closed = out["days"][0]
    assert closed["closed_now"] and not closed["already_closed"]
    assert (closed["no_shows"], closed["serving"]) == (3, 1)  # called, parked, waiting
    figures = closed["figures"]
    assert figures["frozen"] and figures["scope"] == "hall" and figures["day"] == day
    assert figures["total"]["issued"] == 6 and figures["total"]["served"] == 1
    assert figures["total"]["no_show"] == 3 and figures["total"]["cancelled"] == 1
    assert figures["total"]["waiting"] == 0
    assert figures["closed"]["terminal"] == "K1" and figures["closed"]["closes"] == 1
    assert figures["closed"]["by"].startswith("os:")

    # each unserved ticket ended by its own event, reason day_closed; the others untouched
    for state, ticket in ids.items():
        code, out = cli(data, "ticket", "show", "--ticket", ticket)
        expected = {"called": "no_show", "parked": "no_show", "waiting": "no_show"}.get(state,
                                                                                         state)
        assert out["ticket"]["status"] == expected, (state, out)
    code, out = cli(data, "ticket", "show", "--ticket", today_ticket)
    assert out["ticket"]["status"] == "waiting"  # today is never closed by default
    with Hall.open(data) as hall:
        reasons = [json.loads(p)["reason"] for (p,) in hall.core.conn.execute(
            "SELECT payload FROM events WHERE type = 'TicketNoShow'")]
        assert reasons == ["day_closed"] * 3
        assert hall.core.conn.execute(
            "SELECT COUNT(*) FROM events WHERE type = 'DayClosed'").fetchone()[0] == 1

    # closing again changes nothing, and says so
    code, out = cli(data, "admin", "close-day")
    assert code == 0 and out == {"days": []}
    code, again = cli(data, "admin", "close-day", "--day", day)
    assert code == 0
    (same,) = again["days"]
    assert same["already_closed"] and same["no_shows"] == 0
    assert same["figures"] == figures
    code, stats = cli(data, "stats", "--day", day)
    assert code == 0 and stats["frozen"] and stats["closed"]["event_id"] == (
        figures["closed"]["event_id"])
    assert (stats["issued"], stats["served"], stats["no_show"]) == (6, 1, 3)

    # the rebuild replays into the same close; check finds the log whole
    code, out = cli(data, "admin", "rebuild")
    assert code == 0 and out["rebuild"]["identical"], out
    code, out = cli(data, "admin", "check")
    assert code == 0 and out["check"]["ok"]
    assert cli(data, "stats", "--day", day)[1] == stats

    # a ticket that reaches the closed day later (pulled from a terminal that was offline; this
    # terminal's own day never goes back to a closed one): reported, ended by the next run, not
    # counted
    late = _pulled_ticket(data, day)
    code, stats = cli(data, "stats", "--day", day)
    assert stats["issued"] == 6 and stats["closed"]["late_tickets"] == 1
    assert stats["closed"]["open_tickets"] == 1
    code, out = cli(data, "admin", "close-day")
    (swept,) = out["days"]
    assert swept["already_closed"] and swept["no_shows"] == 1
    assert swept["figures"]["total"] == figures["total"]
    assert cli(data, "ticket", "show", "--ticket", late)[1]["ticket"]["status"] == "no_show"
    assert cli(data, "admin", "close-day")[1] == {"days": []}


def test_today_only_on_purpose_and_never_the_future(data: Path) -> None:
    code, out = cli(data, "ticket", "take", "--service", "newborn")
    ticket = out["ticket"]["id"]
    with Hall.open(data) as hall:
        today = hall.today()
    tomorrow = (datetime.fromisoformat(today) + timedelta(days=1)).date().isoformat()
    code, out = cli(data, "admin", "close-day", "--day", today)
    assert (code, out["error"]) == (3, "close_day_today")
    code, out = cli(data, "admin", "close-day", "--day", tomorrow, "--force")
    assert (code, out["error"]) == (3, "close_day_future")
    code, out = cli(data, "admin", "close-day", "--day", "2026-02-30")
    assert (code, out["error"]) == (2, "usage")
    code, out = cli(data, "admin", "close-day", "--force")
    assert (code, out["error"]) == (2, "usage")
    assert cli(data, "ticket", "show", "--ticket", ticket)[1]["ticket"]["status"] == "waiting"
    code, out = cli(data, "admin", "close-day", "--day", today, "--force")
    assert code == 0 and out["days"][0]["no_shows"] == 1
    assert out["days"][0]["figures"]["total"]["no_show"] == 1
    assert cli(data, "ticket", "show", "--ticket", ticket)[1]["ticket"]["status"] == "no_show"


def test_only_those_allowed_close_a_day(data: Path) -> None:
    with Hall.open(data, wall=_yesterday) as hall:
        hall.tickets.take(OP, "newborn")
        day = hall.today()
    with Hall.open(data) as hall:
        for actor in (Actor.account("c1", "clerk"), Actor.account("s1", "supervisor"),
                      hall.kiosk(), Actor.nobody()):
            with pytest.raises(AccessError):
                hall.closing.close_day(actor, day)
        assert hall.closing.closed(day) is None
        done = hall.closing.close_day(Actor.account("a1", "admin"), day).value
        assert done[0].closed_now and done[0].stats.closed is not None
        assert done[0].stats.closed.by == "a1"
        # a clerk's own figures of a closed day are counted, not frozen, and name the close
        own = hall.stats.day(Actor.account("c1", "clerk"), day)
        assert not own.frozen and own.closed is not None
