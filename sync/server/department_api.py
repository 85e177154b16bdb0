"""The hub's API for departments deciding in their own systems (issue 24).

A department's system enrolls like a terminal, with a code made on the hub:
`serve enroll-code --hall HALL --terminal T --role department --department DEPT`. Its
credential opens only these endpoints (everything else answers 403: it pulls no hall log) and
only its own department's parts:

- `GET  /v1/department/parts`: the open parts (pending, received, corrected) of its department;
- `GET  /v1/department/parts/{case_id}/{step}`: one part, with the applicant in plain (opened
  with the hall's data key on the hub), each read audited in the hall's log;
- `POST /v1/department/parts/{case_id}/{step}/decision` `{"outcome": "received" | "approved" |
  "rejected" | "correction", "note": "…", "bring": ["…"]}`: recorded in the hall's log as the
  department's move (and, for a part that travelled here, sent back to its origin hall).

Another department's part: 403, audited. The parts' state is read from the hall's log on the hub
(the hub keeps no case projection): a scan of the hall's case events per request, fine for a
hall's volume, not built for a platform's.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Column, Engine, MetaData, Table, Text, select
from starlette.concurrency import run_in_threadpool

from hall.events import EventType
from sync.server import db
from sync.server.answers import answers
from sync.server.db import _insert
from sync.server.tables import events
from sync.wire import API

ROLE = "department"
metadata = MetaData()

# the department each department credential acts for, fixed when its code is made
seats = Table(
    "department_credentials",
    metadata,
    Column("hall_id", Text, primary_key=True),
    Column("terminal_id", Text, primary_key=True),
    Column("department", Text, nullable=False),
)

_CASE_TYPES = (EventType.CASE_ACCEPTED, EventType.PART_ARRIVED, EventType.PART_ROUTED,
               EventType.CASE_STEP_RECEIVED, EventType.CASE_STEP_DECIDED,
               EventType.CASE_STEP_CORRECTED, EventType.CASE_STEP_REASSIGNED,
               EventType.PART_HEARD, EventType.CASE_COMPLETED)
OPEN = ("pending", "received", "corrected")
MOVES = ("received", "approved", "rejected", "correction")


def ensure(engine: Engine) -> None:
    metadata.create_all(engine)


def new_code(engine: Engine, hall_id: str, terminal_id: str, department: str) -> str:
    """A one-time code for a department's system, limited to `department`."""
    from hall.ids import normal_id

    ensure(engine)
    hall_id, terminal_id = normal_id(hall_id), normal_id(terminal_id)
    code = db.new_enroll_code(engine, hall_id, terminal_id, role=ROLE)
    with engine.begin() as conn:
        conn.execute(_insert(conn, seats).values(
            hall_id=hall_id, terminal_id=terminal_id, department=department)
            .on_conflict_do_update(index_elements=["hall_id", "terminal_id"],
                                   set_={"department": department}))
    return code


def department_of(engine: Engine, cred: db.Credential) -> str | None:
    with engine.connect() as conn:
        found = conn.execute(select(seats.c.department).where(
            seats.c.hall_id == cred.hall_id, seats.c.terminal_id == cred.terminal_id)).scalar()
    return None if found is None else str(found)


