"""The back office, the hall's settings and appointments are the session's too (issue 20): a
department's session decides its parts, a clerk's is refused before anything is read (audited);
a supervisor's session asks for a settings change, a clerk's is refused; the faces-use-sessions
contract names no exception left."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from hall.app import Hall
from hall.errors import AccessError
from hall.security import audit
from hall.terminal_setup import setup_terminal
from tests.conftest import ROOT
from tests.hall.test_cases_ratings_stats import PERSON

PW = "session-groups-1"


def test_no_face_is_let_past_its_session() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    faces = next(c for c in contracts["tool"]["importlinter"]["contracts"]
                 if c.get("id") == "faces-use-sessions")
    assert "hall.actors" in faces["forbidden_modules"]
    assert "hall.app" in faces["forbidden_modules"]  # the whole hall: ui/opening.py opens it
    assert not faces.get("ignore_imports")


def test_parts_settings_and_appointments_through_sessions(tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    setup_terminal(folder, "SY-ZW01", "D1", standalone=True)
    with Hall.open(folder) as hall:
        admin = hall.first_admin("admin", PW)
        admin.accounts.add("li", "clerk", PW)
        admin.accounts.add("zhao", "supervisor", PW)
        admin.accounts.add("wjw1", "department", PW, department="市卫健委")
        clerk = hall.sign_in("li", PW, window="1")
        items = [m for m in (hall.catalog.get("newborn").materials)]
        from hall.cases import MaterialItem

        case = clerk.cases.accept("newborn", PERSON,
                                  [MaterialItem(m.name, "submitted") for m in items]).value
        health = hall.sign_in("wjw1", PW)
        assert health.department == "市卫健委"
        mine = health.parts.queue()
        assert mine and {p.department for p in mine} == {"市卫健委"}
        step = mine[0].step
        with pytest.raises(AccessError) as refused:  # a clerk decides no part
            clerk.parts.decide(case.number, step, "received")
        assert refused.value.code == "forbidden"
        entry = audit.trail(hall.core.conn, action="command_refused", limit=1)[0]
        assert (entry["actor"], entry["target"]) == ("li", "decide_step")
        decided = health.parts.decide(case.number, step, "received").value
        assert {s.step: s.status for s in decided.steps}[step] == "received"
        # the hall's settings: a supervisor asks (this station signs it), a clerk may not
        with pytest.raises(AccessError):
            clerk.settings.request({"elder_age": 65})
        boss = hall.sign_in("zhao", PW, window="1")
        shown = boss.settings.request({"elder_age": 65}).value
        assert shown.settings["elder_age"] == 65 and clerk.settings.view().version == shown.version
        # appointments: the timetable any session reads, the day's list a clerk's
        assert clerk.appointments.on_day() == []
        assert isinstance(hall.kiosk_session().appointments.slots("newborn", clerk.today()), list)
