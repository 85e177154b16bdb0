"""Clerk accounts, roles, the kiosk technician PIN, and lockout with a growing delay.

Passwords and the PIN are kept as scrypt hashes (hashlib.scrypt, N=2^15, r=8, p=1: ~32 MiB and
tens of milliseconds per try, a random 16-byte salt each). After `FREE_TRIES` wrong passwords
in a row an account is locked for BASE_DELAY_S, doubling with every further failure up to
MAX_DELAY_S; while locked, a try is refused without even checking the password. Every sign-in,
refusal, PIN check, unlock and account change is an audit event (hall/audit.py).

Accounts are local to the terminal's store (tables made lazily until migration 0003 holds them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Literal, cast

from hall.clock import to_ms
from hall.errors import DomainError
from hall.security import audit
from hall.security.crypto import Sealer
from hall.service import HallService

Role = Literal["clerk", "supervisor", "admin", "technician"]
ROLES: tuple[Role, ...] = ("clerk", "supervisor", "admin")
TECHNICIAN = "@technician"  # the kiosk technician PIN is the password of this account

PERMISSIONS: dict[str, frozenset[str]] = {
    "clerk": frozenset({"queue", "case", "card_read"}),
    "supervisor": frozenset({"queue", "case", "card_read", "data_view", "export", "unlock",
                             "audit_view"}),
    "admin": frozenset({"queue", "case", "card_read", "data_view", "export", "unlock",
                        "audit_view", "accounts", "config", "rotate_key", "purge"}),
    "technician": frozenset({"kiosk_maintenance"}),
}

FREE_TRIES = 3
BASE_DELAY_S = 5
MAX_DELAY_S = 3600
MIN_PASSWORD = 8
MIN_PIN = 6

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1



class AccessError(DomainError):
    code = "access_denied"


@dataclass(frozen=True)
class Principal:
    user: str
    role: Role

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise AccessError(f"{self.user} ({self.role}) may not {permission.replace('_', ' ')}",
                              code="forbidden")


def hash_secret(secret: str, *, n: int = SCRYPT_N) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=256 * n * SCRYPT_R, dklen=32)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(secret.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=256 * int(n) * int(r), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(digest))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _now_ms(hall: HallService) -> int:
    return to_ms(hall.now())


def has_accounts(hall: HallService) -> bool:
    row = hall.store.conn.execute(
        "SELECT COUNT(*) FROM accounts WHERE user != ?", (TECHNICIAN,)).fetchone()
    return int(row[0]) > 0


def add_user(hall: HallService, by: Principal | None, user: str, role: str,
             password: str) -> Principal:
    """`by` None only while the terminal has no account yet: the first account is an admin."""
    if role not in ROLES:
        raise DomainError(f"unknown role {role!r} (one of {', '.join(ROLES)})",
                          code="unknown_role")
    if not user or len(user) > 32 or not all(c.isalnum() or c in "-_." for c in user):
        raise DomainError("a user name is 1-32 letters, digits, '-', '_' or '.'",
                          code="bad_user")
    _check_strength(password, MIN_PASSWORD, "password")
    if by is None:
        if has_accounts(hall):
            raise AccessError("accounts exist: an admin must add new ones (--as ADMIN)",
                              code="forbidden")
        if role != "admin":
            raise DomainError("the first account of a terminal is an admin", code="first_admin")
        actor = Principal(user, "admin")
    else:
        by.require("accounts")
        actor = by
    pw_hash = hash_secret(password)
    with hall.write() as conn:
        now = _now_ms(hall)
        exists = conn.execute("SELECT 1 FROM accounts WHERE user = ?", (user,)).fetchone()
        if exists:
            raise DomainError(f"user {user} exists", code="user_exists")
        conn.execute("INSERT INTO accounts (user, role, pw_hash, created_ms, changed_ms) "
                     "VALUES (?, ?, ?, ?, ?)", (user, role, pw_hash, now, now))
        audit.record_in(hall, conn, actor=actor.user, role=actor.role, action="account_change",
                        target=user, detail={"change": "add", "role": role})
    return Principal(user, role)


def set_password(hall: HallService, by: Principal, user: str, password: str) -> None:
    if by.user != user:
        by.require("accounts")
    _check_strength(password, MIN_PIN if user == TECHNICIAN else MIN_PASSWORD, "password")
    with hall.write() as conn:
        cur = conn.execute("UPDATE accounts SET pw_hash = ?, failures = 0, locked_until_ms = 0, "
                           "changed_ms = ? WHERE user = ?",
                           (hash_secret(password), _now_ms(hall), user))
        if cur.rowcount == 0:
            raise DomainError(f"no user {user}", code="unknown_user")
        audit.record_in(hall, conn, actor=by.user, role=by.role, action="account_change",
                        target=user, detail={"change": "password"})


def set_technician_pin(hall: HallService, by: Principal, pin: str) -> None:
    by.require("config")
    if not pin.isdigit():
        raise DomainError("the technician PIN is digits only", code="weak_secret")
    _check_strength(pin, MIN_PIN, "PIN")
    with hall.write() as conn:
        now = _now_ms(hall)
        conn.execute(
            "INSERT INTO accounts (user, role, pw_hash, created_ms, changed_ms) "
            "VALUES (?, 'technician', ?, ?, ?) ON CONFLICT (user) DO UPDATE SET "
            "pw_hash = excluded.pw_hash, failures = 0, locked_until_ms = 0, "
            "changed_ms = excluded.changed_ms", (TECHNICIAN, hash_secret(pin), now, now))
        audit.record_in(hall, conn, actor=by.user, role=by.role, action="config_change",
                        target="technician_pin")


def sign_in(hall: HallService, user: str, password: str) -> Principal:
    """A principal, or AccessError (wrong password, locked, unknown or inactive user: the same
    message for the last three so user names cannot be probed)."""
    return _authenticate(hall, user, password, "sign_in")


def check_pin(hall: HallService, pin: str) -> Principal:
    """The kiosk's technician PIN (the maintenance screen)."""
    return _authenticate(hall, TECHNICIAN, pin, "pin_check")


