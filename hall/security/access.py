"""Clerk accounts, sign-in, the kiosk technician PIN, lockout with a growing delay, the audit
trail, and the audited reveal of a sealed applicant.

Passwords and the PIN are kept as scrypt hashes (hashlib.scrypt, N=2^15, r=8, p=1: ~32 MiB and
tens of milliseconds per try, a random 16-byte salt each). After `FREE_TRIES` wrong passwords
in a row an account is locked for BASE_DELAY_S, doubling with every further failure up to
MAX_DELAY_S; while locked, a try is refused without even checking the password. Every sign-in,
refusal, PIN check, unlock and account change is an audit event (hall/security/audit.py).

User names are compared case-insensitively: `ADMIN1` and `admin1` are one account. Accounts are
local to the terminal's store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from hall.actors import ACCOUNT_ROLES, Actor
from hall.changes import Changes
from hall.clock import to_ms
from hall.core import Core, Outcome
from hall.errors import AccessError, DomainError
from hall.security import audit

TECHNICIAN = "@technician"  # the kiosk technician PIN is the password of this account

FREE_TRIES = 3
BASE_DELAY_S = 5
MAX_DELAY_S = 3600
MIN_PASSWORD = 8
MIN_PIN = 6

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_ACCOUNTS = Changes(accounts=True)  # account rows change beside their audit events


@dataclass(frozen=True)
class Account:
    user: str
    role: str
    active: bool
    failures: int
    locked_s: int
    department: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user, "role": self.role, "active": self.active,
                "failures": self.failures, "locked_s": self.locked_s,
                "department": self.department}


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


def normal_user(user: str) -> str:
    """The one spelling of a user name: case-insensitive, surrounding blanks dropped."""
    return user.strip().lower() if user != TECHNICIAN else user


class Accounts:
    def __init__(self, core: Core) -> None:
        self._core = core

    def _now_ms(self) -> int:
        return to_ms(self._core.now())

    def any(self) -> bool:
        row = self._core.conn.execute(
            "SELECT COUNT(*) FROM accounts WHERE user != ?", (TECHNICIAN,)).fetchone()
        return int(row[0]) > 0

    def add(self, by: Actor | None, user: str, role: str, password: str,
            department: str | None = None) -> Outcome[Actor]:
        """`by` None only while the terminal has no account yet: the first account is an admin.
        A `department` account acts for one department of the catalog (后台分类审批)."""
        core = self._core
        user = normal_user(user)
        if role not in ACCOUNT_ROLES:
            raise DomainError(f"unknown role {role!r} (one of {', '.join(ACCOUNT_ROLES)})",
                              code="unknown_role", params={"role": role})
        department = (department or "").strip() or None
        if role == "department":
            known = core.catalog.departments()
            if department is None:
                raise DomainError("a department account names its department (--department)",
                                  code="department_missing")
            if department not in known:
                raise DomainError(f"no department {department!r} in the catalog",
                                  code="unknown_department", params={"department": department})
        elif department is not None:
            raise DomainError(f"only a department account has a department, not a {role}",
                              code="department_not_allowed", params={"role": role})
        if not user or len(user) > 32 or not all(
                c.isascii() and (c.isalnum() or c in "-_.") for c in user):
            raise DomainError("a user name is 1-32 ASCII letters, digits, '-', '_' or '.'",
                              code="bad_user")
        _check_strength(password, MIN_PASSWORD, "password")
        if by is None:
            if self.any():
                raise AccessError("accounts exist: an admin must add new ones (--as ADMIN)",
                                  code="forbidden", params={"command": "add_account"})
            if role != "admin":
                raise DomainError("the first account of a terminal is an admin: add it with "
                                  "--role admin, then add clerks with --as that admin",
                                  code="first_admin")
            actor = Actor.account(user, "admin")
        else:
            core.require(by, "accounts", "add_account")
            actor = by
        pw_hash = hash_secret(password)
        with core.write(extra=_ACCOUNTS) as conn:
            now = self._now_ms()
            if conn.execute("SELECT 1 FROM accounts WHERE lower(user) = ?", (user,)).fetchone():
                raise DomainError(f"user {user} exists", code="user_exists",
                                  params={"user": user})
            conn.execute("INSERT INTO accounts (user, role, pw_hash, created_ms, changed_ms, "
                         "department) VALUES (?, ?, ?, ?, ?, ?)",
                         (user, role, pw_hash, now, now, department))
            audit.record_in(core, conn, actor=actor, action="account_change", target=user,
                            detail={"change": "add", "role": role}
                            | ({"department": department} if department else {}))
        return core.outcome(Actor.account(user, role, department=department))

    def set_password(self, by: Actor, user: str, password: str) -> Outcome[None]:
        core = self._core
        user = normal_user(user)
        if by.name != user:
            core.require(by, "accounts", "set_password")
        _check_strength(password, MIN_PIN if user == TECHNICIAN else MIN_PASSWORD, "password")
        with core.write(extra=_ACCOUNTS) as conn:
            cur = conn.execute("UPDATE accounts SET pw_hash = ?, failures = 0, "
                               "locked_until_ms = 0, changed_ms = ? WHERE lower(user) = ?",
                               (hash_secret(password), self._now_ms(), user))
            if cur.rowcount == 0:
                raise DomainError(f"no user {user}", code="unknown_user", params={"user": user})
            audit.record_in(core, conn, actor=by, action="account_change", target=user,
                            detail={"change": "password"})
        return core.outcome(None)

    def set_technician_pin(self, by: Actor, pin: str) -> Outcome[None]:
        core = self._core
        core.require(by, "config", "set_pin")
        if not pin.isdigit():
            raise DomainError("the technician PIN is digits only", code="weak_secret",
                              params={"what": "PIN"})
        _check_strength(pin, MIN_PIN, "PIN")
        with core.write(extra=_ACCOUNTS) as conn:
            now = self._now_ms()
            conn.execute(
                "INSERT INTO accounts (user, role, pw_hash, created_ms, changed_ms) "
                "VALUES (?, 'technician', ?, ?, ?) ON CONFLICT (user) DO UPDATE SET "
                "pw_hash = excluded.pw_hash, failures = 0, locked_until_ms = 0, "
                "changed_ms = excluded.changed_ms", (TECHNICIAN, hash_secret(pin), now, now))
            audit.record_in(core, conn, actor=by, action="config_change",
                            target="technician_pin")
        return core.outcome(None)

    def sign_in(self, user: str, password: str, *, window: str | None = None) -> Actor:
        """The signed-in actor, or AccessError (wrong password, locked, unknown or inactive user:
        the same message for the last three so user names cannot be probed)."""
        return self._authenticate(normal_user(user), password, "sign_in", window)

    def sign_out(self, by: Actor) -> None:
        if by.kind != "account":
            return
        audit.record(self._core, actor=by, action="sign_out",
                     target=self._core.config.terminal_id)

    def check_pin(self, pin: str) -> Actor:
        """The kiosk's technician PIN (the maintenance screen)."""
        return self._authenticate(TECHNICIAN, pin, "pin_check", None)

    def unlock(self, by: Actor, user: str) -> Outcome[None]:
        core = self._core
        core.require(by, "unlock", "unlock")
        user = normal_user(user)
        with core.write(extra=_ACCOUNTS) as conn:
            cur = conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0 "
                               "WHERE lower(user) = ?", (user,))
            if cur.rowcount == 0:
                raise DomainError(f"no user {user}", code="unknown_user", params={"user": user})
            audit.record_in(core, conn, actor=by, action="unlock", target=user)
        return core.outcome(None)

    def all(self, by: Actor) -> list[Account]:
        self._core.require(by, "unlock", "list_accounts")
        now = self._now_ms()
        return [Account(u, r, bool(a), f, max(0, (lu - now + 999) // 1000), d)
                for u, r, a, f, lu, d in self._core.conn.execute(
                    "SELECT user, role, active, failures, locked_until_ms, department "
                    "FROM accounts ORDER BY user")]

    def audit_trail(self, by: Actor, *, action: str | None = None,
                    limit: int = 50) -> list[dict[str, Any]]:
        self._core.require(by, "audit_view", "audit_trail")
        return audit.trail(self._core.conn, action=action, limit=max(1, min(limit, 100_000)))

    def reveal_applicant(self, by: Actor, case_ref: str) -> dict[str, object]:
        """Open a case's sealed applicant record for a supervisor; audited as a data view."""
        core = self._core
        core.require(by, "data_view", "reveal_applicant")
        row = core.conn.execute(
            "SELECT payload FROM events WHERE type IN ('CaseAccepted', 'CaseRefused') AND "
            "(json_extract(payload, '$.case_id') = ? OR "
            "json_extract(payload, '$.case_number') = ?)", (case_ref, case_ref)).fetchone()
        if row is None:
            raise DomainError(f"no case {case_ref!r}", code="unknown_case",
                              params={"case": case_ref})
        payload = json.loads(row[0])
        token = payload["applicant"].get("sealed")
        if not token:
            raise DomainError(f"case {payload['case_number']} holds no personal data (never "
                              "sealed or purged)", code="no_personal_data",
                              params={"case": payload["case_number"]})
        record = core.sealer.open_json(token)
        audit.record(core, actor=by, action="data_view", target=payload["case_number"],
                     detail={"fields": sorted(record)})
        return record

    def _authenticate(self, user: str, secret: str, action: str, window: str | None) -> Actor:
        core = self._core
        row = core.conn.execute(
            "SELECT user, role, pw_hash, active, failures, locked_until_ms, department "
            "FROM accounts WHERE lower(user) = ?", (user,)).fetchone()
        now = self._now_ms()
        role = row[1] if row else "unknown"
        who = Actor.account(user, role)
        if row is not None and row[5] > now:
            wait = (row[5] - now + 999) // 1000
            self._refused(who, action, "locked", None)
            raise AccessError(f"too many wrong tries: locked, try again in {wait} s",
                              code="locked_out", params={"seconds": wait})
        # an unknown user costs the same scrypt as a known one: no timing oracle for user names
        ok = verify_secret(secret, row[2] if row else _dummy()) and row is not None and bool(
            row[3])
        if not ok:
            failures = (row[4] if row else 0) + 1
            lock = 0
            if failures >= FREE_TRIES:
                lock = now + min(BASE_DELAY_S * 2 ** (failures - FREE_TRIES), MAX_DELAY_S) * 1000
            self._refused(who, action, "wrong_secret", (failures, lock) if row else None)
            what = "PIN" if user == TECHNICIAN else "user name or password"
            raise AccessError(f"wrong {what}", code="wrong_password" if user != TECHNICIAN
                              else "wrong_pin")
        with core.write(extra=_ACCOUNTS) as conn:
            conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0 "
                         "WHERE user = ?", (row[0],))
            audit.record_in(core, conn, actor=Actor.account(row[0], role), action=action,
                            target=core.config.terminal_id)
        return Actor.account(row[0], role, window, row[6])

    def _refused(self, who: Actor, action: str, reason: str,
                 update: tuple[int, int] | None) -> None:
        core = self._core
        with core.write(extra=_ACCOUNTS) as conn:
            if update is not None:
                conn.execute("UPDATE accounts SET failures = ?, locked_until_ms = ? "
                             "WHERE lower(user) = ?", (*update, who.name))
            audit.record_in(core, conn, actor=who,
                            action="sign_in_refused" if action == "sign_in" else action,
                            target=core.config.terminal_id, outcome=reason)


_DUMMY: list[str] = []


def _dummy() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_secret(os.urandom(16).hex()))
    return _DUMMY[0]


def _check_strength(secret: str, minimum: int, what: str) -> None:
    if len(secret) < minimum:
        raise DomainError(f"the {what} needs at least {minimum} characters", code="weak_secret",
                          params={"what": what, "minimum": minimum})
    if len(set(secret)) < 3:
        raise DomainError(f"the {what} is too simple", code="weak_secret",
                          params={"what": what, "minimum": minimum})
