"""The audit trail: every sign-in, card read, data view, export and configuration change.

An audit entry is an `AuditRecorded` event in the terminal's log, so it syncs to the hub with the
rest and carries the log's guarantees: who (`actor`, `role`), when (`at`, `hlc`), which terminal
(the event's `terminal_id`, `terminal_seq`), what (`action`, `target`, `outcome`, `detail`).
Everything in it is masked first (hall.logs.redact_value): never a plain ID number or name.

Append-only: SQL triggers refuse UPDATE and DELETE of audit rows in the store; a row removed
behind SQLite's back leaves a gap in `terminal_seq` that `admin check` and the hub see.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from hall.actors import Actor
from hall.events import Event, EventType

if TYPE_CHECKING:
    from hall.core import Core

ACTIONS = frozenset({
    "sign_in", "sign_in_refused", "sign_out", "pin_check", "card_read", "code_read",
    "data_view", "export", "config_change", "account_change", "unlock", "rotate_key", "purge",
    "command_refused", "close_day", "backup", "restore", "maintenance_sign_in",
})


def record_in(core: Core, conn: sqlite3.Connection, *, actor: Actor, action: str,
              target: str = "", outcome: str = "ok",
              detail: dict[str, Any] | None = None) -> Event:
    """Append an audit entry inside the caller's write transaction."""
    from hall.logs import get, redact, redact_value, setup

    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    payload: dict[str, Any] = {
        "actor": redact(actor.name), "role": actor.role, "action": action,
        "target": redact(target), "outcome": outcome, "at": core.now_iso()}
    if detail:
        payload["detail"] = redact_value("detail", detail)
    event = core.emit(conn, EventType.AUDIT_RECORDED, payload, actor)
    setup(core.data_dir)
    get("audit").info("%s %s (%s) %s %s: %s", payload["at"], payload["actor"], actor.role,
                      action, payload["target"], outcome)
    return event


def record(core: Core, **entry: Any) -> Event:
    """Append an audit entry in its own transaction (see record_in for the fields)."""
    with core.write() as conn:
        return record_in(core, conn, **entry)


def trail(conn: sqlite3.Connection, *, action: str | None = None, actor: str | None = None,
          limit: int = 100) -> list[dict[str, Any]]:
    """The newest audit entries first."""
    import json

    sql = ("SELECT terminal_id, terminal_seq, payload FROM events "
           "WHERE type = 'AuditRecorded'")
    params: list[Any] = []
    if action is not None:
        sql += " AND json_extract(payload, '$.action') = ?"
        params.append(action)
    if actor is not None:
        sql += " AND json_extract(payload, '$.actor') = ?"
        params.append(actor)
    rows = conn.execute(sql + " ORDER BY hlc DESC, terminal_seq DESC LIMIT ?",
                        (*params, limit)).fetchall()
    return [{"terminal": t, "seq": s, **json.loads(p)} for t, s, p in rows]
