"""Clerk accounts, sign-in, the kiosk technician PIN, lockout with a growing delay, the audit
trail, and the audited reveal of a sealed applicant.

Passwords and the PIN are kept as scrypt hashes (hashlib.scrypt, N=2^15, r=8, p=1: ~32 MiB and
tens of milliseconds per try, a random 16-byte salt each). After `FREE_TRIES` wrong passwords
in a row an account is locked for BASE_DELAY_S, doubling with every further failure up to
MAX_DELAY_S; while locked, a try is refused without even checking the password. Every sign-in,
refusal, PIN check, unlock and account change is an audit event (hall/security/audit.py).

User names are compared case-insensitively: `ADMIN1` and `admin1` are one account. Accounts are
the hall's: every change is an `AccountChanged` event (with the scrypt hash, never the password)
that syncs through the hub, and the lockout counts every terminal's sign-in entries
(hall/security/hall_accounts.py). The first-admin bootstrap (no account known yet, no --as) is kept
for a station no hub knows; a terminal enrolled with a hub (or set up with one) is refused
(`first_admin_on_hub`): its hall makes its first admin on the hub (`serve user add`). Accounts a
terminal made before accounts were the hall's (rows no `AccountChanged` made) sign in nowhere
until an admin migrates them to the hall (`access user migrate --as ADMIN`, `migrate` below).

A hall account may also open a kiosk's maintenance panel (`maintenance_sign_in`): it is checked
as at a desk, needs `kiosk_maintenance` (admins), and acts there as the kiosk's technician: a
kiosk names no admin on its events (hall/event_rules.py), so its entries say `technician` and
the account's name.
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
from hall.events import EventType
from hall.security import audit, hall_accounts
from hall.security.hall_accounts import BASE_DELAY_S, FREE_TRIES, MAX_DELAY_S

TECHNICIAN = "@technician"  # the kiosk technician PIN is the password of this account

__all__ = ["BASE_DELAY_S", "FREE_TRIES", "MAX_DELAY_S", "Account", "Accounts",
           "check_strength"]
MIN_PASSWORD = 8
MIN_PIN = 6

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_ACCOUNTS = Changes(accounts=True)  # account rows change beside their audit events
# Roles an account may hold beyond ACCOUNT_ROLES: a department's (the back office), whose
# permissions hall/actors.py gives (kept open here so the role list lives in one place there).
_OPEN_ROLES = tuple(r for r in ("department",) if r not in ACCOUNT_ROLES)


@dataclass(frozen=True)
class Account:
    user: str
    role: str
    active: bool
    failures: int
    locked_s: int
    department: str | None = None  # a department account's (the back office)

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

    def add(self, by: Actor | None, user: str, role: str, password: str, *,
            department: str | None = None) -> Outcome[Actor]:
        """`by` None only while the terminal knows no account yet: the first account is an admin
        (a standalone station's bootstrap; on a hall with a hub, `serve user add` makes the
        first admin on the hub). The account is the hall's: it reaches every terminal through
        the hub."""
        core = self._core
        user = normal_user(user)
        if role not in (*ACCOUNT_ROLES, *_OPEN_ROLES):
            roles = ", ".join((*ACCOUNT_ROLES, *_OPEN_ROLES))
            raise DomainError(f"unknown role {role!r} (one of {roles})",
                              code="unknown_role", params={"role": role})
        department = (department or "").strip() or None
        if (role == "department") != bool(department):
            raise DomainError("a department account names its department (--department DEPT), "
                              "and only it", code="department_required", params={"role": role})
        if department is not None and department not in core.catalog.departments():
            raise DomainError(f"no department {department!r} in the catalog",
                              code="unknown_department", params={"department": department})
        if not user or len(user) > 32 or not all(
                c.isascii() and (c.isalnum() or c in "-_.") for c in user):
            raise DomainError("a user name is 1-32 ASCII letters, digits, '-', '_' or '.'",
                              code="bad_user")
        check_strength(password, MIN_PASSWORD, "password")
        if by is None:
            if self.any():
                raise AccessError("accounts exist: an admin must add new ones (--as ADMIN)",
                                  code="forbidden", params={"command": "add_account"})
            self._may_bootstrap()
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
            if conn.execute("SELECT 1 FROM accounts WHERE lower(user) = ?", (user,)).fetchone():
                raise DomainError(f"user {user} exists", code="user_exists",
                                  params={"user": user})
            payload: dict[str, Any] = {"user": user, "change": "add", "role": role,
                                       "pw_hash": pw_hash, "at": core.now_iso()}
            if department:
                payload["department"] = department
            core.emit(conn, EventType.ACCOUNT_CHANGED, payload, actor)
            audit.record_in(core, conn, actor=actor, action="account_change", target=user,
                            detail={"change": "add", "role": role})
        return core.outcome(Actor.account(user, role, department=department))

    def _may_bootstrap(self) -> None:
        """A terminal that belongs to a hub makes no admin of its own: one made here would
        become an admin of the whole hall as soon as it syncs."""
        from hall.sync_status import enrolled

        core = self._core
        if enrolled(core.data_dir) or core.config.hub_url:
            raise AccessError(
                "this terminal belongs to a hall with a hub: the hall's first admin is made on "
                "the hub (serve user add NAME --role admin --hall HALL --data-dir HUB_DIR) and "
                "reaches this terminal when it syncs", code="first_admin_on_hub",
                params={"hall": core.config.hall_id})

    def migrate(self, user: str, password: str) -> Outcome[list[str]]:
        """Accounts this terminal made before accounts were the hall's become hall accounts.

        An admin of this terminal (its password checked here, migrated or not) emits, for each
        such account, the `add` it never had, with the account's own scrypt hash (no password
        is asked again, none leaves), and a `disable` for one that was disabled. Returns the
        users migrated (none: nothing to do)."""
        core = self._core
        by = self._authenticate(normal_user(user), password, "sign_in", None, legacy_ok=True)
        core.require(by, "accounts", "migrate_accounts")
        with core.write(extra=_ACCOUNTS) as conn:
            legacy = sorted(hall_accounts.legacy_users(conn))
            at = core.now_iso()
            for name in legacy:
                row = conn.execute("SELECT role, pw_hash, active, department FROM accounts "
                                   "WHERE user = ?", (name,)).fetchone()
                payload: dict[str, Any] = {"user": name, "change": "add", "role": row[0],
                                           "pw_hash": row[1], "at": at}
                if row[3]:
                    payload["department"] = row[3]
                core.emit(conn, EventType.ACCOUNT_CHANGED, payload, by)
                if not row[2]:
                    core.emit(conn, EventType.ACCOUNT_CHANGED,
                              {"user": name, "change": "disable", "at": at}, by)
                audit.record_in(core, conn, actor=by, action="account_change", target=name,
                                detail={"change": "migrate", "role": row[0]})
            hall_accounts.forget_legacy(conn, legacy)
        return core.outcome(legacy)

    def set_password(self, by: Actor, user: str, password: str) -> Outcome[None]:
        core = self._core
        user = normal_user(user)
        if by.name != user:
            core.require(by, "accounts", "set_password")
        check_strength(password, MIN_PIN if user == TECHNICIAN else MIN_PASSWORD, "password")
        if user == TECHNICIAN:  # the kiosk's PIN is the terminal's own, not the hall's
            return self._local_pin(by, password, "account_change", user, {"change": "password"})
        self._change(by, user, "password", pw_hash=hash_secret(password))
        return core.outcome(None)

    def disable(self, by: Actor, user: str, *, enable: bool = False) -> Outcome[None]:
        """Disable (or enable again) a hall account: sign-in refused (`account_disabled`) here
        at once, and at every terminal once it hears of it."""
        self._core.require(by, "accounts", "disable_account")
        user = normal_user(user)
        if not enable and user == by.name:
            raise DomainError("an admin does not disable their own account",
                              code="disable_self", params={"user": user})
        self._change(by, user, "enable" if enable else "disable")
        return self._core.outcome(None)

    def _change(self, by: Actor, user: str, change: str, **extra: Any) -> None:
        core = self._core
        with core.write(extra=_ACCOUNTS) as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE lower(user) = ?",
                            (user,)).fetchone() is None:
                raise DomainError(f"no user {user}", code="unknown_user", params={"user": user})
            core.emit(conn, EventType.ACCOUNT_CHANGED,
                      {"user": user, "change": change, "at": core.now_iso(), **extra}, by)
            audit.record_in(core, conn, actor=by, action="unlock" if change == "unlock" else
                            "account_change", target=user,
                            detail=None if change == "unlock" else {"change": change})

    def as_of(self) -> dict[str, Any]:
        """How old this terminal's view of the hall's accounts is: when it last heard from the
        hub (None: never, or a station without one)."""
        row = self._core.conn.execute(
            "SELECT value FROM sync_state WHERE key = 'last_pull_ms'").fetchone()
        if row is None:
            return {"heard_ms": None, "age_s": None}
        heard = int(row[0])
        return {"heard_ms": heard, "age_s": max(0, (self._now_ms() - heard) // 1000)}

    def set_technician_pin(self, by: Actor, pin: str) -> Outcome[None]:
        core = self._core
        core.require(by, "config", "set_pin")
        if not pin.isdigit():
            raise DomainError("the technician PIN is digits only", code="weak_secret",
                              params={"what": "PIN"})
        check_strength(pin, MIN_PIN, "PIN")
        return self._local_pin(by, pin, "config_change", "technician_pin", None)

    def _local_pin(self, by: Actor, pin: str, action: str, target: str,
                   detail: dict[str, Any] | None) -> Outcome[None]:
        """The kiosk technician PIN: the terminal's own (a row no event makes)."""
        core = self._core
        with core.write(extra=_ACCOUNTS) as conn:
            now = self._now_ms()
            conn.execute(
                "INSERT INTO accounts (user, role, pw_hash, created_ms, changed_ms) "
                "VALUES (?, 'technician', ?, ?, ?) ON CONFLICT (user) DO UPDATE SET "
                "pw_hash = excluded.pw_hash, failures = 0, locked_until_ms = 0, "
                "changed_ms = excluded.changed_ms", (TECHNICIAN, hash_secret(pin), now, now))
            audit.record_in(core, conn, actor=by, action=action, target=target, detail=detail)
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

    def maintenance_sign_in(self, user: str, password: str) -> Actor:
        """A hall account opening the kiosk's maintenance screen: the technician, named."""
        core = self._core
        who = self._authenticate(normal_user(user), password, "maintenance_sign_in", None,
                                 recorded_role="technician")
        technician = Actor.account(who.name, "technician")
        if not who.can("kiosk_maintenance"):
            audit.record(core, actor=technician, action="command_refused",
                         target="kiosk_maintenance", outcome="forbidden",
                         detail={"permission": "kiosk_maintenance"})
            raise AccessError(f"{who.name} may not open a kiosk's maintenance (an admin may)",
                              code="forbidden",
                              params={"actor": who.name, "role": who.role,
                                      "command": "kiosk_maintenance",
                                      "permission": "kiosk_maintenance"})
        return technician

    def unlock(self, by: Actor, user: str) -> Outcome[None]:
        core = self._core
        core.require(by, "unlock", "unlock")
        user = normal_user(user)
        if user == TECHNICIAN:
            with core.write(extra=_ACCOUNTS) as conn:
                conn.execute("UPDATE accounts SET failures = 0, locked_until_ms = 0 "
                             "WHERE user = ?", (user,))
                audit.record_in(core, conn, actor=by, action="unlock", target=user)
            return core.outcome(None)
        self._change(by, user, "unlock")
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

    def _authenticate(self, user: str, secret: str, action: str, window: str | None, *,
                      recorded_role: str | None = None, legacy_ok: bool = False) -> Actor:
        """`recorded_role`: the role the audit entries name instead of the account's (a kiosk's
        maintenance: its technician). `legacy_ok`: an account not yet migrated to the hall
        signs in (only to migrate)."""
        core = self._core
        row = core.conn.execute(
            "SELECT user, role, pw_hash, active, failures, locked_until_ms, department "
            "FROM accounts WHERE lower(user) = ?", (user,)).fetchone()
        now = self._now_ms()
        role = row[1] if row else "unknown"
        who = Actor.account(user, recorded_role or role)
        if row is not None and row[5] > now:
            wait = (row[5] - now + 999) // 1000
            self._refused(who, action, "locked")
            raise AccessError(f"too many wrong tries: locked, try again in {wait} s",
                              code="locked_out", params={"seconds": wait})
        # an unknown user costs the same scrypt as a known one: no timing oracle for user names
        ok = verify_secret(secret, row[2] if row else _dummy()) and row is not None
        if ok and not row[3]:
            # Said plainly only to one who knows the password: a disabled account is not probed.
            self._refused(who, action, "disabled")
            raise AccessError(f"account {row[0]} is disabled", code="account_disabled",
                              params={"user": row[0]})
        if not ok:
            # The failure count moves in the projection of this entry (hall_accounts), the
            # same on every terminal that hears of it.
            self._refused(who, action, "wrong_secret")
            what = "PIN" if user == TECHNICIAN else "user name or password"
            raise AccessError(f"wrong {what}", code="wrong_password" if user != TECHNICIAN
                              else "wrong_pin")
        with core.write(extra=_ACCOUNTS) as conn:
            legacy = (not legacy_ok and user != TECHNICIAN
                      and row[0] in hall_accounts.legacy_users(conn))
            if not legacy:
                audit.record_in(core, conn, actor=Actor.account(row[0], recorded_role or role,
                                                                      window),
                                action=action, target=core.config.terminal_id)
        if legacy:
            self._refused(who, action, "not_migrated")
            raise AccessError(
                f"account {row[0]} was made on this terminal before accounts were the hall's: an "
                "admin migrates this terminal's accounts to the hall first "
                "(python main.py access user migrate --as ADMIN)", code="account_not_migrated",
                params={"user": row[0]})
        return Actor.account(row[0], role, window, row[6])

    def _refused(self, who: Actor, action: str, reason: str) -> None:
        core = self._core
        with core.write(extra=_ACCOUNTS) as conn:
            audit.record_in(core, conn, actor=who,
                            action="sign_in_refused" if action == "sign_in" else action,
                            target=core.config.terminal_id, outcome=reason)


_DUMMY: list[str] = []


def _dummy() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_secret(os.urandom(16).hex()))
    return _DUMMY[0]


def check_strength(secret: str, minimum: int, what: str) -> None:
    if len(secret) < minimum:
        raise DomainError(f"the {what} needs at least {minimum} characters", code="weak_secret",
                          params={"what": what, "minimum": minimum})
    if len(set(secret)) < 3:
        raise DomainError(f"the {what} is too simple", code="weak_secret",
                          params={"what": what, "minimum": minimum})