def _authenticate(hall: HallService, user: str, secret: str, action: str) -> Principal:
    row = hall.store.conn.execute(
        "SELECT role, pw_hash, active, failures, locked_until_ms FROM accounts WHERE user = ?",
        (user,)).fetchone()
    now = _now_ms(hall)
    role = row[0] if row else "unknown"
    if row is not None and row[4] > now:
        wait = (row[4] - now + 999) // 1000
        _refused(hall, user, role, action, "locked", None)
        raise AccessError(f"too many wrong tries: locked, try again in {wait} s",
                          code="locked_out")
    # an unknown user costs the same scrypt as a known one: no timing oracle for user names
    ok = verify_secret(secret, row[1] if row else _dummy()) and row is not None and bool(row[2])
    if not ok:
        failures = (row[3] if row else 0) + 1
        lock = 0
        if failures >= FREE_TRIES:
            lock = now + min(BASE_DELAY_S * 2 ** (failures - FREE_TRIES), MAX_DELAY_S) * 1000
        _refused(hall, user, role, action, "wrong_secret", (failures, lock) if row else None)
        what = "PIN" if user == TECHNICIAN else "user name or password"
        raise AccessError(f"wrong {what}", code="wrong_password")
    with hall.write() as conn:
        conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0 WHERE user = ?",
                     (user,))
        audit.record_in(hall, conn, actor=user, role=role, action=action,
                        target=hall.config.terminal_id)
    return Principal(user, cast(Role, role))


def _refused(hall: HallService, user: str, role: str, action: str, reason: str,
             update: tuple[int, int] | None) -> None:
    with hall.write() as conn:
        if update is not None:
            conn.execute("UPDATE accounts SET failures = ?, locked_until_ms = ? WHERE user = ?",
                         (*update, user))
        audit.record_in(hall, conn, actor=user, role=role,
                        action="sign_in_refused" if action == "sign_in" else action,
                        target=hall.config.terminal_id, outcome=reason)


def unlock(hall: HallService, by: Principal, user: str) -> None:
    by.require("unlock")
    with hall.write() as conn:
        cur = conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0 "
                           "WHERE user = ?", (user,))
        if cur.rowcount == 0:
            raise DomainError(f"no user {user}", code="unknown_user")
        audit.record_in(hall, conn, actor=by.user, role=by.role, action="unlock", target=user)


def users(hall: HallService) -> list[dict[str, object]]:
    now = _now_ms(hall)
    return [{"user": u, "role": r, "active": bool(a), "failures": f,
             "locked_s": max(0, (lu - now + 999) // 1000)}
            for u, r, a, f, lu in hall.store.conn.execute(
                "SELECT user, role, active, failures, locked_until_ms FROM accounts "
                "ORDER BY user")]


_DUMMY: list[str] = []


def _dummy() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_secret(os.urandom(16).hex()))
    return _DUMMY[0]


def _check_strength(secret: str, minimum: int, what: str) -> None:
    if len(secret) < minimum:
        raise DomainError(f"the {what} needs at least {minimum} characters", code="weak_secret")
    if len(set(secret)) < 3:
        raise DomainError(f"the {what} is too simple", code="weak_secret")


def reveal_applicant(hall: HallService, by: Principal, case_ref: str,
                     sealer: Sealer) -> dict[str, object]:
    """Open a case's sealed applicant record for a supervisor; audited as a data view."""
    import json

    by.require("data_view")
    row = hall.store.conn.execute(
        "SELECT payload FROM events WHERE type IN ('CaseAccepted', 'CaseRefused') AND "
        "(json_extract(payload, '$.case_id') = ? OR json_extract(payload, '$.case_number') = ?)",
        (case_ref, case_ref)).fetchone()
    if row is None:
        raise DomainError(f"no case {case_ref!r}", code="unknown_case")
    payload = json.loads(row[0])
    token = payload["applicant"].get("sealed")
    if not token:
        raise DomainError(f"case {payload['case_number']} holds no personal data (never sealed "
                          "or purged)", code="no_personal_data")
    record = sealer.open_json(token)
    audit.record(hall, actor=by.user, role=by.role, action="data_view",
                 target=payload["case_number"], detail={"fields": sorted(record)})
    return record
