"""The back office (后台分类审批): each department decides its part of a case, on time.

A case has parts, one per matter and department (`case_steps`), each with its life:

    pending --签收--> received --> approved | rejected (不予许可, written reasons)
                                 \\-> correction (补正: what to correct) --window--> corrected
    corrected --> approved | rejected | correction (again)

Who may do what:
- only a `department` account decides (签收 too), and only the parts of its own department; any
  other part is refused `forbidden` with nothing written (an audit entry says who tried);
- the window (a clerk) records a 补正 the applicant handed in (`correct`); it decides nothing;
- a supervisor sees every department's list and hands a part to another department, with the
  reason (`reassign`).

Time: a part's due date (承诺时限) was set at 受理 in working days on the hall's calendar
(hall/workdays.py). While a 补正 is owed, the clock stops: when the window hands it in, the due
date moves on by the working days it waited. A part in 补正 is never overdue.

Free text (reasons, what to correct, a reassignment's reason) is sealed like every typed text
and erased by the retention purge; the materials a 补正 asks for are catalog names, kept plain so
the kiosk can tell the applicant what to bring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from hall.actors import Actor
from hall.cases import MAX_TEXT, OPEN_STEPS, Cases, CaseView, StepView
from hall.core import Core, Outcome
from hall.errors import AccessError, DomainError
from hall.events import EventType

Move = Literal["received", "approved", "rejected", "correction"]
MOVES: tuple[str, ...] = ("received", "approved", "rejected", "correction")
_READER = Actor.system("back_office")  # reads a case whole, to check a move before refusing it


@dataclass(frozen=True)
class PartView:
    """One part in a department's 待审批 list."""

    case: str  # the case number
    case_id: str
    step: int
    matter: str
    department: str
    status: str
    due: str | None
    overdue: bool
    due_soon: bool  # due within one working day
    service_name: str
    applicant: str  # masked
    accepted_at: str
    origin_hall: str | None = None  # a part that travelled here: the hall it came from
    origin_case: str | None = None  # and the case number there

    def to_json(self) -> dict[str, Any]:
        out = {"case": self.case, "step": self.step, "matter": self.matter,
               "department": self.department, "status": self.status, "due": self.due,
               "overdue": self.overdue}
        if self.origin_hall is not None:
            out.update(origin_hall=self.origin_hall, origin_case=self.origin_case)
        return out


@dataclass(frozen=True)
class OwedMaterial:
    """A deferred (容缺) material past its due date: the window chases it."""

    case: str
    material: str
    due: str
    applicant: str

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case, "material": self.material, "due": self.due,
                "applicant": self.applicant}


