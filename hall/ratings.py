"""好差评: five grades, one rating per service visit, 差评 flagged for follow-up.

The five grades follow the national 好差评 scale (非常满意 … 非常不满意); the seeds give no scale,
so this is the program's choice, not seed data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hall.errors import DomainError
from hall.events import EventType
from hall.ids import new_id
from hall.service import HallService
from hall.tickets import find

GRADES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD = 2  # grades at or below this are 差评 and need follow-up
MAX_TEXT = 500


def rate(hall: HallService, ticket_ref: str, grade: int, text: str = "") -> dict[str, Any]:
    if grade not in GRADES:
        raise DomainError("a rating is one of 1 (非常不满意) … 5 (非常满意)", code="bad_grade")
    if len(text) > MAX_TEXT:
        raise DomainError(f"the comment is longer than {MAX_TEXT} characters", code="text_long")
    with hall.write() as conn:
        ticket = find(conn, ticket_ref, hall.zone)
        if ticket.status not in ("done", "no_show", "cancelled") and ticket.status != "serving":
            raise DomainError(f"ticket {ticket.number} has not been served yet", code="not_served")
        if conn.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", (ticket.id,)).fetchone():
            raise DomainError(f"ticket {ticket.number} has already been rated", code="rated")
        due = None
        if grade <= BAD:
            days = hall.config.policy.follow_up_days
            due = (hall.now() + timedelta(days=days)).astimezone(hall.zone).date().isoformat()
        rating_id = new_id()
        hall.emit(conn, EventType.RATING_GIVEN, {
            "rating_id": rating_id, "ticket_id": ticket.id, "grade": grade,
            "text": text.strip() or None, "follow_up_due": due, "at": hall.now_iso()})
    return {"rating_id": rating_id, "ticket": ticket.number, "grade": grade,
            "grade_name": GRADES[grade], "follow_up_due": due}


def follow_ups(hall: HallService) -> list[dict[str, Any]]:
    rows = hall.store.conn.execute(
        "SELECT r.rating_id, t.label, r.grade, r.text, r.follow_up_due FROM ratings r "
        "JOIN tickets t ON t.ticket_id = r.ticket_id WHERE r.follow_up_due IS NOT NULL "
        "ORDER BY r.follow_up_due").fetchall()
    return [{"rating_id": r[0], "ticket": r[1], "grade": r[2], "text": r[3], "due": r[4]}
            for r in rows]
