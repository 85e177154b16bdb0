"""日结 on the hall's hours (issue 25): today is closed without --force once the hall's closing
time has passed (and a run with no --day then includes it), before it only on purpose; a hall
with no hours never closes, so today stays --force; a holiday (closed all day) may be closed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hall.app import Hall
from hall.errors import DomainError
from hall.session import Session
from hall.terminal_setup import setup_terminal

ZONE = ZoneInfo("Asia/Shanghai")
HOURS: dict[str, Any] = {
    "week": {d: ["08:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")},
    "lunch": {"from": "12:00", "to": "13:30", "open": False},
    "special": {"2026-12-10": ["08:30-20:00"], "2026-12-14": "closed"},  # 延时服务; a holiday
    "last_ticket_min": 30,
}
PW = "close-day-pass-1"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@pytest.fixture
def station(tmp_path: Path) -> tuple[Hall, list[datetime], Session]:
    folder = tmp_path / "desk"
    setup_terminal(folder, "SY-ZW01", "D1", standalone=True)
    wall = [at("2026-12-08T10:00")]
    hall = Hall.open(folder, wall=lambda: wall[0])
    admin = hall.first_admin("admin", PW)
    return hall, wall, admin


def test_today_closes_on_the_hours(station: tuple[Hall, list[datetime], Session]) -> None:
    hall, wall, admin = station
    try:
        admin.settings.request({"hours": HOURS})
        kiosk = hall.kiosk_session()
        waiting = kiosk.tickets.take("newborn").value
        closing = admin.admin.closing
        assert closing.closes_at() == at("2026-12-08T17:30")
        # before closing: only on purpose, the closing time said
        wall[0] = at("2026-12-08T16:00")
        assert not closing.closed_for_today()
        with pytest.raises(DomainError) as refused:
            admin.admin.close_day("2026-12-08")
        assert refused.value.code == "close_day_today"
        assert refused.value.params["closes_at"] == "17:30"
        assert admin.admin.close_day().value == []  # the default leaves today alone
        # after closing: offered, no force; the default run includes today
        wall[0] = at("2026-12-08T17:45")
        assert closing.closed_for_today()
        done = admin.admin.close_day().value
        assert [(d.day, d.closed_now, d.no_shows) for d in done] == [("2026-12-08", True, 1)]
        assert kiosk.tickets.get(waiting.id).status == "no_show"
        # a 延时服务 evening closes later; a holiday is over from its start
        assert closing.closes_at("2026-12-10") == at("2026-12-10T20:00")
        assert closing.closes_at("2026-12-14") == at("2026-12-14T00:00")
    finally:
        hall.close()


def test_a_hall_that_never_closes_closes_today_only_with_force(
        station: tuple[Hall, list[datetime], Session]) -> None:
    hall, wall, admin = station
    try:
        hall.kiosk_session().tickets.take("newborn")
        wall[0] = at("2026-12-08T23:50")
        assert admin.admin.closing.closes_at() is None
        assert not admin.admin.closing.closed_for_today()
        with pytest.raises(DomainError) as refused:
            admin.admin.close_day("2026-12-08")
        assert refused.value.params["closes_at"] is None
        assert admin.admin.close_day().value == []
        done = admin.admin.close_day("2026-12-08", force=True).value
        assert done[0].closed_now and done[0].no_shows == 1
    finally:
        hall.close()
