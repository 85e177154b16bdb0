"""The one entry (`Hall`): actors and refusals, what commands change, who hears of it, and the
read models the faces stand on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hall.actors import Actor
from hall.app import Hall
from hall.changes import Changes
from hall.errors import AccessError
from hall.identity import Applicant
from hall.terminal_setup import setup_terminal
from tests.conftest import OP, ROOT
from tests.hall.test_cases_ratings_stats import newborn_items

CLERK = Actor.account("li", "clerk", "1")
SUPERVISOR = Actor.account("zhao", "supervisor")
NOBODY = Actor.nobody()
PERSON = Applicant.from_id(b"k" * 32, "王小明", "11010519491231002X", verified=True)


def events(hall: Hall) -> list[tuple[str, dict]]:
    return [(t, json.loads(p)) for t, p in hall.core.conn.execute(
        "SELECT type, payload FROM events ORDER BY pos")]


@pytest.mark.parametrize(
    ("who", "command", "code"),
    [
        (CLERK, lambda h, a, tmp: h.exports.cases(a, tmp / "out.jsonl"), "forbidden"),
        (CLERK, lambda h, a, tmp: h.retention.purge(a, days=30), "forbidden"),
        (Actor.kiosk("K3"), lambda h, a, tmp: h.tickets.call_next(a, "1"), "forbidden"),
        (Actor.kiosk("K3"), lambda h, a, tmp: h.cases.accept(a, "newborn", PERSON,
                                                               newborn_items(), promise="p"),
         "forbidden"),
        (NOBODY, lambda h, a, tmp: h.cases.accept(a, "newborn", PERSON, newborn_items(),
                                                    promise="p"), "signed_out"),
        (NOBODY, lambda h, a, tmp: h.tickets.take(a, "newborn"), "signed_out"),
        (CLERK, lambda h, a, tmp: h.stats.day(a) and h.ratings.follow_ups(a), "forbidden"),
        (CLERK, lambda h, a, tmp: h.windows.configure(a, "1", ["newborn"]), "forbidden"),
    ],
)
def test_a_refused_command_writes_nothing_but_its_audit_entry(
        hall: Hall, tmp_path: Path, who: Actor, command, code: str) -> None:
    before = hall.core.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(AccessError) as err:
        command(hall, who, tmp_path)
    assert err.value.code == code and err.value.params["role"] == who.role
    written = events(hall)[before:]
    assert [t for t, _ in written] == ["AuditRecorded"]
    entry = written[0][1]
    assert (entry["action"], entry["outcome"], entry["role"]) == (
        "command_refused", "forbidden", who.role)
    assert not (tmp_path / "out.jsonl").exists()


def test_every_event_names_its_actor_and_permissions_follow_roles(hall: Hall) -> None:
    kiosk = hall.kiosk()
    t = hall.tickets.take(kiosk, "newborn").value
    hall.tickets.call_next(CLERK, "1")
    hall.tickets.start(CLERK, t.id)
    case = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(), ticket=t.number,
                             promise="补交").value
    hall.tickets.done(CLERK, t.id)
    hall.ratings.rate(kiosk, t.id, 5)
    hall.help.request(kiosk, "elder")
    for event_type, payload in events(hall):
        by = payload["by"]
        assert by["kind"] in ("account", "kiosk", "operator", "system"), event_type
        assert by["name"] and by["role"]
    issued = dict(events(hall))["TicketIssued"]["by"]
    assert issued == {"kind": "kiosk", "name": "K3", "role": "kiosk"}
    accepted = dict(events(hall))["CaseAccepted"]["by"]
    assert accepted == {"kind": "account", "name": "li", "role": "clerk", "window": "1"}
    assert case.ticket_id == t.id
    assert not CLERK.can("export") and SUPERVISOR.can("export")
    assert not Actor.kiosk("K3").can("queue") and OP.can("purge") and not OP.can("accounts")


def test_commands_return_what_they_changed(hall: Hall) -> None:
    kiosk = hall.kiosk()
    taken = hall.tickets.take(kiosk, "newborn")
    assert taken.changes.tickets and not taken.changes.calls
    called = hall.tickets.call_next(CLERK, "1")
    assert called.changes.calls and called.changes.tickets and called.value.decided_by == "local"
    done = hall.tickets.done(CLERK, called.value.id)
    rated = hall.ratings.rate(kiosk, done.value.id, 1, "态度差")
    assert rated.changes.ratings and rated.changes.accounts is False
    window = hall.windows.configure(SUPERVISOR, "2", ["newborn"])
    assert window.changes.windows and window.value.services == ("newborn",)
    helped = hall.help.request(kiosk, "disabled")
    assert helped.changes.help and helped.value.status == "open"
    assert hall.help.answer(CLERK, helped.value.id).value.answered_by == "li"


def test_a_subscriber_hears_local_commands_after_their_commit(hall: Hall) -> None:
    heard: list[Changes] = []
    stop = hall.subscribe(heard.append)
    hall.tickets.take(OP, "newborn")
    assert len(heard) == 1 and heard[0].tickets and heard[0].source == "local"
    count = hall.core.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert count == 1  # it was committed before anyone heard of it
    with pytest.raises(Exception):  # noqa: B017 (a refused command is not news)
        hall.tickets.call_next(Actor.kiosk("K3"), "1")
    assert [c.names() for c in heard] == [["tickets"], ["accounts"]]  # only the audit entry
    stop()
    hall.tickets.take(OP, "newborn")
    assert len(heard) == 2


def test_a_subscriber_hears_another_process_commit(tmp_path: Path) -> None:
    """The CLI in another process writes; the hall notices on its next poll (a face polls every
    ~100 ms; bench/notify.py measures the latency against the 250 ms bound)."""
    setup_terminal(tmp_path, "H1", "K3", standalone=True)
    hall = Hall.open(tmp_path)
    try:
        heard: list[Changes] = []
        hall.subscribe(heard.append)
        assert hall.poll_external() == Changes()  # nothing yet
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), "ticket", "take",
                               "--service", "newborn", "--data-dir", str(tmp_path), "--json"],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            hall.poll_external()
            time.sleep(0.05)
        assert heard and heard[0].tickets and heard[0].source == "external"
        assert hall.tickets.list()[0].number == "A001"
        assert hall.poll_external() == Changes()  # told once
    finally:
        hall.close()


def test_read_models_for_the_faces(hall: Hall, clock) -> None:
    kiosk = hall.kiosk()
    hall.windows.configure(SUPERVISOR, "1", ["newborn"])
    hall.windows.configure(SUPERVISOR, "2", None)
    for _ in range(4):
        hall.tickets.take(kiosk, "newborn")
        clock.advance(30)
    board = hall.views.waiting()
    newborn = board.service("newborn")
    assert newborn is not None and newborn.count == 4 and board.total == 4
    assert newborn.expected_wait_s == 2 * 300  # 4 waiting, 2 windows, no service time yet
    assert {g.key for g in board.by_group} >= {"A", "B"}
    first = hall.tickets.call_next(CLERK, "1").value
    hall.tickets.start(CLERK, first.id)
    clock.advance(240)
    hall.tickets.done(CLERK, first.id)
    second = hall.tickets.call_next(CLERK, "1").value
    hall.tickets.recall(CLERK, second.id)
    calling = hall.views.now_calling()
    assert [(c.window, c.number, c.recalls) for c in calling] == [("1", "A002", 1)]
    calls = hall.views.last_calls(5)
    assert [(c.number, c.kind) for c in calls] == [("A002", "recall"), ("A002", "call"),
                                                    ("A001", "call")]
    assert hall.views.calls_after(calls[1].pos) == [calls[0]]
    place = hall.views.place_in_line("A004")
    assert place.ahead == 1 and place.expected_wait_s == 240  # one ahead, 2 windows, 240 s each
    case = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(), promise="补交").value
    progress = hall.views.progress(case.number)
    assert (progress.steps_done, progress.steps_total) == (0, len(case.steps))
    assert progress.promised == case.promised and progress.outstanding == ("父母结婚证",)
    assert [p.number for p in hall.views.progress_of(PERSON.key)] == [case.number]
    assert "王" not in json.dumps(progress.to_json(), ensure_ascii=False)
