"""Cases that travel between halls (issue 24): what the origin sends, what the destination
records, and the news on a part that goes back and forth.

- At 受理, a part whose department sits in another hall (the platform's directory, pinned in
  `directory.json` by sync/directory_pin.py), or every part of a case accepted `--handled-by
  HALL` (异地代收), is routed: one `PartRouted` per destination hall, in the same transaction as
  `CaseAccepted`. Its parcel (the applicant in full, the parts, the materials' names) is sealed
  for the destination hall's pinned public key (hall/security/sealbox.py); the routing facts
  (case id and number, steps, departments, destination) stay plain, so the platform can route
  it and learns nothing else.
- The destination's hub (or station) opens the parcel with its hall's private key and records
  `PartArrived`: a case of its own holding those parts, the applicant sealed again under its own
  hall data key (`arrival`). Its departments see the parts in their 待审批 like local ones.
- Each move on a travelled part (签收, a decision, 补正 asked; at the origin: 补正 handed in) is
  recorded as usual and, with it, a `PartUpdate` addressed to the other hall. The hall that
  hears an update records `PartHeard` once (by the update's event id), which moves its copy of
  the part: the origin's `case show` tells each part's hall and its state as last heard.

Nothing here opens a network connection; sync/travel.py carries the events.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path
from typing import Any

from hall.errors import ConfigError, DomainError
from hall.events import EventType
from hall.security import sealbox

PINNED_FILE = "directory.json"  # written by sync/directory_pin.py


def pinned(data_dir: Path) -> dict[str, Any] | None:
    """The pinned directory (None: never fetched). A damaged file is an error, never read as
    "no seats": a case accepted on it would keep at this hall the parts another hall decides,
    and its hall keys are pins that are not silently dropped."""
    path = data_dir / PINNED_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as exc:  # broken JSON, bad UTF-8, unreadable
        raise ConfigError(f"{path} is damaged ({type(exc).__name__}): move it away and run "
                          "`sync directory` to fetch the directory again (check the hall keys "
                          "it pins with the platform's operator)", code="directory_damaged",
                          params={"file": str(path)}) from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} is damaged (not a directory): move it away and run "
                          "`sync directory` to fetch the directory again",
                          code="directory_damaged", params={"file": str(path)})
    return raw


def _pinned(data_dir: Path) -> dict[str, Any]:
    return pinned(data_dir) or {}


def seat_of(data_dir: Path, department: str) -> str | None:
    seats = _pinned(data_dir).get("seats")
    found = seats.get(department) if isinstance(seats, dict) else None
    return found if isinstance(found, str) else None


def public_key_of(data_dir: Path, hall_id: str) -> bytes | None:
    for hall in _pinned(data_dir).get("halls", []):
        if isinstance(hall, dict) and hall.get("hall") == hall_id and hall.get("public_key"):
            return base64.b64decode(str(hall["public_key"]))
    return None


def parcel_context(case_id: str, to_hall: str) -> str:
    """What a parcel is bound to: opened for another case or hall, it does not open."""
    return f"part:{to_hall}:{case_id}"


def destinations(data_dir: Path, own_hall: str, steps: list[dict[str, Any]],
                 handled_by: str | None) -> dict[str, list[dict[str, Any]]]:
    """The steps that travel, by destination hall: all of them to `handled_by` (异地代收),
    else each to the hall its department sits in when that is another hall."""
    out: dict[str, list[dict[str, Any]]] = {}
    for step in steps:
        where = handled_by or seat_of(data_dir, step["department"])
        if where and where != own_hall:
            out.setdefault(where, []).append(step)
    return out


def routed_payloads(data_dir: Path, own_hall: str, accepted: dict[str, Any],
                    applicant_record: dict[str, Any], handled_by: str | None,
                    ) -> list[dict[str, Any]]:
    """The `PartRouted` payloads of a case just accepted (none: every part is decided here).
    A destination whose public key this hall has not pinned is refused (`no_hall_key`)."""
    if handled_by is not None and handled_by == own_hall:
        raise DomainError(f"hall {own_hall} is this hall: --handled-by names another",
                          code="handled_here", params={"hall": own_hall})
    out = []
    for to_hall, steps in destinations(data_dir, own_hall, accepted["steps"],
                                       handled_by).items():
        public = public_key_of(data_dir, to_hall)
        if public is None:
            raise DomainError(f"no public key of hall {to_hall} is pinned here: run `sync "
                              "directory` (or wait for the hub's) before routing a case there",
                              code="no_hall_key", params={"hall": to_hall})
        parcel = sealbox.seal_json(public, {
            "applicant": applicant_record, "service_id": accepted["service_id"],
            "steps": steps, "materials": [m["name"] for m in accepted.get("materials", [])],
            "promised": accepted.get("promised"), "whole": handled_by is not None,
        }, context=parcel_context(accepted["case_id"], to_hall))
        out.append({"case_id": accepted["case_id"], "case_number": accepted["case_number"],
                    "steps": [{"step": s["step"], "department": s["department"]}
                              for s in steps],
                    "to_hall": to_hall, "parcel": parcel, "at": accepted["at"]})
    return out


def arrival(routed: dict[str, Any], origin_hall: str, route_id: str, private: bytes,
            seal_applicant: Any, at: str) -> dict[str, Any]:
    """The destination's `PartArrived` payload for a `PartRouted` addressed to it: the parcel
    opened with the hall's private key and the applicant sealed again by `seal_applicant`
    (name, id_number, … → a SealedApplicant under this hall's own keys)."""
    ring = {sealbox.public_kid(sealbox.public_of(private)): private}
    opened = sealbox.open_json(ring, str(routed["parcel"]),
                               context=parcel_context(str(routed["case_id"]),
                                                      str(routed["to_hall"])))
    record = dict(opened["applicant"])
    applicant = seal_applicant(**record)
    from hall.security.crypto import applicant_payload

    return {"case_id": routed["case_id"],
            "case_number": f"{origin_hall}-{routed['case_number']}"[:64],
            "service_id": opened["service_id"], "ticket_id": None, "at": at,
            "applicant": applicant_payload(applicant),
            "materials": [{"name": n, "status": "submitted"} for n in opened["materials"]],
            "steps": opened["steps"], "promised": opened.get("promised"),
            "origin_hall": origin_hall, "origin_case": routed["case_number"],
            "route_id": route_id}


def arrived(conn: sqlite3.Connection, route_id: str) -> bool:
    return conn.execute("SELECT 1 FROM events WHERE type = ? AND json_extract(payload, "
                        "'$.route_id') = ? LIMIT 1",
                        (EventType.PART_ARRIVED, route_id)).fetchone() is not None


def heard(conn: sqlite3.Connection, update_id: str) -> bool:
    return conn.execute("SELECT 1 FROM events WHERE type = ? AND json_extract(payload, "
                        "'$.update_id') = ? LIMIT 1",
                        (EventType.PART_HEARD, update_id)).fetchone() is not None


def note_context(case_id: str, to_hall: str) -> str:
    return f"note:{to_hall}:{case_id}"


def note_for(data_dir: Path, to_hall: str, case_id: str, note: str | None) -> str | None:
    """A decision's note (the reasons, what to correct) sealed for the other hall's pinned key
    (None: no note, or no key pinned: the move travels without it)."""
    public = public_key_of(data_dir, to_hall) if note else None
    if public is None or not note:
        return None
    return sealbox.seal(public, note.encode("utf-8"), context=note_context(case_id, to_hall))


def heard_payload(update: dict[str, Any], from_hall: str, update_id: str,
                  private: bytes | None = None, seal: Any = None) -> dict[str, Any]:
    """The `PartHeard` of an update; its note (sealed for this hall) opened with `private` and
    sealed again by `seal` under this hall's data key."""
    out = {"case_id": update["case_id"], "step": update["step"], "from_hall": from_hall,
           "status": update["status"], "update_id": update_id, "at": update["at"]}
    for key in ("due", "bring", "via", "tracking"):
        if update.get(key) is not None:
            out[key] = update[key]
    if update.get("note") and private is not None and seal is not None:
        ring = {sealbox.public_kid(sealbox.public_of(private)): private}
        try:
            plain = sealbox.open_(ring, str(update["note"]),
                                  context=note_context(str(update["case_id"]),
                                                       str(update["to_hall"])))
        except sealbox.SealBoxError:
            return out  # not for this hall's key: the move is heard without its note
        out["note"] = seal(plain)
    return out


def other_hall(conn: sqlite3.Connection, case_id: str, step: int) -> str | None:
    """Where news on this part goes: the hall deciding it (at the origin), or the hall it came
    from (at the destination); None for a part that never travelled."""
    row = conn.execute("SELECT s.hall, c.origin_hall FROM case_steps s JOIN cases c ON "
                       "c.case_id = s.case_id WHERE s.case_id = ? AND s.step = ?",
                       (case_id, step)).fetchone()
    if row is None:
        return None
    return str(row[0] or row[1]) if (row[0] or row[1]) else None


# -- a hall that holds a store (a station) records what it hears ---------------------------------
def record(core: Any, event: dict[str, Any]) -> bool:
    """Record a `PartRouted` or `PartUpdate` addressed to this hall, once (False: it was
    recorded before, or it is not for this hall). `core`: the station's hall.core.Core."""
    from hall.actors import Actor
    from hall.event_schema import problem
    from hall.security import keys
    from hall.security.crypto import seal_applicant

    payload = event.get("payload")
    kind = event.get("type")
    if (not isinstance(payload, dict) or payload.get("to_hall") != core.config.hall_id
            or kind not in (EventType.PART_ROUTED, EventType.PART_UPDATE)
            or problem(str(kind), payload) is not None):
        return False
    by = Actor.system("travel")
    source = str(event["event_id"])
    from_hall = str(event["hall_id"])
    with core.write() as conn:
        if kind == EventType.PART_ROUTED:
            if arrived(conn, source):
                return False
            private = keys.load(core.data_dir, keys.HALL_PRIVATE)
            if private is None:
                raise DomainError("this hall holds no key pair to open a travelling case",
                                  code="no_hall_key", params={"hall": core.config.hall_id})

            def reseal(**record: Any) -> Any:
                return seal_applicant(core.sealer, core.index_key, verified=True, **record)

            core.emit(conn, EventType.PART_ARRIVED,
                      arrival(payload, from_hall, source, private, reseal, core.now_iso()), by)
        else:
            if heard(conn, source):
                return False
            core.emit(conn, EventType.PART_HEARD, heard_payload(
                payload, from_hall, source, keys.load(core.data_dir, keys.HALL_PRIVATE),
                core.sealer.seal), by)
    return True
