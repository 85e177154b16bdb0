"""差评整改: every 差评 followed to its end.

A 差评 (grade 1 or 2, hall/ratings.py) opens a follow-up due in working days on the hall's
calendar. The supervisor (or an admin) assigns it to an account or a department; the assignee
records the 整改 action taken; the 回访 (the call back to the citizen) records whether they are
satisfied, with a note; then a supervisor closes it, and only once both are there
(`follow_up_incomplete`). One past its due date is overdue: flagged in every list and escalated
to the hall's admin (a FollowUpStep `escalate` by the system, once). 差评重办 sends the rated
case's part back to its department to be decided again (hall/parts.py). Each step is one
FollowUpStep event: audited in the log with its actor, synced through the hub like any event; the
action and the 回访 note are typed text, sealed like a case's note.

Who: `follow_up` permission (supervisor, admin, the operator) sees and moves every follow-up; a
department's account sees and acts on (action, 回访) the ones assigned to its department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hall import text_limits, workdays
from hall.actors import Actor
from hall.core import Core, Outcome
from hall.errors import AccessError, DomainError
from hall.events import EventType
from hall.workdays import WorkCalendar

STATES = ("open", "assigned", "acted", "revisited", "closed")
REVISITS = ("satisfied", "unsatisfied")
ESCALATED_TO = "admin"  # the hall's admin accounts (the role sees every follow-up)


@dataclass(frozen=True)
class FollowUpView:
    id: str
    rating: str  # the rating's id
    ticket: str
    grade: int
    assignee: str | None  # None: the hall's supervisors
    due: str  # YYYY-MM-DD
    overdue: bool
    state: str
    escalated: bool
    action: str | None  # plain only for roles allowed free text
    revisit: str | None
    note: str | None
    redone: bool
    window: str | None
    clerk: str | None
    # working days on the hall's calendar from today to `due` (0: due today); negative: that
    # many working days overdue. Not kept once closed (None).
    days_left: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "rating": self.rating, "grade": self.grade,
                "assignee": self.assignee, "due": self.due, "overdue": self.overdue,
                "state": self.state, "escalated": self.escalated, "ticket": self.ticket,
                "window": self.window, "clerk": self.clerk, "action": self.action,
                "revisit": self.revisit, "note": self.note, "redone": self.redone,
                "days_left": self.days_left}


_SELECT = ("SELECT f.follow_up_id, f.rating_id, t.label, r.grade, f.assignee, f.due, f.state, "
           "f.escalated, f.action, f.revisit, f.note, f.redone, r.window, r.clerk "
           "FROM follow_ups f JOIN ratings r ON r.rating_id = f.rating_id "
           "JOIN tickets t ON t.ticket_id = r.ticket_id ")


class FollowUps:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._calendar: WorkCalendar | None = None

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = workdays.load(self._core.data_dir)
        return self._calendar

    def days_left(self, due: str, today: str) -> int:
        """Working days from `today` to `due` (negative: working days past it)."""
        d, t = date.fromisoformat(due), date.fromisoformat(today)
        return self.calendar.between(t, d) if d >= t else -self.calendar.between(d, t)

    # -- reads ---------------------------------------------------------------------------------
    def list(self, by: Actor, *, open_only: bool = False) -> list[FollowUpView]:
        """The follow-ups this actor may see, overdue first, then by due date."""
        where, args = self._visible(by)
        if open_only:
            where += " AND f.state <> 'closed'"
        rows = self._core.conn.execute(
            _SELECT + f"WHERE {where} ORDER BY f.state = 'closed', f.due, f.opened_ms",
            args).fetchall()
        views = [self._view(r, by) for r in rows]
        return sorted(views, key=lambda v: not v.overdue)  # stable: due order kept within

    def get(self, by: Actor, ref: str) -> FollowUpView:
        where, args = self._visible(by)
        row = self._core.conn.execute(
            _SELECT + f"WHERE (f.follow_up_id = ? OR f.rating_id = ?) AND {where}",
            (ref, ref, *args)).fetchone()
        if row is None:
            raise DomainError(f"no follow-up {ref!r}", code="unknown_follow_up",
                              params={"follow_up": ref[:64]})
        return self._view(row, by)

    # -- steps ---------------------------------------------------------------------------------
    def assign(self, by: Actor, ref: str, assignee: str) -> Outcome[FollowUpView]:
        self._core.require(by, "follow_up", "follow_up")
        found = self._open(by, ref)
        assignee = assignee.strip()
        if not self._known_assignee(assignee):
            raise DomainError(f"{assignee!r} is neither an account nor a department of this hall",
                              code="unknown_assignee", params={"assignee": assignee[:64]})
        return self._step(by, found, "assign", assignee=assignee)

    def act(self, by: Actor, ref: str, action: str) -> Outcome[FollowUpView]:
        found = self._open(by, ref)
        self._may_act(by, found)
        return self._step(by, found, "action", text=self._typed(action, "action"))

    def revisit(self, by: Actor, ref: str, result: str, note: str) -> Outcome[FollowUpView]:
        found = self._open(by, ref)
        self._may_act(by, found)
        if result not in REVISITS:
            raise DomainError("a 回访 is satisfied or unsatisfied", code="bad_revisit",
                              params={"revisit": result[:32]})
        if found.state in ("open", "assigned"):
            raise DomainError("回访 comes after the 整改 action: record the action first",
                              code="follow_up_incomplete", params={"missing": "action"})
        return self._step(by, found, "revisit", revisit=result, text=self._typed(note, "note"))

    def close(self, by: Actor, ref: str) -> Outcome[FollowUpView]:
        self._core.require(by, "follow_up", "follow_up")
        found = self._open(by, ref)
        row = self._core.conn.execute(
            "SELECT action IS NOT NULL, revisit IS NOT NULL FROM follow_ups "
            "WHERE follow_up_id = ?", (found.id,)).fetchone()
        missing = [name for name, has in zip(("action", "revisit"), row, strict=True) if not has]
        if missing:
            raise DomainError(f"a follow-up is closed once its 整改 action and its 回访 are "
                              f"recorded: {' and '.join(missing)} missing",
                              code="follow_up_incomplete", params={"missing": ",".join(missing)})
        return self._step(by, found, "close")

    def redo(self, by: Actor, ref: str, step: int) -> Outcome[FollowUpView]:
        """差评重办: the rated case's part `step` goes back to its department (received again)."""
        self._core.require(by, "follow_up", "follow_up")
        found = self._open(by, ref)
        row = self._core.conn.execute(
            "SELECT s.status FROM ratings r JOIN case_steps s ON s.case_id = r.case_id "
            "WHERE r.rating_id = ? AND s.step = ?", (found.rating, step)).fetchone()
        if row is None:
            raise DomainError("this 差评's visit has no case with that part to redo",
                              code="no_part", params={"step": step})
        if row[0] not in ("approved", "rejected"):
            raise DomainError(f"part {step} is {row[0]}: only a decided part is redone",
                              code="illegal_transition",
                              params={"step": step, "status": row[0], "action": "redo"})
        return self._step(by, found, "redo", step_no=step)

    def escalate(self) -> int:
        """The hall's own escalation (run before each list, and by the desk's figures page)."""
        return self.escalate_overdue(Actor.system("escalation"))

    def escalate_overdue(self, by: Actor) -> int:
        """Escalate every overdue follow-up not yet escalated to the hall's admin; how many."""
        core = self._core
        rows = core.conn.execute(
            "SELECT rating_id FROM follow_ups WHERE state <> 'closed' AND escalated = 0 "
            "AND due < ? LIMIT 1000", (core.today(),)).fetchall()
        if rows:
            with core.write() as conn:
                for (rating_id,) in rows:
                    core.emit(conn, EventType.FOLLOW_UP_STEP, {
                        "rating_id": rating_id, "step": "escalate", "at": core.now_iso(),
                        "assignee": ESCALATED_TO}, by)
        return len(rows)

    # -- inside --------------------------------------------------------------------------------
    def _visible(self, by: Actor) -> tuple[str, tuple[Any, ...]]:
        if by.can("follow_up"):
            return "1", ()
        if by.role == "department" and by.department:
            return "f.assignee = ?", (by.department,)
        self._core.require(by, "follow_up", "follow_ups")  # raises, audited
        raise AccessError("no follow-ups", code="forbidden")  # pragma: no cover

    def _may_act(self, by: Actor, found: FollowUpView) -> None:
        if by.can("follow_up"):
            return
        if by.role == "department" and by.department == found.assignee:
            return
        self._core.require(by, "follow_up", "follow_up")

    def _open(self, by: Actor, ref: str) -> FollowUpView:
        found = self.get(by, ref)
        if found.state == "closed":
            raise DomainError(f"follow-up {found.id} is closed", code="follow_up_closed",
                              params={"follow_up": found.id})
        return found

    def _known_assignee(self, name: str) -> bool:
        if not name or len(name) > 200:
            return False
        conn = self._core.conn
        if conn.execute("SELECT 1 FROM accounts WHERE user = ? OR department = ? LIMIT 1",
                        (name, name)).fetchone():
            return True
        return name in {step.department for s in self._core.catalog.services
                        for step in s.steps}

    def _typed(self, text: str, field: str) -> str:
        text = text.strip()
        if not text:
            raise DomainError(f"the {field} is empty", code="text_missing",
                              params={"field": field})
        text_limits.checked(text, "note")
        sealed = self._core.seal_text(text)
        assert sealed is not None
        return sealed

    def _step(self, by: Actor, found: FollowUpView, step: str,
              **fields: Any) -> Outcome[FollowUpView]:
        core = self._core
        payload = {"rating_id": found.rating, "step": step, "at": core.now_iso(), **fields}
        with core.write() as conn:
            core.emit(conn, EventType.FOLLOW_UP_STEP, payload, by)
        return core.outcome(self.get(by, found.id))

    def _view(self, row: tuple[Any, ...], by: Actor) -> FollowUpView:
        core = self._core
        today = core.today()
        return FollowUpView(
            id=row[0], rating=row[1], ticket=row[2], grade=row[3], assignee=row[4], due=row[5],
            overdue=row[6] != "closed" and row[5] < today, state=row[6],
            escalated=bool(row[7]), action=core.open_text(row[8], by), revisit=row[9],
            note=core.open_text(row[10], by), redone=bool(row[11]), window=row[12],
            clerk=row[13], days_left=None if row[6] == "closed" else self.days_left(row[5], today))
