"""Opening hours (issue 25): before, during and after the hall's hours, at lunch with and without
午休不关门, a 调休 Saturday, a holiday, a 延时服务 evening, the last-ticket time, a service's own
hours; `ticket take` outside hours refused with the next opening; a bad value named."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hall import hours
from hall.app import Hall
from hall.errors import ConfigError, DomainError
from hall.terminal_setup import setup_terminal

ZONE = ZoneInfo("Asia/Shanghai")
WORKDAY = ["08:30-17:30"]
HOURS: dict[str, Any] = {
    "week": {d: WORKDAY for d in ("mon", "tue", "wed", "thu", "fri")},
    "lunch": {"from": "12:00", "to": "13:30", "open": False},
    # 2026-12-12 is a Saturday worked (调休); 2026-12-14 a Monday off; 2026-12-10 延时服务
    "special": {"2026-12-12": "workday", "2026-12-14": "closed",
                "2026-12-10": ["08:30-20:00"]},
    "last_ticket_min": 30,
    "services": {"social_security_card": {"week": {"sat": ["09:00-12:00"]}}},
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def test_where_a_moment_stands() -> None:
    h = hours.parse(HOURS)
    assert h is not None

    def state(text: str) -> tuple[bool, str | None]:
        s = hours.standing(h, at(text), ZONE)
        nxt = s.next_opening.isoformat(timespec="minutes") if s.next_opening else None
        return s.open_now, nxt

    # Tuesday 2026-12-08: before, during, at lunch (closed), after
    assert state("2026-12-08T07:59") == (False, "2026-12-08T08:30+08:00")
    assert state("2026-12-08T09:00") == (True, None)
    assert state("2026-12-08T12:30") == (False, "2026-12-08T13:30+08:00")
    assert state("2026-12-08T18:00") == (False, "2026-12-09T08:30+08:00")
    # past the last ticket (17:00) but before closing: open, the next opening said
    assert state("2026-12-08T17:10") == (True, "2026-12-09T08:30+08:00")
    # 延时服务 on Thursday the 10th: open at 19:00 (lunch still closes)
    assert state("2026-12-10T19:00") == (True, None)
    assert state("2026-12-10T12:10")[0] is False
    # Friday evening: the next opening is the 调休 Saturday, not Monday
    assert state("2026-12-11T18:00") == (False, "2026-12-12T08:30+08:00")
    assert state("2026-12-12T10:00") == (True, None)
    # Sunday: Monday the 14th is a holiday, so Tuesday
    assert state("2026-12-13T10:00") == (False, "2026-12-15T08:30+08:00")
    # 午休不关门: the same hall open through lunch
    staying = hours.parse({**HOURS, "lunch": {"from": "12:00", "to": "13:30", "open": True}})
    assert hours.standing(staying, at("2026-12-08T12:30"), ZONE).open_now
    # a service's own hours: 社保卡 on Saturday mornings only
    card = h.for_service("social_security_card")
    assert hours.standing(card, at("2026-12-19T10:00"), ZONE).open_now
    assert not hours.standing(card, at("2026-12-08T10:00"), ZONE).open_now
    # no hours: the hall never closes
    assert hours.standing(None, at("2026-12-13T03:00"), ZONE).open_now


@pytest.mark.parametrize("bad, key", [
    ({"week": {"mon": ["8:30-17:30"]}}, "hours.week.mon"),
    ({"week": {"mon": ["17:30-08:30"]}}, "hours.week.mon"),
    ({"week": {"funday": []}}, "hours.week.funday"),
    ({"lunch": {"from": "13:00", "to": "12:00"}}, "hours.lunch"),
    ({"special": {"2026-13-01": "closed"}}, "hours.special.2026-13-01"),
    ({"last_ticket_min": -5}, "hours.last_ticket_min"),
    ({"opening": {}}, "hours.opening"),
])
def test_a_bad_value_is_named(bad: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        hours.parse(bad)
    assert refused.value.params["key"] == key and refused.value.code == "bad_setting"


Clock = Callable[[], datetime]


def _hall(folder: Path, wall: list[datetime]) -> Hall:
    return Hall.open(folder, wall=lambda: wall[0])


def test_take_follows_the_hours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kiosk"
    setup_terminal(folder, "SY-ZW01", "K1", standalone=True)
    wall = [at("2026-12-08T10:00")]
    with _hall(folder, wall) as hall:
        admin = hall.accounts.add(None, "admin", "admin", "admin-pass-1").value
        hall.settings.request(admin, {"hours": HOURS})
        kiosk = hall.kiosk()
        service = "enterprise_info_change"
        assert hall.tickets.take(kiosk, service).value.number
        for moment, reason, nxt in (
                ("2026-12-08T07:00", "closed", "2026-12-08T08:30+08:00"),
                ("2026-12-08T12:15", "closed", "2026-12-08T13:30+08:00"),
                ("2026-12-08T17:05", "last_ticket", "2026-12-09T08:30+08:00"),
                ("2026-12-13T10:00", "closed", "2026-12-15T08:30+08:00")):
            wall[0] = at(moment)
            with pytest.raises(DomainError) as refused:
                hall.tickets.take(kiosk, service)
            assert refused.value.code == "hall_closed", moment
            assert refused.value.params == {"reason": reason, "next_opening": nxt,
                                            "opens": nxt[5:16].replace("T", " "),
                                            "service": service}
            assert nxt in refused.value.message
        wall[0] = at("2026-12-12T09:00")  # 调休 Saturday
        assert hall.tickets.take(kiosk, service).value.number
        assert hall.settings.standing().open_now

    # the command line: exit 3, hall_closed, the next opening in the message and the JSON
    from cli import main

    # (the command line runs on the real clock: hours closed all week but tomorrow morning)
    tomorrow = (datetime.now(ZONE) + timedelta(days=1)).date().isoformat()
    with Hall.open(folder) as hall:
        hall.settings.request(hall.accounts.sign_in("admin", "admin-pass-1"), {"hours": {
            **HOURS, "week": {}, "special": {tomorrow: ["08:30-12:00"], "2026-12-12": "workday"},
            "services": {}}})
    code = main(["ticket", "take", "--service", "enterprise_info_change", "--data-dir",
                 str(folder), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 3 and out["error"] == "hall_closed"
    assert out["next_opening"] == f"{tomorrow}T08:30+08:00"
    assert out["next_opening"] in out["message"]
    code = main(["hall", "hours", "--data-dir", str(folder), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["open_now"] is False
    assert out["week"]["mon"] == [] and out["special"][tomorrow] == ["08:30-12:00"]
    assert out["lunch"] == {"from": "12:00", "to": "13:30", "open": False}
    assert out["special"]["2026-12-12"] == "workday"
    monkeypatch.setattr(sys, "stdin", io.StringIO("admin-pass-1\n"))
    code = main(["hall", "settings", "--set", "hours={\"week\": {\"mon\": [\"25:00-26:00\"]}}",
                 "--as", "admin", "--data-dir", str(folder), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2 and "hours.week.mon" in out["message"]
