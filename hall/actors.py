"""Who acts, and what each role may do.

Every command of the hall names its actor; the hall checks the permission before it writes and
records the actor on every event it appends (`payload["by"]`). A refused command writes nothing
but an audit entry saying who was refused what.

Actors:
- an account signed in at a desk (clerk, supervisor, admin) or the kiosk technician (PIN);
- the kiosk itself, for a citizen's own actions (取号, 办件查询, 好差评, 帮办, 预约签到);
- the local operator: the OS user who holds the data directory and its keys and runs the CLI
  (recorded as `os:<user>`), trusted with what the keys already give;
- the system: the hall's own processes (sync absorbing, the hub deciding a call, close of day);
- nobody: a desk with no one signed in. It may do nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["account", "kiosk", "operator", "system", "nobody"]

# What each role may do. Names are the permissions the hall's commands require.
_CITIZEN = frozenset({"take", "card_read", "code_read", "case_lookup", "rate", "help_request",
                      "check_in", "book_own"})  # book_own: a slot for the card they hold
_CLERK = frozenset({"take", "card_read", "code_read", "case_lookup", "queue", "case",
                    "free_text", "stats_own", "help_answer", "check_in", "appointment"})
# Which matters a window serves is the hall's arrangement: its supervisor sets it (a clerk
# serves what the window is given, and sees it).
_SUPERVISOR = _CLERK | {"window", "stats_hall", "data_view", "export", "unlock", "audit_view",
                        "follow_up", "settings"}
# The back office (hall/parts.py): a supervisor watches every department's parts (待审批, overdue)
# and hands a part to another department; only a department's own account decides its parts.
_SUPERVISOR |= {"case_queue", "reassign"}
# kiosk_maintenance: an admin's hall account opens a kiosk's maintenance panel (beside the PIN)
_ADMIN = _SUPERVISOR | {"accounts", "config", "rotate_key", "purge", "close_day",
                        "kiosk_maintenance"}
# A department's account (后台分类审批): its parts of the hall's cases, nothing at the window.
_DEPARTMENT = frozenset({"case_lookup", "case_queue", "decide", "free_text"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "clerk": _CLERK,
    "supervisor": frozenset(_SUPERVISOR),
    "admin": frozenset(_ADMIN),
    "department": _DEPARTMENT,
    "technician": frozenset(),  # the PIN opens the kiosk's maintenance screen: nothing more
    "kiosk": _CITIZEN,
    # A window's rating pad (评价器, rater/): the citizen at that window grades the visit; nothing more.
    "rater": frozenset({"rate"}),
    # The operator holds the data dir and its keys: refusing it what the keys allow protects
    # nothing. Accounts are still managed by an admin account (access user add --as ADMIN).
    "operator": frozenset(_ADMIN - {"accounts"} | _CITIZEN),
    "system": frozenset({"take", "queue", "case", "close_day", "card_read"}),
    "none": frozenset(),
}
ACCOUNT_ROLES = ("clerk", "supervisor", "admin", "department")

# Set only while one of Actor's own constructors runs (per thread): `Actor(...)` and
# `dataclasses.replace(actor, role=...)` anywhere else are refused, so a face cannot forge an
# actor or raise its own; it gets a session from the hall (hall/session.py).
_minting = threading.local()


@dataclass(frozen=True)
class Actor:
    kind: Kind
    name: str
    role: str
    window: str | None = None  # the window a signed-in clerk serves, when known
    department: str | None = None  # the department a `department` account acts for

    def __post_init__(self) -> None:
        if not getattr(_minting, "on", False):
            from hall.errors import AccessError

            raise AccessError("an actor is made by the hall only: sign in, or use the session "
                              "the hall gives", code="forged_actor")

    @classmethod
    def _mint(cls, kind: Kind, name: str, role: str, window: str | None = None,
              department: str | None = None) -> Actor:
        _minting.on = True
        try:
            return cls(kind, name, role, window, department)
        finally:
            _minting.on = False

    @classmethod
    def account(cls, user: str, role: str, window: str | None = None,
                department: str | None = None) -> Actor:
        return cls._mint("account", user, role, window, department)

    @classmethod
    def kiosk(cls, terminal_id: str) -> Actor:
        return cls._mint("kiosk", terminal_id, "kiosk")

    @classmethod
    def rater(cls, terminal_id: str, window: str) -> Actor:
        """The rating pad facing the citizen at one window (its citizen's grade, no more)."""
        return cls._mint("kiosk", terminal_id, "rater", window)

    @classmethod
    def operator(cls, user: str | None = None) -> Actor:
        if user is None:
            import getpass

            try:
                user = getpass.getuser()
            except (KeyError, OSError):  # no passwd entry (a container): still an operator
                user = "unknown"
        return cls._mint("operator", f"os:{user}", "operator")

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls._mint("system", name, "system")

    @classmethod
    def nobody(cls) -> Actor:
        return cls._mint("nobody", "", "none")

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    def record(self) -> dict[str, Any]:
        """How an event names its actor (no personal data: user names and terminal ids)."""
        out: dict[str, Any] = {"kind": self.kind, "name": self.name, "role": self.role}
        if self.window is not None:
            out["window"] = self.window
        if self.department is not None:
            out["department"] = self.department
        return out

    def __str__(self) -> str:
        return f"{self.name or 'nobody'} ({self.role})"
