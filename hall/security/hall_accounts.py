"""How account events shape the `accounts` table, the same way on every terminal of a hall.

An account is the hall's, not a terminal's: `AccountChanged` events (made by an admin at any
desk, or by the hub with `serve user add`) travel with the rest of the log, and every terminal
projects them here. What travels is the account's scrypt hash (memory-hard: ~32 MiB per try),
never a password. A terminal cut off from the hub signs people in from what it last heard.

Lockouts count across the hall: sign-in entries (`AuditRecorded`, from any terminal) move one
failure count per account, so three wrong passwords spread over three desks lock the account at
all of them once they have heard of the tries.

A change is applied only when its author could make it: an account whose role has the
permission the command requires (`accounts`, or `unlock` for an unlock), the hub (the system
actor `hub`), or an account changing its own password. Anything else is ignored here, whichever
terminal pushed it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from hall.actors import PERMISSIONS
from hall.events import Event
from hall.timefmt import ms_of

FREE_TRIES = 3
BASE_DELAY_S = 5
MAX_DELAY_S = 3600
CHANGES = ("add", "password", "disable", "enable", "unlock")


# Users whose rows no AccountChanged made (a terminal's accounts from before they were the
# hall's): found once per store, kept here until an admin migrates them (Accounts.migrate).
LEGACY_META = "legacy_accounts"


def legacy_users(conn: sqlite3.Connection) -> set[str]:
    """This store's accounts not yet migrated to the hall. Found by one pass over the log the
    first time it is asked (inside the caller's write), then read from `meta`."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (LEGACY_META,)).fetchone()
    if row is not None:
        return set(json.loads(row[0]))
    made = {r[0] for r in conn.execute(
        "SELECT json_extract(payload, '$.user') FROM events WHERE type = 'AccountChanged' "
        "AND json_extract(payload, '$.change') = 'add'")}
    found = {r[0] for r in conn.execute(
        "SELECT user FROM accounts WHERE role != 'technician'")} - made
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                 (LEGACY_META, json.dumps(sorted(found))))
    return found


def forget_legacy(conn: sqlite3.Connection, users: list[str] | set[str]) -> None:
    """These users are the hall's now (migrated here, or an `add` heard from the hall)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (LEGACY_META,)).fetchone()
    if row is None:
        return
    left = sorted(set(json.loads(row[0])) - set(users))
    conn.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(left), LEGACY_META))


def lock_until(failures: int, at_ms: int) -> int:
    """When an account with this many failures in a row may try again (0: it may now)."""
    if failures < FREE_TRIES:
        return 0
    delay_s: int = min(BASE_DELAY_S * 2 ** (failures - FREE_TRIES), MAX_DELAY_S)
    return at_ms + delay_s * 1000


def may_change(by: Any, user: str, change: str) -> bool:
    if not isinstance(by, dict):
        return False
    if by.get("kind") == "system" and by.get("name") == "hub":
        return True
    if by.get("kind") != "account":
        return False
    if change == "password" and by.get("name") == user:
        return True
    # the permission the command itself requires of its author (hall/actors.py)
    need = "unlock" if change == "unlock" else "accounts"
    return need in PERMISSIONS.get(str(by.get("role")), frozenset())


def project(conn: sqlite3.Connection, e: Event, p: dict[str, Any]) -> None:
    user, change = str(p["user"]), str(p["change"])
    if change not in CHANGES or not may_change(p.get("by"), user, change):
        return
    at = ms_of(str(p["at"]))
    if change == "add":
        department = p.get("department")  # a department account's (migration 0007)
        conn.execute(
            "INSERT INTO accounts (user, role, pw_hash, active, created_ms, changed_ms, "
            "department) VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT (user) DO UPDATE SET "
            "role = excluded.role, pw_hash = excluded.pw_hash, active = 1, failures = 0, "
            "locked_until_ms = 0, changed_ms = excluded.changed_ms, "
            "department = excluded.department",
            (user, str(p["role"]), str(p["pw_hash"]), at, at,
             str(department) if department else None))
        forget_legacy(conn, [user])
    elif change == "password":
        conn.execute("UPDATE accounts SET pw_hash = ?, failures = 0, locked_until_ms = 0, "
                     "changed_ms = ? WHERE user = ?", (str(p["pw_hash"]), at, user))
    elif change in ("disable", "enable"):
        conn.execute("UPDATE accounts SET active = ?, changed_ms = ? WHERE user = ?",
                     (1 if change == "enable" else 0, at, user))
    else:
        conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0 WHERE user = ?",
                     (user,))


def count_sign_in(conn: sqlite3.Connection, p: dict[str, Any]) -> None:
    """A sign-in entry of any terminal: a wrong secret counts, a success clears the count."""
    user = str(p.get("actor", ""))
    outcome = p.get("outcome")
    if outcome == "wrong_secret":
        row = conn.execute("SELECT failures FROM accounts WHERE user = ?", (user,)).fetchone()
        if row is None:
            return
        failures = int(row[0]) + 1
        conn.execute("UPDATE accounts SET failures = ?, locked_until_ms = ? WHERE user = ?",
                     (failures, lock_until(failures, ms_of(str(p["at"]))), user))
    elif outcome == "ok" and p.get("action") in ("sign_in", "pin_check", "maintenance_sign_in"):
        conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0 WHERE user = ?",
                     (user,))
