"""好差评: five grades, one rating per service visit, 差评 flagged for follow-up with a deadline.

A rating knows its visit: the window and clerk that served the ticket, its matter and, where one
was accepted, the case (filled here from the ticket, never typed by the citizen). A case is rated
again at 出件 (`stage` "result": the result is what the citizen judges), once. The 差评 reasons
are the fixed list below (not typed text, so kept plain); the deadline of its follow-up is in
working days on the hall's calendar (hall/workdays.py); the follow-up itself: hall/follow_ups.py.

The five grades follow the national 好差评 scale (非常满意 … 非常不满意); the seeds give no scale,
so this is the program's choice, not seed data. A comment is text a person typed: it is sealed,
erased by the retention purge, and shown in plain only to roles allowed free text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from hall import text_limits, workdays
from hall.actors import Actor
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.ids import new_id
from hall.ticket_views import TicketView, find
from hall.timefmt import iso_of_ms
from hall.workdays import WorkCalendar

GRADES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD = 2  # grades at or below this are 差评 and need follow-up
# 差评 reasons a kiosk offers as big buttons (the comment carries them, sealed like any text)
BAD_REASONS = ("等候时间长", "工作人员态度", "材料要求不清楚", "多次跑动", "系统或设备故障", "其他")
# The clerk's ask (RatingAsked) is projected on its ticket (tickets.asked_ms, migration 0010): one
# read by the ticket's key, however long the log (bench/ratings.py against the former scan).
_ASKED = "SELECT asked_ms IS NOT NULL FROM tickets WHERE ticket_id = ?"


def asked(conn: Any, ticket_id: str) -> bool:
    """Whether the clerk asked for this visit's rating (the desk's 请评价)."""
    row = conn.execute(_ASKED, (ticket_id,)).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class RatingView:
    id: str
    ticket: str  # the ticket's number
    grade: int
    grade_name: str
    comment: str | None  # plain only for roles allowed free text
    follow_up_due: str | None  # YYYY-MM-DD, for a 差评
    given_at: str
    window: str | None = None
    clerk: str | None = None  # the account that served the visit (a staff user name)
    service: str | None = None
    case: str | None = None  # the case number
    stage: str = "visit"  # or "result": rated again at 出件
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "grade": self.grade, "window": self.window, "clerk": self.clerk,
                "service": self.service, "case": self.case, "stage": self.stage,
                "ticket": self.ticket, "grade_name": self.grade_name,
                "reasons": list(self.reasons), "comment": self.comment,
                "follow_up_due": self.follow_up_due, "given_at": self.given_at}


_SELECT = ("SELECT r.rating_id, t.label, r.grade, r.text, r.follow_up_due, r.given_ms, "
           "r.window, r.clerk, r.service_id, c.case_number, r.stage, r.reasons "
           "FROM ratings r JOIN tickets t ON t.ticket_id = r.ticket_id "
           "LEFT JOIN cases c ON c.case_id = r.case_id ")


@dataclass(frozen=True)
class Visit:
    """What a rating is given for, as the hall recorded the ticket's service."""

    window: str | None
    clerk: str | None
    service: str
    case_id: str | None
    delivered: bool  # the case's result was handed out (出件): it may be rated again


def visit_of(conn: Any, ticket_id: str) -> Visit:
    row = conn.execute("SELECT COALESCE(outcome_window, window), served_by, service_id "
                       "FROM tickets WHERE ticket_id = ?", (ticket_id,)).fetchone()
    case = conn.execute("SELECT case_id, delivered_ms FROM cases WHERE ticket_id = ? "
                        "ORDER BY accepted_ms DESC LIMIT 1", (ticket_id,)).fetchone()
    return Visit(row[0], row[1], row[2], case[0] if case else None,
                 bool(case and case[1] is not None))


