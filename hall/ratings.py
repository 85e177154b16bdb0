"""好差评: five grades, one rating per service visit, 差评 flagged for follow-up with a deadline.

The five grades follow the national 好差评 scale (非常满意 … 非常不满意); the seeds give no scale,
so this is the program's choice, not seed data. A comment is text a person typed: it is sealed,
erased by the retention purge, and shown in plain only to roles allowed free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hall import text_limits
from hall.actors import Actor
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.ids import new_id
from hall.ticket_views import find
from hall.timefmt import iso_of_ms

GRADES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD = 2  # grades at or below this are 差评 and need follow-up
# 差评 reasons a kiosk offers as big buttons (the comment carries them, sealed like any text)
BAD_REASONS = ("等候时间长", "工作人员态度", "材料要求不清楚", "多次跑动", "系统或设备故障", "其他")


@dataclass(frozen=True)
class RatingView:
    id: str
    ticket: str  # the ticket's number
    grade: int
    grade_name: str
    comment: str | None  # plain only for roles allowed free text
    follow_up_due: str | None  # YYYY-MM-DD, for a 差评
    given_at: str

    def to_json(self) -> dict[str, Any]:
        return {"rating_id": self.id, "ticket": self.ticket, "grade": self.grade,
                "grade_name": self.grade_name, "comment": self.comment,
                "follow_up_due": self.follow_up_due, "given_at": self.given_at}


class Ratings:
    def __init__(self, core: Core) -> None:
        self._core = core

    def rate(self, by: Actor, ticket_ref: str, grade: int,
             comment: str = "") -> Outcome[RatingView]:
        core = self._core
        core.require(by, "rate", "rate")
        if isinstance(grade, bool) or grade not in GRADES:
            raise DomainError("a rating is one of 1 (非常不满意) … 5 (非常满意)", code="bad_grade",
                              params={"grade": str(grade)})
        text_limits.checked(comment, "comment")
        sealed = core.seal_text(comment)
        with core.write() as conn:
            ticket = find(conn, ticket_ref, core.zone)
            if ticket.status not in ("done", "no_show", "cancelled", "serving"):
                raise DomainError(f"ticket {ticket.number} has not been served yet",
                                  code="not_served", params={"ticket": ticket.number})
            if conn.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", (ticket.id,)).fetchone():
                raise DomainError(f"ticket {ticket.number} has already been rated",
                                  code="rated", params={"ticket": ticket.number})
            due = None
            if grade <= BAD:
                days = core.config.policy.follow_up_days
                due = (core.now() + timedelta(days=days)).astimezone(core.zone).date().isoformat()
            rating_id = new_id()
            core.emit(conn, EventType.RATING_GIVEN, {
                "rating_id": rating_id, "ticket_id": ticket.id, "grade": grade,
                "text": sealed, "follow_up_due": due, "at": core.now_iso()}, by)
        return core.outcome(self.get(by, rating_id))

    def get(self, by: Actor, rating_id: str) -> RatingView:
        row = self._core.conn.execute(
            "SELECT r.rating_id, t.label, r.grade, r.text, r.follow_up_due, r.given_ms "
            "FROM ratings r JOIN tickets t ON t.ticket_id = r.ticket_id WHERE r.rating_id = ?",
            (rating_id,)).fetchone()
        if row is None:
            raise DomainError(f"no rating {rating_id!r}", code="unknown_rating")
        return self._view(row, by)

    def follow_ups(self, by: Actor) -> list[RatingView]:
        """差评 to follow up, the earliest deadline first."""
        self._core.require(by, "follow_up", "follow_ups")
        rows = self._core.conn.execute(
            "SELECT r.rating_id, t.label, r.grade, r.text, r.follow_up_due, r.given_ms "
            "FROM ratings r JOIN tickets t ON t.ticket_id = r.ticket_id "
            "WHERE r.follow_up_due IS NOT NULL ORDER BY r.follow_up_due, r.given_ms").fetchall()
        return [self._view(r, by) for r in rows]

    def _view(self, row: tuple[Any, ...], by: Actor) -> RatingView:
        return RatingView(row[0], row[1], row[2], GRADES[row[2]],
                          self._core.open_text(row[3], by), row[4],
                          iso_of_ms(row[5], self._core.zone))
