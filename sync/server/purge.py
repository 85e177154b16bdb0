"""Retention on the server: a `PersonalDataPurged` event that reaches it erases the sealed
applicant fields and every text a person typed (reasons, notes, promises, rating comments) from
the server's stored copies of the cases and ratings it names, as hall/store/projections.py does
in a terminal's own log. The purged ids are remembered (ratings as `rating:<id>`), so a case or
rating event that arrives after its purge (another terminal's stream, late) is stored scrubbed."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, update

from hall.events import EventType
from sync.server.tables import dead_letters, events, purged_cases

CASE_TYPES = (EventType.CASE_ACCEPTED, EventType.CASE_REFUSED, EventType.MATERIALS_DEFERRED,
              EventType.CASE_STEP_DECIDED, EventType.RATING_GIVEN)
RATING = "rating:"  # purged rating ids share the purged-ids table with case ids


def scrub(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload of a case or rating event with its personal data erased (the record stays)."""
    out = dict(payload)
    if kind in (EventType.CASE_ACCEPTED, EventType.CASE_REFUSED):
        applicant = out.get("applicant")
        if isinstance(applicant, dict):
            applicant = {k: v for k, v in applicant.items() if k != "sealed"}
            applicant.update(masked="", key="")
            out["applicant"] = applicant
        out.pop("note", None)
        out.pop("promise", None)
        if kind == EventType.CASE_REFUSED and "reasons" in out:
            out["reasons"] = []
    elif kind == EventType.MATERIALS_DEFERRED and "promise" in out:
        out["promise"] = ""
    elif kind == EventType.CASE_STEP_DECIDED:
        out.pop("note", None)
    elif kind == EventType.RATING_GIVEN and "text" in out:
        out["text"] = None
    return out


def record_id(kind: str, payload: dict[str, Any]) -> str:
    """The id a purge names this event by: its case, or `rating:<id>` for a rating."""
    if kind == EventType.RATING_GIVEN:
        return RATING + str(payload.get("rating_id"))
    return str(payload.get("case_id"))


def case_ids(payload: dict[str, Any]) -> list[str]:
    """The ids a purge names: its cases, and its ratings as `rating:<id>`."""
    out: list[str] = []
    for key, prefix in (("case_ids", ""), ("rating_ids", RATING)):
        ids = payload.get(key)
        if isinstance(ids, list):
            out += [prefix + str(i)[:128] for i in ids if isinstance(i, str | int)]
    return out


def apply(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Rows about to be inserted (dicts with hall_id, type, payload as JSON text): purges are
    recorded and erase stored copies; case events of purged cases are scrubbed in place."""
    purges = [(r["hall_id"], cid) for r in rows if r["type"] == EventType.PERSONAL_DATA_PURGED
              for cid in case_ids(json.loads(r["payload"]))]
    cases = [r for r in rows if r["type"] in CASE_TYPES]
    if not purges and not cases:
        return
    if purges:
        known = _purged(conn, {c for _, c in purges})
        fresh = sorted(set(purges) - known)
        if fresh:
            conn.execute(purged_cases.insert(), [{"hall_id": h, "case_id": c} for h, c in fresh])
        _erase_stored(conn, purges)
    if cases:
        ids = {record_id(r["type"], json.loads(r["payload"])) for r in cases}
        gone = _purged(conn, ids)
        for r in cases:
            payload = json.loads(r["payload"])
            if (r["hall_id"], record_id(r["type"], payload)) in gone:
                r["payload"] = json.dumps(scrub(r["type"], payload), ensure_ascii=False,
                                          separators=(",", ":"))


def _purged(conn: Connection, ids: set[str], chunk: int = 500) -> set[tuple[str, str]]:
    """Which of these case ids are purged (in chunks: SQLite limits bound parameters)."""
    wanted = sorted(ids)
    out: set[tuple[str, str]] = set()
    for i in range(0, len(wanted), chunk):
        out |= {(h, c) for h, c in conn.execute(select(
            purged_cases.c.hall_id, purged_cases.c.case_id).where(
            purged_cases.c.case_id.in_(wanted[i:i + chunk]))).all()}
    return out


def _erase_stored(conn: Connection, purges: list[tuple[str, str]]) -> None:
    halls = {h for h, _ in purges}
    wanted = set(purges)
    for hall in halls:
        rows = conn.execute(select(events.c.pos, events.c.type, events.c.payload).where(
            events.c.hall_id == hall, events.c.type.in_(list(CASE_TYPES)))).all()
        for r in rows:
            payload = json.loads(r.payload)
            if (hall, record_id(r.type, payload)) not in wanted:
                continue
            clean = scrub(r.type, payload)
            if clean != payload:
                conn.execute(update(events).where(events.c.pos == r.pos).values(
                    payload=json.dumps(clean, ensure_ascii=False, separators=(",", ":"))))
        dead = conn.execute(select(dead_letters.c.id, dead_letters.c.type, dead_letters.c.body)
                            .where(dead_letters.c.hall_id == hall,
                                   dead_letters.c.type.in_(list(CASE_TYPES)))).all()
        for d in dead:  # refused copies keep the event as it came: erase them the same way
            try:
                body = json.loads(d.body)
                payload = body.get("payload") if isinstance(body, dict) else None
            except ValueError:
                body, payload = None, None
            if not isinstance(payload, dict):
                if "ts1:" in d.body or "ts2:" in d.body:  # unreadable: keep nothing of it
                    conn.execute(update(dead_letters).where(dead_letters.c.id == d.id)
                                 .values(body='{"erased": "purged"}'))
                continue
            if (hall, record_id(d.type, payload)) not in wanted:
                continue
            assert isinstance(body, dict)
            body["payload"] = scrub(d.type, payload)
            conn.execute(update(dead_letters).where(dead_letters.c.id == d.id).values(
                body=json.dumps(body, ensure_ascii=False)))