class Ratings:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._calendar: WorkCalendar | None = None

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = workdays.load(self._core.data_dir)
        return self._calendar

    def rate(self, by: Actor, ticket_ref: str, grade: int, comment: str = "",
             reasons: list[str] | tuple[str, ...] = ()) -> Outcome[RatingView]:
        core = self._core
        core.require(by, "rate", "rate")
        if isinstance(grade, bool) or grade not in GRADES:
            raise DomainError("a rating is one of 1 (非常不满意) … 5 (非常满意)", code="bad_grade",
                              params={"grade": str(grade)})
        chosen = list(dict.fromkeys(reasons))
        for reason in chosen:
            if reason not in BAD_REASONS:
                raise DomainError(f"a 差评 reason is one of {'、'.join(BAD_REASONS)}",
                                  code="bad_reason", params={"reason": reason[:32]})
        text_limits.checked(comment, "comment")
        sealed = core.seal_text(comment)
        with core.write() as conn:
            ticket = find(conn, ticket_ref, core.zone)
            # a ticket only called is rated once its clerk has asked (no 开始办理 pressed)
            if ticket.status not in ("done", "no_show", "cancelled", "serving") and not (
                    ticket.status == "called" and asked(conn, ticket.id)):
                raise DomainError(f"ticket {ticket.number} has not been served yet",
                                  code="not_served", params={"ticket": ticket.number})
            visit = visit_of(conn, ticket.id)
            if by.role == "rater" and visit.window != by.window:
                # a pad rates the visits of its own window only
                raise DomainError(f"ticket {ticket.number} was not served at window {by.window}",
                                  code="other_window",
                                  params={"ticket": ticket.number, "window": by.window or ""})
            stage = "visit"
            if conn.execute("SELECT 1 FROM ratings WHERE ticket_id = ? AND stage = 'visit'",
                            (ticket.id,)).fetchone():
                stage = "result"
                if not visit.delivered or conn.execute(
                        "SELECT 1 FROM ratings WHERE ticket_id = ? AND stage = 'result'",
                        (ticket.id,)).fetchone():
                    raise DomainError(f"ticket {ticket.number} has already been rated",
                                      code="rated", params={"ticket": ticket.number})
            due = None
            if grade <= BAD:
                today = date.fromisoformat(core.today())
                due = self.calendar.add(today, core.config.policy.follow_up_days).isoformat()
            rating_id = new_id()
            payload: dict[str, Any] = {
                "rating_id": rating_id, "ticket_id": ticket.id, "grade": grade,
                "text": sealed, "follow_up_due": due, "at": core.now_iso(), "stage": stage,
                "window": visit.window, "clerk": visit.clerk, "service_id": visit.service,
                "case_id": visit.case_id}
            if chosen:
                payload["reasons"] = chosen
            if due is not None:
                payload["follow_up_id"] = new_id()
            core.emit(conn, EventType.RATING_GIVEN, payload, by)
        return core.outcome(self.get(by, rating_id))

    def ask(self, by: Actor, ticket_ref: str) -> Outcome[TicketView]:
        """The clerk asks the citizen for a rating before finishing (请评价): the pad of the
        ticket's window shows the grades for it. Only for the ticket a window holds now (called
        or serving), the clerk's own window's when the clerk has one, not rated yet."""
        core = self._core
        core.require(by, "queue", "ask_rating")
        with core.write() as conn:
            ticket = find(conn, ticket_ref, core.zone)
            if ticket.status not in ("called", "serving") or ticket.window is None or (
                    by.window is not None and ticket.window != by.window):
                raise DomainError(f"ticket {ticket.number} is not being served at "
                                  f"{'window ' + by.window if by.window else 'a window'}",
                                  code="rating_not_askable", params={"ticket": ticket.number})
            if conn.execute("SELECT 1 FROM ratings WHERE ticket_id = ? AND stage = 'visit'",
                            (ticket.id,)).fetchone():
                raise DomainError(f"ticket {ticket.number} has already been rated",
                                  code="rated", params={"ticket": ticket.number})
            core.emit(conn, EventType.RATING_ASKED, {"ticket_id": ticket.id,
                                                      "window": ticket.window,
                                                      "at": core.now_iso()}, by)
        return core.outcome(find(core.conn, ticket.id, core.zone))

    def get(self, by: Actor, rating_id: str) -> RatingView:
        row = self._core.conn.execute(_SELECT + "WHERE r.rating_id = ?", (rating_id,)).fetchone()
        if row is None:
            raise DomainError(f"no rating {rating_id!r}", code="unknown_rating",
                              params={"rating": rating_id[:64]})
        return self._view(row, by)

    def follow_ups(self, by: Actor) -> list[RatingView]:
        """差评 to follow up, the earliest deadline first."""
        self._core.require(by, "follow_up", "follow_ups")
        rows = self._core.conn.execute(
            _SELECT + "WHERE r.follow_up_due IS NOT NULL ORDER BY r.follow_up_due, r.given_ms"
        ).fetchall()
        return [self._view(r, by) for r in rows]

    def _view(self, row: tuple[Any, ...], by: Actor) -> RatingView:
        return RatingView(row[0], row[1], row[2], GRADES[row[2]],
                          self._core.open_text(row[3], by), row[4],
                          iso_of_ms(row[5], self._core.zone), row[6], row[7], row[8], row[9],
                          row[10], tuple(json.loads(row[11])) if row[11] else ())