def parts(engine: Engine, hall_id: str) -> dict[tuple[str, int], dict[str, Any]]:
    """Every part of the hall's cases as its log tells it (in HLC order)."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    cases: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        rows = conn.execute(select(events.c.type, events.c.payload).where(
            events.c.hall_id == hall_id, events.c.type.in_(_CASE_TYPES))
            .order_by(events.c.hlc, events.c.pos)).all()
    for kind, raw in rows:
        p = json.loads(raw)
        case_id = p.get("case_id")
        if kind in (EventType.CASE_ACCEPTED, EventType.PART_ARRIVED):
            cases[case_id] = {"case": p["case_number"], "service_id": p["service_id"],
                              "applicant": p.get("applicant", {}),
                              "origin_hall": p.get("origin_hall"),
                              "origin_case": p.get("origin_case"), "status": "accepted"}
            for s in p.get("steps", []):
                out[(case_id, int(s["step"]))] = {
                    "case_id": case_id, "step": int(s["step"]), "department": s["department"],
                    "matter": s.get("matter"), "status": "pending", "due": s.get("due"),
                    "elsewhere": False}
            continue
        if kind == EventType.CASE_COMPLETED and case_id in cases:
            cases[case_id]["status"] = "completed"
            continue
        steps = [int(s["step"]) for s in p.get("steps", [])] if kind == EventType.PART_ROUTED \
            else [int(p.get("step", 0))]
        for step in steps:
            part = out.get((case_id, step))
            if part is None:
                continue
            if kind == EventType.PART_ROUTED:
                part["elsewhere"] = True
            elif kind == EventType.CASE_STEP_RECEIVED:
                part["status"] = "received"
            elif kind == EventType.CASE_STEP_DECIDED:
                part["status"] = p["outcome"]
            elif kind == EventType.CASE_STEP_CORRECTED:
                part["status"], part["due"] = "corrected", p.get("due")
            elif kind == EventType.CASE_STEP_REASSIGNED:
                part["department"] = p["department"]
            elif kind == EventType.PART_HEARD and p["status"] in (*MOVES, "corrected"):
                part["status"] = p["status"]
    for (case_id, _step), part in out.items():
        part.update({k: v for k, v in cases[case_id].items() if k != "status"},
                    case_status=cases[case_id]["status"])
    return out


def _listed(part: dict[str, Any]) -> dict[str, Any]:
    out = {k: part[k] for k in ("case", "case_id", "step", "matter", "department", "status",
                                "due", "service_id")}
    out["applicant"] = part["applicant"].get("masked")
    if part.get("origin_hall"):
        out.update(origin_hall=part["origin_hall"], origin_case=part["origin_case"])
    return out


def add_routes(app: FastAPI, auth: Callable[[Request], Awaitable[db.Credential]], *,
               engine: Engine, role: str, data_dir: Path, body: Callable[[Request], Awaitable[Any]],
               lock_for: Callable[[str], Any], landed: Callable[[str], None]) -> None:
    from hall.actors import Actor

    ensure(engine)

    async def who(request: Request) -> tuple[db.Credential, str, Actor]:
        cred = await auth(request)
        if role != db.HUB:
            raise HTTPException(404, "a hall's departments are served by its hub")
        if cred.role != ROLE:
            raise HTTPException(403, f"a {cred.role} credential is not a department's")
        dept = await run_in_threadpool(department_of, engine, cred)
        if dept is None:
            raise HTTPException(403, "this credential has no department")
        return cred, dept, Actor.account(cred.terminal_id, ROLE, department=dept)

    def audit(hall_id: str, actor: Actor, action: str, target: str, outcome: str) -> None:
        from sync.server import authority

        with lock_for(hall_id), engine.begin() as conn:
            authority.append(conn, hall_id, EventType.AUDIT_RECORDED, {
                "actor": actor.name, "role": actor.role, "action": action, "target": target,
                "outcome": outcome, "at": authority._now_iso()}, by=actor.record())

    def one(hall_id: str, case_id: str, step: int, dept: str, actor: Actor) -> dict[str, Any]:
        part = parts(engine, hall_id).get((case_id, step))
        if part is None or part["elsewhere"]:
            raise HTTPException(404, f"no part {step} of case {case_id} in this hall")
        if part["department"] != dept:
            audit(hall_id, actor, "command_refused", f"{part['case']}#{step}", "forbidden")
            raise HTTPException(403, f"part {step} of case {part['case']} belongs to "
                                f"{part['department']}, not to {dept}")
        return part

    @app.get(f"{API}/department/parts", responses=answers(401, 403, 429, 503))
    async def list_parts(request: Request) -> JSONResponse:
        cred, dept, _actor = await who(request)
        found = await run_in_threadpool(parts, engine, cred.hall_id)
        mine = [_listed(p) for p in found.values() if p["department"] == dept
                and p["status"] in OPEN and not p["elsewhere"] and p["case_status"] == "accepted"]
        return JSONResponse({"department": dept, "parts": mine})

    @app.get(f"{API}/department/parts/{{case_id}}/{{step}}",
             responses=answers(401, 403, 404, 422, 429, 503))
    async def read_part(request: Request, case_id: str, step: int) -> JSONResponse:
        cred, dept, actor = await who(request)

        def read() -> dict[str, Any]:
            from hall.security.crypto import Sealer

            part = one(cred.hall_id, case_id, step, dept, actor)
            sealed = part["applicant"].get("sealed")
            applicant = (Sealer.for_data_dir(data_dir, cred.hall_id).open_json(sealed)
                         if sealed else {})
            audit(cred.hall_id, actor, "data_view", f"{part['case']}#{step}", "ok")
            return {**_listed(part), "applicant": {**applicant,
                                                   "masked": part["applicant"].get("masked")}}

        try:
            return JSONResponse(await run_in_threadpool(read))
        finally:
            landed(cred.hall_id)

    @app.post(f"{API}/department/parts/{{case_id}}/{{step}}/decision",
              responses=answers(400, 401, 403, 404, 409, 413, 422, 429, 503))
    async def decide(request: Request, case_id: str, step: int) -> JSONResponse:
        cred, dept, actor = await who(request)
        got = await body(request)
        outcome = got.get("outcome") if isinstance(got, dict) else None
        note = got.get("note") if isinstance(got, dict) else None
        bring = got.get("bring", []) if isinstance(got, dict) else None
        note_ok = note is None or (isinstance(note, str) and len(note) <= 4000)
        bring_ok = isinstance(bring, list) and all(isinstance(b, str) and len(b) <= 200
                                                   for b in bring)
        if outcome not in MOVES or not note_ok or not bring_ok:
            raise HTTPException(422, "outcome: received | approved | rejected | correction; "
                                "note: text; bring: catalog material names")

        def write() -> dict[str, Any]:
            from hall.security.crypto import Sealer
            from sync.server import authority

            part = one(cred.hall_id, case_id, step, dept, actor)
            needs = ("pending",) if outcome == "received" else ("received", "corrected")
            if part["status"] not in needs or part["case_status"] != "accepted":
                raise HTTPException(409, f"part {step} of case {part['case']} is "
                                    f"{part['status']}: it cannot be {outcome}")
            if outcome == "rejected" and not note:
                raise HTTPException(422, "不予许可 needs its written reasons (note)")
            now = authority._now_iso()
            payload: dict[str, Any] = {"case_id": case_id, "step": step, "at": now}
            if outcome != "received":
                payload["outcome"] = outcome
            if note:
                payload["note"] = Sealer.for_data_dir(data_dir, cred.hall_id).seal(
                    note.strip().encode())
            if bring and outcome == "correction":
                payload["bring"] = bring
            with lock_for(cred.hall_id), engine.begin() as conn:
                authority.append(conn, cred.hall_id, EventType.CASE_STEP_RECEIVED
                                 if outcome == "received" else EventType.CASE_STEP_DECIDED,
                                 payload, by=actor.record())
                if part.get("origin_hall"):  # a part that travelled here: its origin hears
                    update = {"case_id": case_id, "step": step, "to_hall": part["origin_hall"],
                              "status": outcome, "at": now}
                    if payload.get("bring"):
                        update["bring"] = payload["bring"]
                    from hall import travel

                    sealed_note = travel.note_for(data_dir, part["origin_hall"], case_id, note)
                    if sealed_note:
                        update["note"] = sealed_note
                    authority.append(conn, cred.hall_id, EventType.PART_UPDATE, update,
                                     by=actor.record())
            return {**_listed({**part, "status": outcome})}

        try:
            return JSONResponse(await run_in_threadpool(write))
        finally:
            landed(cred.hall_id)  # its pollers (and the upstream) hear the moves and audits
