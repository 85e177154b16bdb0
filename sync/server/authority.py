"""What a hub writes into its hall's log itself: the hall's settings, signed, and the accounts
made on the hub (`serve user add`).

These events form the stream of the terminal `hub` (lower case: no enrolled terminal has that
id, terminal ids are upper case), gap-free like any other, so terminals pull them and the hub
forwards them upstream with the rest.

Settings: a supervisor's `HallSettingsRequested` reaching the hub (a push) is validated again
here, merged over the version the hub last published, given the next version, signed with the
hub's settings key (`keys/settings_sign`, Ed25519) and published as `HallSettingsPublished`.
Requests are taken in the order the hub received them; one that fails validation, or whose
author's role may not change settings, is skipped (the desk refused it before sending anyway).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from hall import hall_settings
from hall.actors import PERMISSIONS
from hall.errors import ConfigError
from hall.events import SCHEMA_VERSION, EventType
from hall.ids import new_id
from sync.server import notify
from sync.server.db import now_ms
from sync.server.log import SETTINGS_META, get_meta, lock_hall, put_meta
from sync.server.tables import events

HUB_STREAM = "hub"
HUB_BY = {"kind": "system", "name": "hub", "role": "system"}
_SETTINGS = SETTINGS_META  # + hall: the document the hub last published
_SEEN = "settings_pos:"  # + hall: the last request's pos taken


def settings_seed(data_dir: Path) -> bytes:
    from hall.security import keys

    return keys.load_or_create(data_dir, hall_settings.SIGN_KEY)


def settings_key(data_dir: Path) -> dict[str, str]:
    """The hub's settings key, as terminals pin it."""
    key = hall_settings.public_key(settings_seed(data_dir))
    return {"key": key, "signed_by": f"hub:{hall_settings.fingerprint(key)}"}


def append(conn: Connection, hall_id: str, event_type: str, payload: dict[str, Any], *,
           stream: str = HUB_STREAM, by: dict[str, str] | None = None) -> None:
    """One event of the hub's own stream (or the central platform's own stream of a hall,
    `stream`), inside the caller's transaction (hall lock held); `by`: the actor it names
    (default: the hub; a department's system through its API, issue 24)."""
    top = conn.execute(select(func.max(events.c.terminal_seq), func.max(events.c.hlc)).where(
        events.c.hall_id == hall_id, events.c.terminal_id == stream)).one()
    now = now_ms()
    hlc = max(now << 16, int(top[1] or 0) + 1)
    conn.execute(insert(events).values(
        event_id=new_id(), hall_id=hall_id, terminal_id=stream,
        terminal_seq=int(top[0] or 0) + 1, hlc=hlc, type=event_type,
        schema_version=SCHEMA_VERSION, received_ms=now, pushed_by=stream,
        payload=json.dumps({**payload, "by": by or HUB_BY}, ensure_ascii=False,
                           separators=(",", ":"))))
    notify.send(conn, hall_id, stream)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def add_user(engine: Engine, hall_id: str, user: str, role: str, pw_hash: str) -> None:
    """An account of the hall made on its hub (its first admin): terminals hear of it when they
    sync. Only the scrypt hash is stored and sent."""
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        append(conn, hall_id, EventType.ACCOUNT_CHANGED,
               {"user": user, "change": "add", "role": role, "pw_hash": pw_hash,
                "at": _now_iso()})


def refuse_window(engine: Engine, hall_id: str, terminal_id: str, window: str) -> None:
    """A call for a window the hall has not configured, audited in the hub's own stream (it
    reaches every terminal and the platform): who asked, for which window."""
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        append(conn, hall_id, EventType.AUDIT_RECORDED, {
            "actor": terminal_id, "role": "terminal", "action": "command_refused",
            "target": f"call_next {window}", "outcome": "window_not_configured",
            "at": _now_iso()})


def publish_requests(engine: Engine, data_dir: Path, hall_id: str) -> int:
    """Sign and publish the settings requests that reached the hub since the last; returns the
    version published (0: nothing new)."""
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        seen = int(get_meta(conn, _SEEN + hall_id, "0"))
        rows = conn.execute(select(events.c.pos, events.c.payload).where(
            events.c.hall_id == hall_id, events.c.type == EventType.HALL_SETTINGS_REQUESTED,
            events.c.pos > seen).order_by(events.c.pos)).all()
        if not rows:
            return 0
        current = json.loads(get_meta(conn, _SETTINGS + hall_id,
                                      '{"version": 0, "settings": {}}'))
        settings = dict(current["settings"])
        taken = 0
        for row in rows:
            payload = json.loads(row.payload)
            by = payload.get("by") if isinstance(payload.get("by"), dict) else {}
            if "settings" not in PERMISSIONS.get(str(by.get("role")), frozenset()):
                continue
            try:
                changes = hall_settings.check_changes(dict(payload.get("changes") or {}))
            except (ConfigError, TypeError, ValueError):
                continue
            settings = hall_settings.merged(settings, changes)
            taken += 1
        put_meta(conn, _SEEN + hall_id, str(rows[-1].pos))
        if not taken:
            return 0
        version = int(current["version"]) + 1
        doc = hall_settings.sign(settings_seed(data_dir), hall_id, version, settings)
        append(conn, hall_id, EventType.HALL_SETTINGS_PUBLISHED, {**doc, "at": _now_iso()})
        put_meta(conn, _SETTINGS + hall_id, json.dumps({"version": version,
                                                        "settings": settings}))
        return version