class Parts:
    def __init__(self, core: Core, cases: Cases) -> None:
        self._core = core
        self._cases = cases

    # -- a department's list ------------------------------------------------------------------
    def queue(self, by: Actor, department: str | None = None) -> list[PartView]:
        """Open parts (pending, received, corrected) of accepted cases: overdue first, then by
        due date. A department account sees only its own department."""
        core = self._core
        core.require(by, "case_queue", "case_queue")
        if by.role == "department":
            if department is not None and department != by.department:
                self._refuse(by, "case_queue", department)
            department = by.department
        return self._open_parts(department)

    def supervision(self, by: Actor) -> dict[str, dict[str, list[PartView]]]:
        """Per department: its parts overdue and those due within one working day."""
        self._core.require(by, "reassign", "supervise_parts")
        out: dict[str, dict[str, list[PartView]]] = {}
        for part in self._open_parts(None):
            if part.overdue or part.due_soon:
                entry = out.setdefault(part.department, {"overdue": [], "due_soon": []})
                entry["overdue" if part.overdue else "due_soon"].append(part)
        return out

    # -- moves --------------------------------------------------------------------------------
    def decide(self, by: Actor, ref: str, step: int, outcome: str, note: str | None = None,
               bring: list[str] | tuple[str, ...] = ()) -> Outcome[CaseView]:
        """签收, or a decision on a part by its own department's account."""
        core = self._core
        core.require(by, "decide", "decide_step")
        if outcome not in MOVES:
            raise DomainError(f"a part is received, approved, rejected or sent for correction, "
                              f"not {outcome!r}", code="bad_outcome", params={"outcome": outcome})
        case, part = self._part(ref, step)
        self._here(case, part)
        if by.department != part.department:
            self._refuse(by, "decide_step", part.department, case=case.number, step=step)
        self._accepted(case)
        needs = ("pending",) if outcome == "received" else ("received", "corrected")
        if part.status not in needs:
            hint = " (签收 it first)" if part.status == "pending" else ""
            raise DomainError(f"part {step} of case {case.number} is {part.status}: it cannot be "
                              f"{outcome}{hint}", code="illegal_transition",
                              params={"case": case.number, "step": step, "status": part.status,
                                      "action": outcome})
        note = _text(note)
        names = self._bring(case, bring) if outcome == "correction" else []
        if outcome == "rejected" and not note:
            raise DomainError("不予许可 needs its written reasons (--note)", code="reason_missing")
        if outcome == "correction" and not (note or names):
            raise DomainError("补正 needs what must be corrected (--note)",
                              code="correction_missing")
        payload: dict[str, Any] = {"case_id": case.id, "step": step, "at": core.now_iso()}
        if outcome != "received":
            payload["outcome"] = outcome
        sealed = core.seal_text(note)
        if sealed:
            payload["note"] = sealed
        if names:
            payload["bring"] = names
        with core.write() as conn:
            core.emit(conn, EventType.CASE_STEP_RECEIVED if outcome == "received"
                      else EventType.CASE_STEP_DECIDED, payload, by)
            self._tell(conn, case.id, step, outcome, by, bring=names or None, note=note)
        return core.outcome(self._cases._read(by, case.id))

    def correct(self, by: Actor, ref: str, step: int) -> Outcome[CaseView]:
        """The window records the 补正 the applicant handed in: the part goes back to its
        department, due later by the working days it waited on the applicant."""
        core = self._core
        core.require(by, "case", "correct_step")
        case, part = self._part(ref, step)
        self._accepted(case)
        if part.status != "correction":
            raise DomainError(f"part {step} of case {case.number} owes no correction "
                              f"({part.status})", code="no_correction",
                              params={"case": case.number, "step": step, "status": part.status})
        due = part.due
        if due is not None and part.correction_at is not None:
            calendar = self._cases.calendar
            waited = calendar.between(date.fromisoformat(part.correction_at[:10]),
                                      date.fromisoformat(core.today()))
            due = calendar.add(date.fromisoformat(due), waited).isoformat()
        with core.write() as conn:
            core.emit(conn, EventType.CASE_STEP_CORRECTED, {
                "case_id": case.id, "step": step, "due": due, "at": core.now_iso()}, by)
            self._tell(conn, case.id, step, "corrected", by, due=due)
        return core.outcome(self._cases._read(by, case.id))

    def reassign(self, by: Actor, ref: str, step: int, department: str,
                 reason: str) -> Outcome[CaseView]:
        """A supervisor hands an undecided part to another department, with the reason."""
        core = self._core
        core.require(by, "reassign", "reassign_step")
        department = department.strip()
        if department not in core.catalog.departments():
            raise DomainError(f"no department {department!r} in the catalog",
                              code="unknown_department", params={"department": department})
        reason_text = _text(reason)
        if not reason_text:
            raise DomainError("handing a part to another department needs the reason",
                              code="reason_missing")
        case, part = self._part(ref, step)
        self._here(case, part)
        self._accepted(case)
        if part.decided:
            raise DomainError(f"part {step} of case {case.number} is decided ({part.status})",
                              code="illegal_transition",
                              params={"case": case.number, "step": step, "status": part.status})
        if part.department == department:
            raise DomainError(f"part {step} is already {department}'s", code="same_department",
                              params={"department": department})
        with core.write() as conn:
            core.emit(conn, EventType.CASE_STEP_REASSIGNED, {
                "case_id": case.id, "step": step, "department": department,
                "from": part.department, "reason": core.seal_text(reason_text),
                "at": core.now_iso()}, by)
        return core.outcome(self._cases._read(by, case.id))

    # -- the window -----------------------------------------------------------------------------
    def ready(self, by: Actor, limit: int = 500) -> list[CaseView]:
        """待出件: cases whose every part is decided and that are not handed out yet, oldest
        first (by when they became ready)."""
        core = self._core
        core.require(by, "case", "list_ready")
        rows = core.conn.execute(
            "SELECT c.case_id FROM cases c JOIN case_steps s ON s.case_id = c.case_id "
            "WHERE c.status IN ('accepted', 'completed', 'not_permitted') "
            "GROUP BY c.case_id HAVING SUM(s.status NOT IN ('approved', 'rejected')) = 0 "
            "ORDER BY MAX(COALESCE(c.completed_ms, 0), MAX(s.decided_ms)), c.accepted_ms "
            "LIMIT ?", (max(1, min(limit, 5000)),)).fetchall()
        return [self._cases._read(by, r[0]) for r in rows]

    def owed_materials(self, by: Actor) -> list[OwedMaterial]:
        """Deferred (容缺) materials past their due date, oldest due first."""
        core = self._core
        core.require(by, "case", "list_owed")
        return [OwedMaterial(n, m, d, a) for n, m, d, a in core.conn.execute(
            "SELECT c.case_number, m.material, m.due, c.applicant_masked FROM case_materials m "
            "JOIN cases c ON c.case_id = m.case_id WHERE m.status = 'deferred' AND m.due < ? "
            "AND c.status = 'accepted' ORDER BY m.due, c.case_number", (core.today(),))]

    # -- internals ------------------------------------------------------------------------------
    def _open_parts(self, department: str | None) -> list[PartView]:
        core = self._core
        today = core.today()
        soon = self._cases.calendar.add(date.fromisoformat(today), 1).isoformat()
        sql = ("SELECT c.case_number, c.case_id, s.step, s.matter, s.department, s.status, s.due, "
               "c.service_id, c.applicant_masked, c.accepted_ms, c.origin_hall, c.origin_case "
               "FROM case_steps s JOIN cases c ON c.case_id = s.case_id "
               "WHERE c.status = 'accepted' AND s.hall IS NULL "
               "AND s.status IN (" + ", ".join("?" * len(OPEN_STEPS)) + ")")
        params: list[Any] = list(OPEN_STEPS)
        if department is not None:
            sql += " AND s.department = ?"
            params.append(department)
        from hall.timefmt import iso_of_ms

        parts = []
        for row in core.conn.execute(sql, params):
            due = row[6]
            try:
                name = core.catalog.get(row[7]).name
            except DomainError:
                name = row[7]
            parts.append(PartView(row[0], row[1], row[2], row[3], row[4], row[5], due,
                                  due is not None and due < today,
                                  due is not None and today <= due <= soon, name, row[8],
                                  iso_of_ms(row[9], core.zone), row[10], row[11]))
        parts.sort(key=lambda p: (not p.overdue, p.due is None, p.due or "", p.accepted_at,
                                  p.case, p.step))
        return parts

    def _part(self, ref: str, step: int) -> tuple[CaseView, StepView]:
        case = self._cases._read(_READER, ref)
        part = next((s for s in case.steps if s.step == step), None)
        if part is None:
            raise DomainError(f"case {case.number} has no part {step}", code="unknown_step",
                              params={"case": case.number, "step": step})
        return case, part

    def _here(self, case: CaseView, part: StepView) -> None:
        """A part decided in another hall is decided there, never here."""
        if part.hall is not None and part.hall != self._core.config.hall_id:
            raise DomainError(f"part {part.step} of case {case.number} is decided in hall "
                              f"{part.hall}", code="decided_elsewhere",
                              params={"case": case.number, "step": part.step, "hall": part.hall})

    def _tell(self, conn: Any, case_id: str, step: int, status: str, by: Actor,
              **extra: Any) -> None:
        """A move on a part that travelled: the other hall hears of it (hall/travel.py)."""
        from hall import travel

        core = self._core
        to_hall = travel.other_hall(conn, case_id, step)
        if to_hall is None or to_hall == core.config.hall_id:
            return
        payload = {"case_id": case_id, "step": step, "to_hall": to_hall, "status": status,
                   "at": core.now_iso()}
        # a note travels sealed for the other hall (its pinned key), never in the clear
        extra["note"] = travel.note_for(core.data_dir, to_hall, case_id, extra.get("note"))
        payload.update({k: v for k, v in extra.items() if v is not None})
        core.emit(conn, EventType.PART_UPDATE, payload, by)

    @staticmethod
    def _accepted(case: CaseView) -> None:
        if case.status != "accepted":
            raise DomainError(f"case {case.number} is {case.status}, not accepted",
                              code="illegal_transition",
                              params={"case": case.number, "status": case.status})

    def _bring(self, case: CaseView, names: list[str] | tuple[str, ...]) -> list[str]:
        try:
            service = self._core.catalog.get(case.service)
        except DomainError:
            return []
        out: list[str] = []
        for name in names:
            service.material(name)  # unknown_material
            if name not in out:
                out.append(name)
        return out

    def _refuse(self, by: Actor, command: str, department: str, **where: Any) -> None:
        """Another department's part (or list): refused, audited, nothing else written."""
        from hall.security import audit

        audit.record(self._core, actor=by, action="command_refused", target=command,
                     outcome="forbidden", detail={"department": department, **where})
        raise AccessError(f"{by.name} acts for {by.department or 'no department'}, not for "
                          f"{department}", code="forbidden",
                          params={"actor": by.name, "role": by.role, "command": command,
                                  "department": department})


def _text(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_TEXT:
        raise DomainError(f"the note is longer than {MAX_TEXT} characters", code="text_long",
                          params={"what": "note", "limit": MAX_TEXT})
    return value.strip()

