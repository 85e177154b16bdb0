"""Cases (办件), as the seeds run them: 前台综合受理、后台分类审批、综合窗口出件.

The window accepts (受理) with a materials checklist where each item is submitted, deferred
(容缺, under a written promise 告知承诺 and a due date) or exempt (免提交, an e-licence covers it);
or refuses (不予受理) with written reasons. Each department of the matter or bundle then decides its
part (a step, with the promised date 承诺时限); the case is completed (办结) and the window hands
the result out (出件), in person or by mail.

Every text a person types here (reasons, promises, notes) is sealed like the applicant's fields and
erased by the retention purge; it is shown in plain only to roles allowed free text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from hall import text_limits, workdays
from hall.actors import Actor
from hall.catalog import Service
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.identity import Applicant
from hall.ids import new_id
from hall.security.crypto import applicant_payload
from hall.ticket_views import find
from hall.timefmt import iso_of_ms
from hall.workdays import WorkCalendar

MAX_TEXT = text_limits.CASE_NOTE  # hall/parts.py checks its notes by it

MaterialStatus = Literal["submitted", "deferred", "exempt"]
DeliveryChannel = Literal["window", "mail"]


@dataclass(frozen=True)
class MaterialItem:
    """One line of the checklist as the clerk marks it."""

    name: str
    status: MaterialStatus
    due: str | None = None  # YYYY-MM-DD by which a deferred material is supplied
    promise: str | None = None  # 告知承诺 for this item (else the case's promise applies)
    licence: str | None = None  # 免提交: filled from the catalog


@dataclass(frozen=True)
class MaterialView:
    name: str
    status: str  # submitted | deferred | exempt
    due: str | None
    licence: str | None
    promise: str | None  # plain only for roles allowed free text

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "due": self.due,
                "licence": self.licence, "promise": self.promise}


@dataclass(frozen=True)
class StepView:
    step: int
    department: str
    matter: str
    # pending | received (签收) | approved | rejected (不予许可) | correction (补正 owed by the
    # applicant: the clock stops) | corrected (补正 handed in, back with its department)
    status: str
    due: str | None  # 承诺时限 of this part, in working days on the hall's calendar
    decided_at: str | None
    received_at: str | None = None
    correction_at: str | None = None
    note: str | None = None  # reasons / what to correct: plain only for roles allowed free text
    bring: tuple[str, ...] = ()  # the catalog materials a 补正 asks for
    hall: str | None = None  # the hall that decides it (hall/travel.py)
    heard_at: str | None = None  # a part decided elsewhere: when its state was last heard

    @property
    def open(self) -> bool:
        """Undecided: with its department (the applicant owes nothing)."""
        return self.status in OPEN_STEPS

    @property
    def decided(self) -> bool:
        return self.status in ("approved", "rejected")

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "department": self.department, "matter": self.matter,
                "status": self.status, "due": self.due, "decided_at": self.decided_at,
                "received_at": self.received_at, "correction_at": self.correction_at,
                "note": self.note, "bring": list(self.bring), "hall": self.hall,
                "heard_at": self.heard_at}


OPEN_STEPS = ("pending", "received", "corrected")


@dataclass(frozen=True)
class CaseView:
    id: str
    number: str
    service: str
    service_name: str
    ticket_id: str | None
    status: str  # accepted | refused | completed | not_permitted (不予许可) | delivered
    applicant: str  # masked (张* 420302********1234); empty once purged
    materials: tuple[MaterialView, ...]
    steps: tuple[StepView, ...]
    promised: str | None  # 承诺时限 of the whole case, YYYY-MM-DD
    reasons: tuple[str, ...] | None  # 不予受理 reasons: plain only for roles allowed free text
    note: str | None
    assisted: bool  # 帮办代办
    accepted_at: str
    completed_at: str | None
    delivered_at: str | None
    delivery_channel: str | None
    delivery_tracking: str | None
    # 跨域通办: {"via", "tracking", "sent_at", "arrived_at"} once the materials went
    materials_travel: dict[str, Any] | None = None

    @property
    def ready(self) -> bool:
        """Every part decided: the window may 办结 and hand out (待出件)."""
        return (self.status in ("accepted", "completed", "not_permitted")
                and all(s.decided for s in self.steps))

    @property
    def outstanding(self) -> list[str]:
        """Deferred (容缺) materials still to be supplied."""
        return [m.name for m in self.materials if m.status == "deferred"]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "number": self.number, "service": self.service,
            "service_name": self.service_name, "ticket_id": self.ticket_id,
            "status": self.status, "applicant": self.applicant,
            "materials": [m.to_json() for m in self.materials],
            "steps": [s.to_json() for s in self.steps], "promised": self.promised,
            "reasons": list(self.reasons) if self.reasons is not None else None,
            "note": self.note, "assisted": self.assisted, "accepted_at": self.accepted_at,
            "completed_at": self.completed_at, "delivered_at": self.delivered_at,
            "delivery": ({"channel": self.delivery_channel, "tracking": self.delivery_tracking}
                         if self.delivery_channel else None),
            "materials_travel": self.materials_travel,
        }


def checklist(service: Service, items: list[MaterialItem], promise: str | None,
              today: str) -> list[MaterialItem]:
    """Check a checklist against the service's 一次性告知 list: every required material is
    accounted for, 容缺 only where the material allows it and with a promise and a due date,
    免提交 only with its e-licence."""
    given: dict[str, MaterialItem] = {}
    for item in items:
        if item.name in given:
            raise DomainError(f"material {item.name!r} is listed twice", code="material_twice",
                              params={"material": item.name})
        given[item.name] = item
    unknown = sorted(set(given) - {m.name for m in service.materials})
    if unknown:
        raise DomainError(f"{service.name} does not ask for: {', '.join(unknown)}",
                          code="unknown_material", params={"material": ", ".join(unknown)})
    out: list[MaterialItem] = []
    for m in service.materials:
        marked = given.get(m.name)
        if marked is None:
            if m.required:
                raise DomainError(f"material {m.name!r} is neither submitted, deferred (容缺) "
                                  "nor covered by an e-licence (免提交)", code="material_missing",
                                  params={"material": m.name})
            continue
        item = marked
        if item.status == "deferred":
            if not m.deferrable:
                raise DomainError(f"{m.name!r} is a main material and cannot be deferred (容缺)",
                                  code="not_deferrable", params={"material": m.name})
            words = item.promise or promise
            if not words or not words.strip() or not item.due:
                raise DomainError(f"deferring {m.name!r} needs a written promise (告知承诺) and a "
                                  "due date", code="promise_missing", params={"material": m.name})
            try:
                due = date.fromisoformat(item.due)
            except ValueError as exc:
                raise DomainError(f"the due date of {m.name!r} is not a date: {item.due!r}",
                                  code="bad_date", params={"material": m.name}) from exc
            if due.isoformat() < today:
                raise DomainError(f"the due date of {m.name!r} is in the past",
                                  code="due_past", params={"material": m.name})
            item = MaterialItem(m.name, "deferred", due.isoformat(), words.strip())
        elif item.status == "exempt":
            if m.e_licence is None:
                raise DomainError(f"no e-licence covers {m.name!r} (免提交 not possible)",
                                  code="no_e_licence", params={"material": m.name})
            item = MaterialItem(m.name, "exempt", licence=m.e_licence)
        elif item.status != "submitted":
            raise DomainError(f"{m.name!r}: a material is submitted, deferred or exempt",
                              code="bad_material_status", params={"material": m.name})
        out.append(item)
    return out


class Cases:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._calendar: WorkCalendar | None = None

    # -- 受理 / 不予受理 ----------------------------------------------------------------------------
    def accept(self, by: Actor, service_id: str, applicant: Applicant,
               items: list[MaterialItem], *, ticket: str | None = None,
               promise: str | None = None, note: str | None = None,
               assisted: bool = False, another: bool = False,
               start_ticket: bool = False, handled_by: str | None = None) -> Outcome[CaseView]:
        """受理. A ticket already holding a case is refused (`ticket_has_case`, naming it) unless
        `another` says this is a second matter of the same visit: a desk restarted mid-visit
        must not make a second case for one matter without a word. `start_ticket`: the ticket,
        when it is still only called, starts being served in the same transaction (the desk
        accepts at the counter: both or neither)."""
        core = self._core
        core.require(by, "case", "accept_case")
        if start_ticket and ticket is not None:
            core.require(by, "queue", "start")
        service = core.catalog.get(service_id)
        if not applicant.verified:
            raise DomainError("accepting a case needs a verified identity (a card read or a "
                              "verified code)", code="identity_unverified")
        checked = checklist(service, items, text_limits.checked(promise, "promise"), core.today())
        text_limits.checked(note, "note")
        ticket_id = self._ticket_id(ticket)
        if ticket_id is not None and not another:
            self._refuse_second_case(ticket_id)
        dues = self._dues(service)
        promised = max((d for d in dues if d), default=None)
        if handled_by is not None:
            from hall.ids import normal_id

            handled_by = normal_id(handled_by)
        with core.write() as conn:
            if start_ticket and ticket_id is not None:
                held = find(conn, ticket_id, core.zone)
                if held.status == "called":
                    core.emit(conn, EventType.SERVICE_STARTED, {
                        "ticket_id": held.id, "at": core.now_iso(), "window": held.window}, by)
            case_id, number = new_id(), self._number()
            payload: dict[str, Any] = {
                "case_id": case_id, "case_number": number, "service_id": service.id,
                "ticket_id": ticket_id, "at": core.now_iso(),
                "applicant": applicant_payload(applicant),
                "materials": [{"name": i.name, "status": "submitted" if i.status == "deferred"
                               else i.status, "licence": i.licence} for i in checked],
                "steps": [{"step": n, "department": s.department, "matter": s.matter,
                           "due": due}
                          for n, (s, due) in enumerate(zip(service.steps, dues, strict=True), 1)],
                "promised": promised, "assisted": assisted,
            }
            sealed_note = core.seal_text(note)
            if sealed_note:
                payload["note"] = sealed_note
            core.emit(conn, EventType.CASE_ACCEPTED, payload, by)
            self._route(conn, payload, applicant, handled_by, by)
            for i in checked:
                if i.status == "deferred":
                    core.emit(conn, EventType.MATERIALS_DEFERRED, {
                        "case_id": case_id, "material": i.name,
                        "promise": core.seal_text(i.promise), "due": i.due}, by)
        return core.outcome(self._read(by, number))

    def _route(self, conn: Any, accepted: dict[str, Any], applicant: Applicant,
               handled_by: str | None, by: Actor) -> None:
        """Parts decided in another hall travel there, sealed for it (hall/travel.py)."""
        from hall import travel

        core = self._core
        if handled_by is None and not travel.destinations(
                core.data_dir, core.config.hall_id, accepted["steps"], None):
            return
        sealed = getattr(applicant, "sealed", "")
        if not sealed:
            raise DomainError("a case that travels needs the applicant read from a card or a "
                              "verified code", code="identity_unverified")
        record = core.sealer.open_json(sealed)
        for routed in travel.routed_payloads(core.data_dir, core.config.hall_id, accepted,
                                             record, handled_by):
            core.emit(conn, EventType.PART_ROUTED, routed, by)

    def refuse(self, by: Actor, service_id: str, applicant: Applicant, reasons: list[str], *,
               ticket: str | None = None) -> Outcome[CaseView]:
        core = self._core
        core.require(by, "case", "refuse_case")
        service = core.catalog.get(service_id)
        reasons = [r.strip() for r in reasons if r and r.strip()]
        if not reasons:
            raise DomainError("不予受理 needs at least one written reason", code="reason_missing")
        for r in reasons:
            text_limits.checked(r, "reason")
        ticket_id = self._ticket_id(ticket)
        with core.write() as conn:
            number = self._number()
            core.emit(conn, EventType.CASE_REFUSED, {
                "case_id": new_id(), "case_number": number, "service_id": service.id,
                "ticket_id": ticket_id, "applicant": applicant_payload(applicant),
                "reasons": [core.seal_text(r) for r in reasons], "at": core.now_iso()}, by)
        return core.outcome(self._read(by, number))

    # -- after 受理 ---------------------------------------------------------------------------------
    def supply(self, by: Actor, ref: str, material: str) -> Outcome[CaseView]:
        """补交: a deferred material arrives."""
        core = self._core
        core.require(by, "case", "supply_material")
        case = self._read(by, ref)
        if material not in case.outstanding:
            raise DomainError(f"{material!r} is not outstanding on case {case.number}",
                              code="not_deferred", params={"material": material,
                                                           "case": case.number})
        with core.write() as conn:
            core.emit(conn, EventType.MATERIALS_SUPPLIED, {
                "case_id": case.id, "material": material, "at": core.now_iso()}, by)
        return core.outcome(self._read(by, ref))

    def complete(self, by: Actor, ref: str) -> Outcome[CaseView]:
        """办结, once every part is decided (nothing is decided silently). A case whose every
        part was rejected ends as 不予许可 (`not_permitted`)."""
        self._core.require(by, "case", "complete_case")  # before the case is read
        case = self._read(by, ref)
        if case.outstanding:
            raise DomainError(f"case {case.number} still waits for deferred (容缺) materials: "
                              f"{', '.join(case.outstanding)}", code="materials_outstanding",
                              params={"case": case.number,
                                      "materials": ", ".join(case.outstanding)})
        if case.status == "accepted":
            undecided = [s for s in case.steps if not s.decided]
            if undecided:
                raise DomainError(
                    f"case {case.number} has parts not decided yet: "
                    + ", ".join(f"{s.step} {s.department} ({s.status})" for s in undecided),
                    code="steps_pending", params={"case": case.number,
                                                  "steps": ", ".join(str(s.step)
                                                                     for s in undecided)})
        rejected_all = bool(case.steps) and all(s.status == "rejected" for s in case.steps)
        return self._transition(by, case, "accepted", EventType.CASE_COMPLETED,
                                "complete_case",
                                result="not_permitted" if rejected_all else "completed")

    def deliver(self, by: Actor, ref: str, channel: DeliveryChannel = "window",
                tracking: str | None = None) -> Outcome[CaseView]:
        """出件, at the window or by mail (EMS, with its tracking number)."""
        if channel not in ("window", "mail"):
            raise DomainError("a result is handed out at the window or sent by mail",
                              code="bad_channel", params={"channel": channel})
        if channel == "mail":
            tracking = (tracking or "").strip().upper()
            if not (8 <= len(tracking) <= 20 and tracking.isascii() and tracking.isalnum()):
                raise DomainError("a result sent by mail needs its tracking number (EMS)",
                                  code="tracking_missing")
        self._core.require(by, "case", "deliver_result")  # before the case is read
        case = self._read(by, ref)
        extra: dict[str, Any] = {"channel": channel}
        if channel == "mail":
            extra["tracking"] = tracking
        # 不予许可: the written notice is handed out (or mailed) like a result
        return self._transition(by, case, ("completed", "not_permitted"),
                                EventType.RESULT_DELIVERED, "deliver_result", **extra)

    # -- reading ------------------------------------------------------------------------------------
    def get(self, by: Actor, ref: str, *, reveal: bool = False) -> CaseView:
        """A case by id or number, masked; free text in plain only for roles allowed it, with
        ID- and phone-shaped runs masked unless `reveal` (permission `data_view`, audited). Its
        permission is checked (and a refusal audited) before the case is looked for, so a
        refused actor learns nothing of whether it exists."""
        self._core.require(by, "case_lookup", "show_case")
        return self._read(by, ref, reveal=reveal)

    def _read(self, by: Actor, ref: str, *, reveal: bool = False) -> CaseView:
        """A case, for a command that has checked its own permission already."""
        core = self._core
        conn = core.conn
        if reveal:
            core.require(by, "data_view", "reveal_case_text")
        row = conn.execute(
            "SELECT case_id, case_number, service_id, ticket_id, status, applicant_masked, "
            "reasons, accepted_ms, completed_ms, delivered_ms, delivery_channel, "
            "delivery_tracking, promised, assisted, note, materials_via, materials_tracking, "
            "materials_sent_ms, materials_arrived_ms FROM cases "
            "WHERE case_id = ? OR case_number = ?", (ref, ref.strip())).fetchone()
        if row is None:
            raise DomainError(f"no case {ref!r}", code="unknown_case", params={"case": ref})

        def at(ms: int | None) -> str | None:
            return iso_of_ms(ms, core.zone) if ms is not None else None

        materials = tuple(
            MaterialView(m[0], m[1], m[3], m[4], core.open_text(m[2], by, reveal=reveal))
            for m in conn.execute(
                "SELECT material, status, promise, due, licence FROM case_materials "
                "WHERE case_id = ? ORDER BY rowid", (row[0],)))
        steps = tuple(
            StepView(s[0], s[1], s[2], s[3], s[4], at(s[5]), at(s[6]), at(s[7]),
                     core.open_text(s[8], by, reveal=reveal),
                     tuple(json.loads(s[9])) if s[9] else (), s[10] or core.config.hall_id,
                     at(s[11]))
            for s in conn.execute(
                "SELECT step, department, matter, status, due, decided_ms, received_ms, "
                "correction_ms, note, bring, hall, heard_ms FROM case_steps WHERE case_id = ? "
                "ORDER BY step",
                (row[0],)))
        steps = self._visible(by, row[0], row[1], row[2], steps)
        reasons: tuple[str, ...] | None = None
        if row[6] is not None and by.can("free_text"):
            reasons = tuple(t for t in (core.open_text(tok, by, reveal=reveal)
                                        for tok in json.loads(row[6])) if t is not None)
        try:
            service_name = core.catalog.get(row[2]).name
        except DomainError:
            service_name = row[2]  # a service a newer catalog dropped: the case stays readable

        if reveal:
            from hall.security import audit

            audit.record(core, actor=by, action="data_view", target=row[1],
                         detail={"fields": ["typed_text"]})

        return CaseView(
            id=row[0], number=row[1], service=row[2], service_name=service_name,
            ticket_id=row[3], status=row[4], applicant=row[5], materials=materials,
            steps=steps, promised=row[12], reasons=reasons,
            note=core.open_text(row[14], by, reveal=reveal),
            assisted=bool(row[13]), accepted_at=iso_of_ms(row[7], core.zone),
            completed_at=at(row[8]), delivered_at=at(row[9]), delivery_channel=row[10],
            delivery_tracking=row[11],
            materials_travel=None if row[15] is None else {
                "via": row[15], "tracking": row[16], "sent_at": at(row[17]),
                "arrived_at": at(row[18])})

    # -- 跨域通办: the materials travel too ---------------------------------------------------------
    def send_materials(self, by: Actor, ref: str, via: str,
                       tracking: str | None = None) -> Outcome[CaseView]:
        """The origin records how the materials went to the hall deciding the case: by EMS
        (with its tracking number) or as electronic copies; that hall hears it."""
        if via not in ("ems", "electronic"):
            raise DomainError("materials go by EMS or as electronic copies", code="bad_channel",
                              params={"channel": via})
        if via == "ems":
            tracking = (tracking or "").strip().upper()
            if not (8 <= len(tracking) <= 20 and tracking.isascii() and tracking.isalnum()):
                raise DomainError("materials sent by EMS need the tracking number",
                                  code="tracking_missing")
        else:
            tracking = None
        return self._materials_news(by, ref, "send_materials", "materials_sent", via=via,
                                    tracking=tracking)

    def materials_arrived(self, by: Actor, ref: str) -> Outcome[CaseView]:
        """The hall deciding a case that travelled here records its materials' arrival; the
        origin hears it."""
        return self._materials_news(by, ref, "materials_arrived", "materials_arrived")

    def _materials_news(self, by: Actor, ref: str, command: str, status: str,
                        **extra: Any) -> Outcome[CaseView]:
        core = self._core
        core.require(by, "case", command)
        case = self._read(by, ref)
        conn = core.conn
        origin = conn.execute("SELECT origin_hall FROM cases WHERE case_id = ?",
                              (case.id,)).fetchone()[0]
        own = core.config.hall_id
        away = sorted({s.hall for s in case.steps if s.hall and s.hall != own})
        to_hall = origin if status == "materials_arrived" else (away[0] if len(away) == 1
                                                                else None)
        if to_hall is None:
            raise DomainError(f"case {case.number} did not travel here" if status ==
                              "materials_arrived" else f"case {case.number} does not travel "
                              "to one other hall", code="not_travelling",
                              params={"case": case.number})
        step = min(s.step for s in case.steps)
        with core.write() as wconn:
            payload = {"case_id": case.id, "step": step, "to_hall": to_hall, "status": status,
                       "at": core.now_iso(), **{k: v for k, v in extra.items() if v}}
            core.emit(wconn, EventType.PART_UPDATE, payload, by)
        return core.outcome(self._read(by, case.id))

    def list(self, by: Actor, *, day: str | None = None, status: str | None = None,
             applicant_key: str | None = None, limit: int = 500) -> list[CaseView]:
        """Cases newest first: of a day, in a status, or of one applicant (blind index)."""
        self._core.require(by, "case_lookup", "list_cases")
        sql = "SELECT case_id FROM cases WHERE 1 = 1"
        params: list[Any] = []
        if day is not None:
            sql += " AND case_number LIKE ?"
            params.append(f"%-{day.replace('-', '')}-%")
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        if applicant_key is not None:
            sql += " AND applicant_key = ? AND applicant_key != ''"
            params.append(applicant_key)
        if by.role == "department":  # its parts' cases only (and the lead's whole bundles)
            sql += (" AND (case_id IN (SELECT case_id FROM case_steps WHERE department = ?)"
                    " OR service_id IN (SELECT value FROM json_each(?)))")
            params += [by.department or "", json.dumps(
                [s.id for s in self._core.catalog.services if s.department == by.department])]
        rows = self._core.conn.execute(sql + " ORDER BY accepted_ms DESC LIMIT ?",
                                       (*params, max(1, min(limit, 5000)))).fetchall()
        return [self._read(by, r[0]) for r in rows]

    # -- internals ----------------------------------------------------------------------------------
    def _visible(self, by: Actor, case_id: str, number: str, service_id: str,
                 steps: tuple[StepView, ...]) -> tuple[StepView, ...]:
        """A department sees its own parts; the lead department (牵头部门) the whole case; a
        department with no part in a case does not see it."""
        if by.role != "department":
            return steps
        try:
            lead = self._core.catalog.get(service_id).department
        except DomainError:
            lead = ""
        if by.department and by.department == lead:
            return steps
        own = tuple(s for s in steps if s.department == by.department)
        if not own:
            raise DomainError(f"no case {number!r} for {by.department}", code="unknown_case",
                              params={"case": number})
        return own

    def _transition(self, by: Actor, case: CaseView, needs: str | tuple[str, ...],
                    event_type: str, command: str, **extra: Any) -> Outcome[CaseView]:
        core = self._core
        core.require(by, "case", command)
        allowed = (needs,) if isinstance(needs, str) else needs
        if case.status not in allowed:
            raise DomainError(f"case {case.number} is {case.status}, not {' or '.join(allowed)}",
                              code="illegal_transition",
                              params={"case": case.number, "status": case.status,
                                      "action": command})
        with core.write() as conn:
            core.emit(conn, event_type, {"case_id": case.id, "at": core.now_iso(), **extra}, by)
        return core.outcome(self._read(by, case.id))

    def _ticket_id(self, ref: str | None) -> str | None:
        if ref is None:
            return None
        return find(self._core.conn, ref, self._core.zone).id

    def cases_of_ticket(self, by: Actor, ticket: str) -> tuple[CaseView, ...]:
        """The cases a visit already has (refused ones included), oldest first: what a desk
        restarted mid-visit shows before anything is accepted again."""
        self._core.require(by, "case_lookup", "list_cases")
        ticket_id = self._ticket_id(ticket)
        rows = self._core.conn.execute(
            "SELECT case_id FROM cases WHERE ticket_id = ? ORDER BY accepted_ms",
            (ticket_id,)).fetchall()
        return tuple(self.get(by, r[0]) for r in rows)

    def _refuse_second_case(self, ticket_id: str) -> None:
        # A refused case (不予受理) does not count: the applicant may come back to the same
        # window with what was missing and be accepted on the same ticket.
        row = self._core.conn.execute(
            "SELECT case_number, service_id FROM cases WHERE ticket_id = ? AND status != "
            "'refused' ORDER BY accepted_ms LIMIT 1", (ticket_id,)).fetchone()
        if row is not None:
            raise DomainError(
                f"this ticket already has case {row[0]} ({row[1]}); accept a second matter of "
                "the same visit only on purpose (--another)", code="ticket_has_case",
                params={"case": row[0], "service": row[1]})

    def _number(self) -> str:
        """Unique across the platform: hall id, day, terminal id, the terminal's daily count."""
        core = self._core
        prefix = f"{core.config.hall_id}-{core.today().replace('-', '')}-{core.config.terminal_id}-"
        row = core.conn.execute(
            "SELECT COUNT(*) FROM cases WHERE case_number LIKE ?", (prefix + "%",)).fetchone()
        return f"{prefix}{int(row[0]) + 1:04d}"

    @property
    def calendar(self) -> WorkCalendar:
        """The hall's working days (made on first use: only commands that count days pay)."""
        if self._calendar is None:
            self._calendar = workdays.load(self._core.data_dir)
        return self._calendar

    def _dues(self, service: Service) -> tuple[str | None, ...]:
        """Each part's 承诺时限: its matter's limit, else the service's, in working days."""
        start = date.fromisoformat(self._core.today())
        limits = (step.time_limit_days if step.time_limit_days is not None
                  else service.time_limit_days for step in service.steps)
        return tuple(None if limit is None else self.calendar.add(start, limit).isoformat()
                     for limit in limits)
