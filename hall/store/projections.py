"""Projections: how each event changes the queue, case and rating tables.

`apply()` runs inside the transaction that appends the event, and again, in log order, when the
tables are rebuilt; so it reads nothing but the event, the tables it maintains and, for a ticket's
move that came before its issue, the log (`_set_aside`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from hall.events import Event, EventType
from hall.numbering import label_shared_number
from hall.store.eventlog import by_id, iter_events
from hall.timefmt import ms_of

Payload = dict[str, Any]
Handler = Callable[[sqlite3.Connection, Event, Payload], None]

# Projection tables and their keys (hall/store/schema.py defines them for the migrations; the hot
# path does not import SQLAlchemy). tests/hall/test_store.py checks the two agree.
PROJECTION_KEYS: dict[str, str] = {
    "tickets": "ticket_id",
    "number_counters": "day, series",
    "number_leases": "day, series, first",
    "windows": "window",
    "cases": "case_id",
    "case_materials": "case_id, material",
    "case_steps": "case_id, step",
    "ratings": "rating_id",
    "follow_ups": "rating_id",
    "help_requests": "request_id",
    "appointments": "appointment_id",
}

URGENCY = {"regular": 0, "appointment": 2}  # every other priority group is 1


def urgency(priority: str) -> int:
    return URGENCY.get(priority, 1)


def _issued(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    appointment = p.get("appointment_at")
    conn.execute(
        "INSERT INTO tickets (ticket_id, hall_id, day, series, number, label, service_id, "
        "priority, urgent, status, issuing_terminal, issued_ms, appointment_ms, target_window) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?)",
        (p["ticket_id"], e.hall_id, p["day"], p["series"], p["number"], p["label"],
         p["service_id"], p["priority"], urgency(p["priority"]), e.terminal_id,
         ms_of(p["issued_at"]), ms_of(appointment) if appointment else None, p.get("window")),
    )
    # Two terminals may have issued this number offline: both tickets stay, labelled apart.
    label_shared_number(conn, e.hall_id, p["day"], p["series"], p["number"])
    conn.execute(
        "INSERT INTO number_counters (day, series, next) VALUES (?, ?, ?) "
        "ON CONFLICT (day, series) DO UPDATE SET next = MAX(next, excluded.next)",
        (p["day"], p["series"], p["number"] + 1),
    )
    conn.execute(
        "UPDATE number_leases SET next = MAX(next, ?) "
        "WHERE day = ? AND series = ? AND first <= ? AND last >= ?",
        (p["number"] + 1, p["day"], p["series"], p["number"], p["number"]),
    )


def _account(p: Payload) -> str | None:
    """The signed-in account an event names (None for the kiosk, the operator, the system)."""
    by = p.get("by")
    return str(by.get("name")) if isinstance(by, dict) and by.get("kind") == "account" else None


def _called(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    at = ms_of(p["called_at"])
    # A call that arrives after the ticket was done at another window (two desks called it
    # without the hub; sync/local.py records the conflict) does not reopen it: applied, it
    # left the ticket called in the stores that heard the done first and done in the others,
    # and the hall held that window busy for good (the soak of issue 29). Either order of
    # arrival now ends in the same place: done where it was served.
    conn.execute(
        "UPDATE tickets SET status = 'called', window = ?, called_ms = ?, "
        "first_called_ms = COALESCE(first_called_ms, ?), target_window = NULL, "
        "served_by = COALESCE(?, served_by) WHERE ticket_id = ? "
        "AND NOT (status = 'done' AND COALESCE(outcome_window, window) IS NOT ?)",
        (p["window"], at, at, _account(p), p["ticket_id"], p["window"]),
    )
    row = conn.execute(
        "SELECT urgent FROM tickets WHERE ticket_id = ?", (p["ticket_id"],)
    ).fetchone()
    conn.execute(
        "INSERT INTO windows (window, services) VALUES (?, 'null') ON CONFLICT (window) DO NOTHING",
        (p["window"],),
    )
    if row is not None and p.get("as_priority", row[0] == 1):
        conn.execute("UPDATE windows SET regular_streak = 0 WHERE window = ?", (p["window"],))
    else:
        conn.execute(
            "UPDATE windows SET regular_streak = regular_streak + 1 WHERE window = ?",
            (p["window"],),
        )


def _withdrawn(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """Undo a call nobody serves: waiting again with its place (issue time) and its target
    window; a first call leaves no first-call time; the window's interleave streak as before."""
    cur = conn.execute(
        "UPDATE tickets SET status = 'waiting', window = NULL, target_window = ?, "
        "first_called_ms = CASE WHEN first_called_ms = called_ms THEN NULL "
        "ELSE first_called_ms END, called_ms = NULL "
        "WHERE ticket_id = ? AND status = 'called' AND window = ?",
        (p.get("target_window"), p["ticket_id"], p["window"]),
    )
    if cur.rowcount and p.get("regular_streak") is not None:
        conn.execute("UPDATE windows SET regular_streak = ? WHERE window = ?",
                     (int(p["regular_streak"]), p["window"]))


