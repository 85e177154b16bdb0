"""Cases (办件): 受理 with a materials checklist, 容缺 + 告知承诺, 免提交, 不予受理, 办结, 出件."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from hall.catalog import Service
from hall.errors import DomainError
from hall.events import EventType
from hall.identity import Applicant
from hall.ids import new_id
from hall.security.crypto import applicant_payload
from hall.service import HallService
from hall.timefmt import iso_of_ms

MaterialStatus = Literal["submitted", "deferred", "exempt"]


@dataclass(frozen=True)
class MaterialItem:
    name: str
    status: MaterialStatus
    promise: str | None = None  # 告知承诺: the applicant's written promise, for 容缺
    due: str | None = None  # YYYY-MM-DD by which a deferred material is supplied
    licence: str | None = None  # 免提交: the e-licence that covers it


def checklist(service: Service, items: list[MaterialItem]) -> list[MaterialItem]:
    """Check a checklist against the service's 一次性告知 list: every required material is
    accounted for, 容缺 only where the material allows it, 免提交 only with its e-licence."""
    given = {i.name: i for i in items}
    unknown = sorted(set(given) - {m.name for m in service.materials})
    if unknown:
        raise DomainError(f"{service.name} does not ask for: {', '.join(unknown)}",
                          code="unknown_material")
    out: list[MaterialItem] = []
    for m in service.materials:
        item = given.get(m.name)
        if item is None:
            if m.required:
                raise DomainError(f"material {m.name!r} is neither submitted, deferred (容缺) "
                                  "nor covered by an e-licence (免提交)", code="material_missing")
            continue
        if item.status == "deferred":
            if not m.deferrable:
                raise DomainError(f"{m.name!r} is a main material and cannot be deferred (容缺)",
                                  code="not_deferrable")
            if not item.promise or not item.due:
                raise DomainError(f"deferring {m.name!r} needs a written promise (告知承诺) and a "
                                  "due date", code="promise_missing")
            date.fromisoformat(item.due)
        if item.status == "exempt":
            if m.e_licence is None:
                raise DomainError(f"no e-licence covers {m.name!r} (免提交 not possible)",
                                  code="no_e_licence")
            item = MaterialItem(item.name, "exempt", licence=m.e_licence)
        out.append(item)
    return out


def _case_number(hall: HallService) -> str:
    """Unique across the platform: hall id, day, terminal id, and the terminal's daily count."""
    day = hall.today().replace("-", "")
    prefix = f"{hall.config.hall_id}-{day}-{hall.config.terminal_id}-"
    row = hall.store.conn.execute(
        "SELECT COUNT(*) FROM cases WHERE case_number LIKE ?", (prefix + "%",)
    ).fetchone()
    return f"{prefix}{int(row[0]) + 1:04d}"


def accept(hall: HallService, service_id: str, applicant: Applicant, items: list[MaterialItem],
           ticket_id: str | None = None) -> dict[str, Any]:
    service = hall.catalog.get(service_id)
    if not applicant.verified:
        raise DomainError("accepting a case needs a verified identity (a card read or a "
                          "verified code)", code="identity_unverified")
    checked = checklist(service, items)
    with hall.write() as conn:
        case_id, number, at = new_id(), _case_number(hall), hall.now_iso()
        hall.emit(conn, EventType.CASE_ACCEPTED, {
            "case_id": case_id, "case_number": number, "service_id": service.id,
            "ticket_id": ticket_id, "at": at,
            "applicant": applicant_payload(applicant),
            "materials": [{"name": i.name, "status": "submitted" if i.status == "deferred"
                           else i.status, "licence": i.licence} for i in checked],
        })
        for i in checked:
            if i.status == "deferred":
                hall.emit(conn, EventType.MATERIALS_DEFERRED, {
                    "case_id": case_id, "material": i.name, "promise": i.promise, "due": i.due})
    return get(hall, number)


def refuse(hall: HallService, service_id: str, applicant: Applicant, reasons: list[str],
           ticket_id: str | None = None) -> dict[str, Any]:
    service = hall.catalog.get(service_id)
    reasons = [r.strip() for r in reasons if r.strip()]
    if not reasons:
        raise DomainError("不予受理 needs at least one written reason", code="reason_missing")
    with hall.write() as conn:
        number = _case_number(hall)
        hall.emit(conn, EventType.CASE_REFUSED, {
            "case_id": new_id(), "case_number": number, "service_id": service.id,
            "ticket_id": ticket_id, "applicant": applicant_payload(applicant),
            "reasons": reasons, "at": hall.now_iso()})
    return get(hall, number)


def _transition(hall: HallService, ref: str, needs: str, event_type: str,
                **extra: Any) -> dict[str, Any]:
    case = get(hall, ref)
    if case["status"] != needs:
        raise DomainError(f"case {case['case_number']} is {case['status']}, not {needs}",
                          code="illegal_transition")
    if needs == "accepted" and any(m["status"] == "deferred" for m in case["materials"]):
        raise DomainError(f"case {case['case_number']} still waits for deferred (容缺) "
                          "materials", code="materials_outstanding")
    with hall.write() as conn:
        hall.emit(conn, event_type, {"case_id": case["case_id"], "at": hall.now_iso(), **extra})
    return get(hall, ref)


def complete(hall: HallService, ref: str) -> dict[str, Any]:
    return _transition(hall, ref, "accepted", EventType.CASE_COMPLETED)


def deliver(hall: HallService, ref: str, channel: str = "window") -> dict[str, Any]:
    return _transition(hall, ref, "completed", EventType.RESULT_DELIVERED, channel=channel)


def supply(hall: HallService, ref: str, material: str) -> dict[str, Any]:
    case = get(hall, ref)
    if not any(m["name"] == material and m["status"] == "deferred" for m in case["materials"]):
        raise DomainError(f"{material!r} is not outstanding on case {case['case_number']}",
                          code="not_deferred")
    with hall.write() as conn:
        hall.emit(conn, EventType.MATERIALS_SUPPLIED, {
            "case_id": case["case_id"], "material": material, "at": hall.now_iso()})
    return get(hall, ref)


def get(hall: HallService, ref: str) -> dict[str, Any]:
    conn = hall.store.conn
    row = conn.execute(
        "SELECT case_id, case_number, service_id, ticket_id, status, applicant_masked, reasons, "
        "accepted_ms FROM cases WHERE case_id = ? OR case_number = ?", (ref, ref)).fetchone()
    if row is None:
        raise DomainError(f"no case {ref!r}", code="unknown_case")
    materials = [
        {"name": m[0], "status": m[1], "promise": m[2], "due": m[3], "licence": m[4]}
        for m in conn.execute(
            "SELECT material, status, promise, due, licence FROM case_materials "
            "WHERE case_id = ? ORDER BY rowid", (row[0],))
    ]
    return {
        "case_id": row[0], "case_number": row[1], "service": row[2], "ticket_id": row[3],
        "status": row[4], "applicant": row[5],
        "reasons": json.loads(row[6]) if row[6] else [],
        "at": iso_of_ms(row[7], hall.zone), "materials": materials,
    }
