"""Sessions (hall/session.py): the only way a face or the CLI acts. A face cannot build an actor
or swap one into a session; reads check their permission before they look; each command's
outcome carries its own changes; the desk's start + accept is one transaction; the kiosk's elder
priority is the hall's rule; sync's status is typed."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devices.emulators.people import RESIDENT, RESIDENT_ELDER
from hall.actors import Actor
from hall.app import Hall
from hall.errors import AccessError, DomainError
from hall.session import Session
from hall.sync_status import SyncStatus
from tests.conftest import ROOT
from tests.hall.test_cases_ratings_stats import newborn_items

PASSWORD = "session-test-2026"


def clerk_of(hall: Hall) -> Session:
    hall.accounts.add(None, "admin", "admin", PASSWORD)
    hall.sign_in("admin", PASSWORD).accounts.add("li", "clerk", PASSWORD)
    return hall.sign_in("li", PASSWORD, window="1")


def audit_refusals(hall: Hall) -> list[dict]:
    rows = hall.core.conn.execute("SELECT payload FROM events WHERE type = 'AuditRecorded' "
                                  "ORDER BY pos").fetchall()
    return [p for p in (json.loads(r[0]) for r in rows) if p["action"] == "command_refused"]


def test_a_face_cannot_build_an_actor_or_a_session_or_swap_one(hall: Hall) -> None:
    with pytest.raises(AccessError) as built:
        Actor("account", "mallory", "admin")
    assert built.value.code == "forged_actor"
    kiosk = hall.kiosk_session()
    with pytest.raises(AccessError):  # raising its own role from an actor it was given
        dataclasses.replace(kiosk.actor, role="admin")
    with pytest.raises(AccessError):
        Session(hall, kiosk.actor, object())
    with pytest.raises(AttributeError):
        kiosk._actor = hall.operator_session().actor  # type: ignore[misc]
    with pytest.raises(AttributeError):
        kiosk.actor = hall.operator_session().actor  # type: ignore[misc]
    with pytest.raises(AccessError) as refused:  # the kiosk acts as the kiosk, nothing more
        kiosk.tickets.call_next("1")
    assert refused.value.code == "forbidden"


def test_the_faces_cannot_import_what_would_let_them_reach_past_a_session() -> None:
    """The contracts in pyproject.toml: a face importing hall.actors, hall.core, hall.store,
    sync.runner or cli (and the CLI importing hall.core or hall.actors) breaks the build."""
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--contract", "faces-use-sessions", "--contract",
                           "cli-uses-sessions"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_reading_a_case_is_checked_before_the_case_is_looked_for(hall: Hall) -> None:
    clerk = clerk_of(hall)
    read = clerk.cards.read(RESIDENT, purpose="case")
    case = clerk.cases.accept("newborn", clerk.cards.applicant(read), newborn_items(),
                              promise="p").value
    screen = hall.display_session()  # may read the board, no case
    before = len(audit_refusals(hall))
    for ref in (case.number, "no-such-case"):  # the same refusal: existence is not told
        with pytest.raises(AccessError) as err:
            screen.cases.get(ref)
        assert err.value.code == "signed_out"
    kiosk = hall.kiosk_session()
    for command in (lambda: kiosk.cases.complete("no-such-case"),
                    lambda: kiosk.cases.deliver("no-such-case")):
        with pytest.raises(AccessError) as err:
            command()
        assert err.value.code == "forbidden"
    refusals = audit_refusals(hall)[before:]
    assert [r["target"] for r in refusals] == ["show_case", "show_case", "complete_case",
                                                "deliver_result"]
    assert clerk.cases.get(case.number).number == case.number


def test_each_outcome_carries_its_own_changes(hall: Hall) -> None:
    clerk = clerk_of(hall)
    kiosk = hall.kiosk_session()
    taken = kiosk.tickets.take("newborn")
    called = clerk.tickets.call_next("1")
    help_asked = kiosk.help.request("elder")
    assert taken.changes.tickets and not taken.changes.help
    assert called.changes.calls
    assert help_asked.changes.help and not help_asked.changes.calls
    assert taken.changes.tickets  # unchanged by the writes after it


def test_the_card_decides_elder_priority_at_the_kiosk(hall: Hall) -> None:
    kiosk = hall.kiosk_session()
    elder = kiosk.cards.read(RESIDENT_ELDER)
    young = kiosk.cards.read(RESIDENT)
    assert elder.elder and not young.elder
    assert kiosk.tickets.take("newborn", card=elder).value.priority == "elder"
    assert kiosk.tickets.take("newborn", card=young).value.priority == "regular"


def test_start_and_accept_are_one_transaction(hall: Hall) -> None:
    clerk = clerk_of(hall)
    hall.kiosk_session().tickets.take("newborn")
    ticket = clerk.tickets.call_next("1").value
    read = clerk.cards.read(RESIDENT, purpose="case")
    unverified = dataclasses.replace(clerk.cards.applicant(read), verified=False)
    with pytest.raises(DomainError):  # the case is refused: the ticket is not started either
        clerk.cases.accept("newborn", unverified, newborn_items(), promise="p",
                           ticket=ticket.id, start_ticket=True)
    assert hall.tickets.get(ticket.id).status == "called"
    case = clerk.cases.accept("newborn", clerk.cards.applicant(read), newborn_items(),
                              promise="p", ticket=ticket.id, start_ticket=True).value
    assert hall.tickets.get(ticket.id).status == "serving"
    rows = hall.core.conn.execute("SELECT type FROM events WHERE type IN ('ServiceStarted', "
                                  "'CaseAccepted') ORDER BY pos").fetchall()
    assert [r[0] for r in rows] == ["ServiceStarted", "CaseAccepted"]
    assert case.number


def test_start_and_accept_refused_by_its_second_half_leaves_the_ticket_as_it_was(
        hall: Hall) -> None:
    """The session's one command for the desk's 受理 at the counter: a case refused because the
    ticket has one already (`ticket_has_case`) neither starts the ticket nor writes anything."""
    clerk = clerk_of(hall)
    hall.kiosk_session().tickets.take("newborn")
    ticket = clerk.tickets.call_next("1").value
    applicant = clerk.cards.applicant(clerk.cards.read(RESIDENT, purpose="case"))
    first = clerk.cases.accept("newborn", applicant, newborn_items(), promise="p",
                               ticket=ticket.id).value  # a desk restarted mid-visit made it
    before = hall.core.conn.execute("SELECT MAX(pos) FROM events").fetchone()[0]
    with pytest.raises(DomainError) as refused:
        clerk.cases.start_and_accept(ticket.id, "newborn", applicant, newborn_items(),
                                     promise="p")
    assert refused.value.code == "ticket_has_case"
    assert refused.value.params["case"] == first.number
    assert hall.tickets.get(ticket.id).status == "called"
    assert hall.core.conn.execute("SELECT MAX(pos) FROM events").fetchone()[0] == before
    second = clerk.cases.start_and_accept(ticket.id, "newborn", applicant, newborn_items(),
                                          promise="p", another=True)  # the clerk's word
    assert hall.tickets.get(ticket.id).status == "serving" and second.changes.tickets
    with pytest.raises(AccessError):  # the kiosk neither starts tickets nor accepts cases
        hall.kiosk_session().cases.start_and_accept(ticket.id, "newborn", applicant, [])


def test_a_face_session_signs_in_only_with_a_credential(hall: Hall) -> None:
    """From a face's session the only way to another actor is a credential: an account's
    password (the desk), the technician PIN or an admin's account (the kiosk's panel)."""
    clerk_of(hall)
    viewer = hall.display_session()
    with pytest.raises(AccessError):
        viewer.sign_in("li", "wrong-password-1", window="1")
    li = viewer.sign_in("li", PASSWORD, window="1")
    assert (li.name, li.role, li.window) == ("li", "clerk", "1") and viewer.role == "none"
    with pytest.raises(AccessError):
        viewer.technician_sign_in("000000")
    assert viewer.views.waiting().total == 0 and viewer.config.terminal_id == "K3"


def test_sync_status_is_typed_for_every_session(hall: Hall) -> None:
    status = hall.display_session().sync_status()
    assert isinstance(status, SyncStatus)
    assert (status.enrolled, status.online, status.pending, status.failing) == (
        False, False, 0, False)
    assert status.to_json()["terminal"] == "K3"