def _no_show(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """过号. The close of a day ends only tickets still open (hall/close_day.py): a close that
    reaches a store after the ticket was served or cancelled elsewhere changes nothing, and a
    later outcome (done, cancelled) overrides it, so every store ends the same way whatever
    order the events arrived in."""
    still_open = " AND status IN ('waiting', 'called', 'parked')" if (
        p.get("reason") == "day_closed") else ""
    conn.execute("UPDATE tickets SET status = 'no_show', done_ms = ?, outcome_window = window "
                 f"WHERE ticket_id = ?{still_open}", (ms_of(p["at"]), p["ticket_id"]))


def _day_closed(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    from hall import counted_close  # a nightly event: its module stays off the commands' start

    counted_close.record(conn, e)


def _set(sql: str, *fields: str) -> Handler:
    def handler(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
        values = [ms_of(p[f]) if f.endswith("_at") or f == "at" else p[f] for f in fields]
        conn.execute(f"UPDATE tickets SET {sql} WHERE ticket_id = ?", (*values, p["ticket_id"]))

    return handler


def _lease(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    # A block belongs to the terminal it was leased to: another terminal's lease, pulled into
    # this log, must never become numbers this terminal may issue.
    conn.execute(
        "INSERT INTO number_leases (day, series, first, last, next) "
        "SELECT ?, ?, ?, ?, ? WHERE EXISTS "
        "(SELECT 1 FROM meta WHERE key = 'terminal_id' AND value = ?) "
        "ON CONFLICT (day, series, first) DO NOTHING",
        (p["day"], p["series"], p["first"], p["last"], p["first"], e.terminal_id),
    )


def _window(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute(
        "INSERT INTO windows (window, services) VALUES (?, ?) "
        "ON CONFLICT (window) DO UPDATE SET services = excluded.services",
        (p["window"], json.dumps(p["services"])),
    )


def _case_opened(status: str) -> Handler:
    def handler(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
        applicant = p["applicant"]
        conn.execute(
            "INSERT INTO cases (case_id, case_number, service_id, ticket_id, status, "
            "applicant_masked, applicant_key, reasons, accepted_ms, promised, assisted, "
            "accepted_by, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (p["case_id"], p["case_number"], p["service_id"], p["ticket_id"], status,
             applicant["masked"], applicant["key"],
             json.dumps(p["reasons"], ensure_ascii=False) if "reasons" in p else None,
             ms_of(p["at"]), p.get("promised"), 1 if p.get("assisted") else 0, _account(p),
             p.get("note")),
        )
        for m in p.get("materials", []):
            conn.execute(
                "INSERT INTO case_materials (case_id, material, status, licence) VALUES (?,?,?,?)",
                (p["case_id"], m["name"], m["status"], m.get("licence")),
            )
        for s in p.get("steps", []):
            conn.execute(
                "INSERT INTO case_steps (case_id, step, department, matter, status, due) "
                "VALUES (?, ?, ?, ?, 'pending', ?)",
                (p["case_id"], s["step"], s["department"], s["matter"], s.get("due")),
            )

    return handler


def _deferred(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute(
        "UPDATE case_materials SET status = 'deferred', promise = ?, due = ? "
        "WHERE case_id = ? AND material = ?",
        (p["promise"], p["due"], p["case_id"], p["material"]),
    )


def _supplied(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute(
        "UPDATE case_materials SET status = 'submitted', supplied_ms = ? "
        "WHERE case_id = ? AND material = ?",
        (ms_of(p["at"]), p["case_id"], p["material"]),
    )


def _step_received(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute(
        "UPDATE case_steps SET status = 'received', received_ms = ? WHERE case_id = ? AND step = ?",
        (ms_of(p["at"]), p["case_id"], p["step"]),
    )


def _step_decided(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    at = ms_of(p["at"])
    outcome = p["outcome"]
    bring = json.dumps(p["bring"], ensure_ascii=False) if p.get("bring") else None
    if outcome == "correction":  # 补正: the clock stops; no decision date yet
        conn.execute(
            "UPDATE case_steps SET status = 'correction', correction_ms = ?, note = ?, bring = ? "
            "WHERE case_id = ? AND step = ?",
            (at, p.get("note"), bring, p["case_id"], p["step"]))
        return
    conn.execute(
        "UPDATE case_steps SET status = ?, decided_ms = ?, note = ? WHERE case_id = ? AND step = ?",
        (outcome, at, p.get("note"), p["case_id"], p["step"]),
    )


def _step_corrected(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """补正 handed in at the window: back to the department, due later by the days it waited."""
    conn.execute(
        "UPDATE case_steps SET status = 'corrected', due = ?, correction_ms = NULL "
        "WHERE case_id = ? AND step = ?", (p["due"], p["case_id"], p["step"]))


def _step_reassigned(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute("UPDATE case_steps SET department = ? WHERE case_id = ? AND step = ?",
                 (p["department"], p["case_id"], p["step"]))


def _case_completed(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    at = ms_of(p["at"])
    # 不予许可: every part was rejected (hall/cases.py decides; older logs carry no result)
    status = "not_permitted" if p.get("result") == "not_permitted" else "completed"
    conn.execute(
        "UPDATE cases SET status = ?, completed_ms = ? WHERE case_id = ?",
        (status, at, p["case_id"]),
    )
    # Logs written before the back office (issue 23) completed cases with parts still pending,
    # "decided outside this log": replayed, they read as before. Today's 办结 is refused while a
    # part is undecided, so this touches nothing new.
    conn.execute(
        "UPDATE case_steps SET status = 'approved', decided_ms = ? "
        "WHERE case_id = ? AND status = 'pending'", (at, p["case_id"]))


def _part_routed(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    for s in p["steps"]:
        conn.execute("UPDATE case_steps SET hall = ? WHERE case_id = ? AND step = ?",
                     (p["to_hall"], p["case_id"], s["step"]))


def _part_arrived(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """A part that travelled here: a case of this hall's own, holding only that part."""
    _case_opened("accepted")(conn, e, p)
    conn.execute("UPDATE cases SET origin_hall = ?, origin_case = ? WHERE case_id = ?",
                 (p["origin_hall"], p["origin_case"], p["case_id"]))


_HEARD_MOVES = {"received", "approved", "rejected", "correction", "corrected"}


def _materials(conn: sqlite3.Connection, p: Payload) -> None:
    """How a travelling case's materials went (sent here or heard from the origin), and when
    they arrived (recorded here or heard from the destination)."""
    if p["status"] == "materials_sent":
        conn.execute("UPDATE cases SET materials_via = ?, materials_tracking = ?, "
                     "materials_sent_ms = ? WHERE case_id = ?",
                     (p.get("via"), p.get("tracking"), ms_of(p["at"]), p["case_id"]))
    elif p["status"] == "materials_arrived":
        conn.execute("UPDATE cases SET materials_arrived_ms = ? WHERE case_id = ?",
                     (ms_of(p["at"]), p["case_id"]))


def _part_update(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    _materials(conn, p)


def _part_heard(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """News on a part from the other hall: its state as last heard (a move, or only when)."""
    at = ms_of(p["at"])
    status = p["status"]
    conn.execute("UPDATE case_steps SET heard_ms = ? WHERE case_id = ? AND step = ?",
                 (at, p["case_id"], p["step"]))
    if status not in _HEARD_MOVES:
        _materials(conn, p)
        return
    if status == "corrected":  # handed in at the origin: back with the department, due later
        _step_corrected(conn, e, {**p, "due": p.get("due")})
        return
    if status == "received":
        _step_received(conn, e, p)
        return
    _step_decided(conn, e, {**p, "outcome": status})


def _delivered(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute(
        "UPDATE cases SET status = 'delivered', delivered_ms = ?, delivery_channel = ?, "
        "delivery_tracking = ? WHERE case_id = ?",
        (ms_of(p["at"]), p["channel"], p.get("tracking"), p["case_id"]),
    )


def _help_requested(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute(
        "INSERT INTO help_requests (request_id, terminal_id, kind, ticket_id, status, "
        "requested_ms) VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (request_id) DO NOTHING",
        (p["request_id"], e.terminal_id, p["kind"], p.get("ticket_id"), ms_of(p["at"])),
    )


def _help_answered(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    by = p.get("by")
    name = str(by.get("name", "")) if isinstance(by, dict) else ""
    conn.execute(
        "UPDATE help_requests SET status = 'answered', answered_by = ?, answered_ms = ? "
        "WHERE request_id = ? AND status = 'open'",
        (name, ms_of(p["at"]), p["request_id"]),
    )


def _booked(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    slot = ms_of(p["slot_at"])
    conn.execute(
        "INSERT INTO appointments (appointment_id, service_id, slot_ms, day, holder_key, status) "
        "VALUES (?, ?, ?, ?, ?, 'booked') ON CONFLICT (appointment_id) DO NOTHING",
        (p["appointment_id"], p["service_id"], slot, p["slot_at"][:10], p["holder_key"]),
    )


def _checked_in(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute(
        "UPDATE appointments SET status = ?, ticket_id = ? WHERE appointment_id = ?",
        ("late" if p.get("late") else "checked_in", p["ticket_id"], p["appointment_id"]),
    )


def _appointment_cancelled(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    # Only a booking still open: a check-in heard from another terminal first stands.
    conn.execute("UPDATE appointments SET status = 'cancelled' WHERE appointment_id = ? "
                 "AND status = 'booked'", (p["appointment_id"],))


def _appointment_rescheduled(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute("UPDATE appointments SET slot_ms = ?, day = ? WHERE appointment_id = ? "
                 "AND status = 'booked'",
                 (ms_of(p["slot_at"]), p["slot_at"][:10], p["appointment_id"]))


def _appointment_missed(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    conn.execute("UPDATE appointments SET status = 'no_show' WHERE appointment_id = ? "
                 "AND status = 'booked'", (p["appointment_id"],))


def _rated(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """A rating and, for a 差评, its follow-up. A second rating of one ticket and stage (two
    pads offline) is kept out: the first one stands, like the first ticket of a number."""
    reasons = p.get("reasons")
    at = ms_of(p["at"])
    cur = conn.execute(
        "INSERT INTO ratings (rating_id, ticket_id, grade, text, follow_up_due, given_ms, stage, "
        "window, clerk, service_id, case_id, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (p["rating_id"], p["ticket_id"], p["grade"], p["text"], p["follow_up_due"], at,
         p.get("stage") or "visit", p.get("window"), p.get("clerk"), p.get("service_id"),
         p.get("case_id"), json.dumps(reasons, ensure_ascii=False) if reasons else None),
    )
    if cur.rowcount and p["follow_up_due"] is not None:
        conn.execute("INSERT INTO follow_ups (rating_id, follow_up_id, due, state, opened_ms) "
                     "VALUES (?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING",
                     (p["rating_id"], p.get("follow_up_id") or p["rating_id"],
                      p["follow_up_due"], at))


# What each 差评整改 step sets; `close` and `escalate` keep what was done before them.
_FOLLOW_UP_SETS = {
    "assign": "assignee = :assignee, state = CASE WHEN state = 'open' THEN 'assigned' ELSE state END",
    "action": "action = :text, state = CASE WHEN state IN ('open', 'assigned') THEN 'acted' "
              "ELSE state END",
    "revisit": "revisit = :revisit, note = :text, state = 'revisited'",
    "close": "state = 'closed', closed_ms = :at",
    "escalate": "escalated = 1, assignee = COALESCE(:assignee, assignee)",
    "redo": "redone = 1",
}
_REDO_PART = ("UPDATE case_steps SET status = 'received', decided_ms = NULL WHERE case_id = ? "
              "AND step = ? AND status IN ('approved', 'rejected')")
_REDO_CASE = ("UPDATE cases SET status = 'accepted', completed_ms = NULL WHERE case_id = ? "
              "AND status IN ('completed', 'not_permitted')")


def _follow_up_step(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    sets = _FOLLOW_UP_SETS.get(p["step"])
    if sets is None:
        return
    conn.execute(f"UPDATE follow_ups SET {sets} WHERE rating_id = :rating_id "
                 "AND state <> 'closed'",
                 {"assignee": p.get("assignee"), "text": p.get("text"),
                  "revisit": p.get("revisit"), "at": ms_of(p["at"]),
                  "rating_id": p["rating_id"]})
    if p["step"] == "redo" and p.get("step_no") is not None:
        # 差评重办: the rated case's part goes back to its department, to be decided again
        row = conn.execute("SELECT case_id FROM ratings WHERE rating_id = ?",
                           (p["rating_id"],)).fetchone()
        if row is not None and row[0] is not None:
            conn.execute(_REDO_PART, (row[0], p["step_no"]))
            conn.execute(_REDO_CASE, (row[0],))


def _purged(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """Retention (hall/security/retention.py): erase the personal data of finished cases and
    old ratings (applicant, and every text a person typed), keep the records themselves."""
    ids = json.dumps(p["case_ids"])
    these = "IN (SELECT value FROM json_each(?))"
    conn.execute(f"UPDATE cases SET applicant_masked = '', applicant_key = '', note = NULL, "
                 f"reasons = CASE WHEN reasons IS NULL THEN NULL ELSE '[]' END "
                 f"WHERE case_id {these}", (ids,))
    conn.execute(f"UPDATE case_materials SET promise = NULL WHERE case_id {these}", (ids,))
    conn.execute(f"UPDATE case_steps SET note = NULL WHERE case_id {these}", (ids,))
    conn.execute(
        "UPDATE events SET payload = json_set(json_remove(payload, '$.applicant.sealed', "
        "'$.note', '$.promise'), '$.applicant.masked', '', '$.applicant.key', '') "
        f"WHERE type IN ('CaseAccepted', 'CaseRefused') AND json_extract(payload, '$.case_id') "
        f"{these}", (ids,))
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.reasons', json('[]')) "
        f"WHERE type = 'CaseRefused' AND json_extract(payload, '$.case_id') {these}", (ids,))
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.promise', '') "
        f"WHERE type = 'MaterialsDeferred' AND json_extract(payload, '$.case_id') {these}",
        (ids,))
    conn.execute(
        "UPDATE events SET payload = json_remove(payload, '$.note') "
        f"WHERE type = 'CaseStepDecided' AND json_extract(payload, '$.case_id') {these}", (ids,))
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.reason', '') "
        f"WHERE type = 'CaseStepReassigned' AND json_extract(payload, '$.case_id') {these}",
        (ids,))
    ratings = json.dumps(p.get("rating_ids", []))
    conn.execute(f"UPDATE ratings SET text = NULL WHERE rating_id {these}", (ratings,))
    conn.execute(f"UPDATE follow_ups SET action = NULL, note = NULL WHERE rating_id {these}",
                 (ratings,))
    conn.execute(
        "UPDATE events SET payload = json_remove(payload, '$.text') "
        f"WHERE type = 'FollowUpStep' AND json_extract(payload, '$.rating_id') {these}",
        (ratings,))
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.text', json('null')) "
        f"WHERE type = 'RatingGiven' AND json_extract(payload, '$.rating_id') {these}",
        (ratings,))


def _account_changed(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    from hall.security import hall_accounts  # off the hot path's start

    hall_accounts.project(conn, e, p)


def _sign_in_counted(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    """Lockouts count across the hall: every terminal's sign-in entries, wherever they happened,
    move the same account's failure count (only sign-in and PIN entries: the rest pass)."""
    if p.get("action") in ("sign_in", "sign_in_refused", "pin_check"):
        from hall.security import hall_accounts

        hall_accounts.count_sign_in(conn, p)


def _settings_published(conn: sqlite3.Connection, e: Event, p: Payload) -> None:
    from hall import hall_settings

    if hall_settings.absorb(conn, e.hall_id, p) == "refused":
        conn.execute(
            "INSERT INTO sync_conflicts (kind, event_id, ticket_id, detail, detected_ms) "
            "VALUES ('settings_refused', ?, NULL, ?, ?) ON CONFLICT(event_id, kind) DO NOTHING",
            (e.event_id, f"settings version {p.get('version')} from terminal {e.terminal_id} "
             "is not signed by this hall's hub: refused, the last version stays",
             e.hlc >> 16))


HANDLERS: dict[str, Handler] = {
    EventType.TICKET_ISSUED: _issued,
    EventType.TICKET_CALLED: _called,
    EventType.TICKET_RECALLED: _set("recalls = recalls + 1, called_ms = ?", "at"),
    EventType.TICKET_NO_SHOW: _no_show,
    EventType.SERVICE_STARTED: _set("status = 'serving', started_ms = ?", "at"),
    EventType.TICKET_DONE: _set(
        "status = 'done', done_ms = ?, outcome_window = window, "
        "started_ms = COALESCE(started_ms, called_ms)",
        "at",
    ),
    EventType.TICKET_TRANSFERRED: _set(
        "status = 'waiting', service_id = ?, target_window = ?, window = NULL, called_ms = NULL, "
        "started_ms = NULL, recalls = 0",
        "service_id",
        "target_window",
    ),
    EventType.TICKET_PARKED: _set("status = 'parked'"),
    EventType.TICKET_RESUMED: _set("status = 'called', window = ?, called_ms = ?", "window", "at"),
    EventType.TICKET_CANCELLED: _set(
        "status = 'cancelled', done_ms = ?, outcome_window = window", "at"
    ),
    EventType.TICKET_CALL_WITHDRAWN: _withdrawn,
    EventType.NUMBER_BLOCK_LEASED: _lease,
    EventType.WINDOW_CONFIGURED: _window,
    EventType.CASE_ACCEPTED: _case_opened("accepted"),
    EventType.CASE_REFUSED: _case_opened("refused"),
    EventType.MATERIALS_DEFERRED: _deferred,
    EventType.MATERIALS_SUPPLIED: _supplied,
    EventType.CASE_STEP_RECEIVED: _step_received,
    EventType.PART_ROUTED: _part_routed,
    EventType.PART_ARRIVED: _part_arrived,
    EventType.PART_HEARD: _part_heard,
    EventType.PART_UPDATE: _part_update,
    EventType.CASE_STEP_DECIDED: _step_decided,
    EventType.CASE_STEP_CORRECTED: _step_corrected,
    EventType.CASE_STEP_REASSIGNED: _step_reassigned,
    EventType.CASE_COMPLETED: _case_completed,
    EventType.RESULT_DELIVERED: _delivered,
    EventType.RATING_GIVEN: _rated,
    EventType.RATING_ASKED: _set("asked_ms = ?", "at"),
    EventType.FOLLOW_UP_STEP: _follow_up_step,
    EventType.PERSONAL_DATA_PURGED: _purged,
    EventType.HELP_REQUESTED: _help_requested,
    EventType.HELP_ANSWERED: _help_answered,
    EventType.APPOINTMENT_BOOKED: _booked,
    EventType.APPOINTMENT_CHECKED_IN: _checked_in,
    EventType.APPOINTMENT_CANCELLED: _appointment_cancelled,
    EventType.APPOINTMENT_RESCHEDULED: _appointment_rescheduled,
    EventType.APPOINTMENT_MISSED: _appointment_missed,
    EventType.DAY_CLOSED: _day_closed,
    EventType.ACCOUNT_CHANGED: _account_changed,
    EventType.AUDIT_RECORDED: _sign_in_counted,
    EventType.HALL_SETTINGS_PUBLISHED: _settings_published,
}


# A ticket's moves, each projected onto the ticket's row.
TICKET_MOVES = frozenset({
    EventType.TICKET_CALLED, EventType.TICKET_RECALLED, EventType.TICKET_NO_SHOW,
    EventType.SERVICE_STARTED, EventType.TICKET_DONE, EventType.TICKET_TRANSFERRED,
    EventType.TICKET_PARKED, EventType.TICKET_RESUMED, EventType.TICKET_CANCELLED,
    EventType.TICKET_CALL_WITHDRAWN})
EARLY = "early_moves:"  # sync_state key + ticket id: ids of its moves that came before its issue


def apply(conn: sqlite3.Connection, event: Event) -> None:
    handler = HANDLERS.get(event.type)
    if handler is None:  # events of a newer schema are kept in the log, projected later
        return
    if event.type in TICKET_MOVES and _set_aside(conn, event):
        return
    handler(conn, event, event.payload)
    if event.type == EventType.TICKET_ISSUED:
        _replay_early(conn, str(event.payload["ticket_id"]))


def _set_aside(conn: sqlite3.Connection, event: Event) -> bool:
    """A move of a ticket this store has not heard issued yet: kept (its id, in arrival order)
    to be projected when the issue comes. A store may hear a move first: a desk that heard the
    kiosk through its peers while the hub was away pushes its call and done before the kiosk
    pushes the issue, so the hub's log, and every store pulling it, has them in that order.
    Projected then, the moves changed no row and the issue left the ticket waiting for good: the
    hub offered that served ticket to every F1 and each desk refused it (the soak, issue 29)."""
    ticket_id = event.payload.get("ticket_id")
    if not isinstance(ticket_id, str) or conn.execute(
            "SELECT 1 FROM tickets WHERE ticket_id = ?", (ticket_id,)).fetchone() is not None:
        return False
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?",
                       (EARLY + ticket_id,)).fetchone()
    early: list[str] = json.loads(row[0]) if row else []
    if event.event_id not in early:  # a rebuild sets the same moves aside again
        early.append(event.event_id)
        conn.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key) "
                     "DO UPDATE SET value = excluded.value", (EARLY + ticket_id, json.dumps(early)))
    return True


def _replay_early(conn: sqlite3.Connection, ticket_id: str) -> None:
    """The moves set aside for a ticket just issued, projected now in the order they came."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?",
                       (EARLY + ticket_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM sync_state WHERE key = ?", (EARLY + ticket_id,))
    for event_id in json.loads(row[0]):
        move = by_id(conn, event_id)
        if move is not None:
            HANDLERS[move.type](conn, move, move.payload)


def rebuild(conn: sqlite3.Connection) -> int:
    """Clear every projection and replay the log; returns the number of events replayed.

    A pulled event the store could not project when it arrived (sync lists it as an
    `integrity` conflict, sync/local.py) is skipped again: the replay gives what arrival gave."""
    for table in PROJECTION_KEYS:
        conn.execute(f"DELETE FROM {table}")
    # Accounts are not cleared (rows made before accounts were events live only there), but
    # their lockout counts are the log's: counted again from its sign-in entries.
    conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0")
    unprojected = {row[0] for row in conn.execute(
        "SELECT event_id FROM sync_conflicts WHERE kind = 'integrity'")}
    count = 0
    for event in iter_events(conn):
        if event.event_id in unprojected:
            continue
        apply(conn, event)
        count += 1
    return count


def digest(conn: sqlite3.Connection) -> dict[str, str]:
    """A content hash per projection table, to show a rebuild gives identical tables."""
    import hashlib

    out: dict[str, str] = {}
    for table, keys in PROJECTION_KEYS.items():
        h = hashlib.sha256()
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {keys}"):
            h.update(repr(row).encode())
        out[table] = h.hexdigest()[:16]
    return out
