"""What every part of the hall shares: the store, the configuration, the catalog, the clocks, the
permission check, the sealer for free text, and the one way state changes (`write` + `emit`).

A `Core` belongs to one thread at a time (the CLI's, a face's worker, one sync loop's): it holds
one SQLite connection, and SQLite transactions on one connection do not mix across threads. A
process that needs the store on several threads opens a Core per thread; their commits reach each
other's subscribers through `ChangeWatcher` (PRAGMA data_version).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hall import changes as changes_mod
from hall import event_schema
from hall.actors import Actor
from hall.catalog import Catalog
from hall.changes import NOTHING, Changes, ChangeWatcher, Notifier, Source
from hall.clock import WallClock, for_store, system_now
from hall.config import TerminalConfig
from hall.errors import AccessError, HallError, StoreError
from hall.events import Event
from hall.numbering import hall_day
from hall.store import Store
from hall.store.eventlog import append_local, max_hlc
from hall.store.projections import apply
from hall.timefmt import iso_local, local_day

if TYPE_CHECKING:
    from hall.security.opener import Opener

T = TypeVar("T")
_KEPT_WRITES = 64  # the writes one command may make and still see in its outcome
_KEPT_MARKS = 16  # commands nested (a call through the hub: 2)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a command returns: its typed result and what it changed."""

    value: T
    changes: Changes


class Core:
    def __init__(
        self,
        store: Store,
        config: TerminalConfig,
        catalog: Catalog,
        *,
        wall: WallClock = system_now,
        index_key: bytes = b"",
    ) -> None:
        self.store = store
        self.config = config
        self.catalog = catalog
        self.zone = config.zone
        self.wall = wall
        self.index_key = index_key
        self.data_dir: Path = store.path.parent
        self.hlc = for_store(store.path, wall, max_hlc(store.conn))  # shared with sync's absorb
        self.notifier = Notifier()
        self.last_changes: Changes = NOTHING  # the last commit's (close_day sums its days')
        # Each command's own changes: `require` marks where its writes start, `outcome` sums
        # the writes since that mark (a nested command, the hub's call, has its own mark). Both
        # bounded: a command that failed after its check leaves a mark no outcome takes.
        self._writes: deque[tuple[int, Changes]] = deque(maxlen=_KEPT_WRITES)
        self._write_seq = 0
        self._marks: list[int] = []
        self._watcher: ChangeWatcher | None = None
        self._emitted: list[str] = []
        self._sealer: Opener | None = None
        claim_store(store, config)

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.wall()

    def now_iso(self) -> str:
        return iso_local(self.wall(), self.zone)

    def today(self) -> str:
        """The hall's day (hall/numbering.py `hall_day`): the local calendar day, never earlier
        than the day the hall last issued on, so a timezone set back hides and repeats nothing."""
        return hall_day(self.conn, local_day(self.wall(), self.zone))

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    # -- the one way to change state ------------------------------------------------------------
    @contextmanager
    def write(self, source: Source = "local",
              extra: Changes = NOTHING) -> Iterator[sqlite3.Connection]:
        """One transaction; after its commit, subscribers hear what it changed."""
        self._emitted = []
        with self.store.write() as conn:
            yield conn
        emitted, self._emitted = self._emitted, []
        if self._watcher is not None:
            found = self._watcher.catch_up(source) | extra
        else:
            found = changes_mod.of_types(emitted, source) | extra
        self.last_changes = found.with_source(source)
        self._write_seq += 1
        self._writes.append((self._write_seq, self.last_changes))
        self.notifier.notify(self.last_changes)

    def emit(self, conn: sqlite3.Connection, event_type: str, payload: dict[str, Any],
             by: Actor) -> Event:
        """Append an event of this terminal, naming its actor, and project it. An event the
        hall's own schema refuses is a bug here, never written: every hop would refuse it."""
        payload = {**payload, "by": by.record()}
        why = event_schema.problem(event_type, payload)
        if why is not None:
            raise HallError(why, code="invalid_event", params={"type": event_type})
        event = append_local(
            conn,
            hall_id=self.config.hall_id,
            terminal_id=self.config.terminal_id,
            hlc=self.hlc.tick(),
            event_type=event_type,
            payload=payload,
        )
        apply(conn, event)
        self._emitted.append(event_type)
        return event

    def outcome(self, value: T) -> Outcome[T]:
        """The command's value and what its own writes changed (since its `require`)."""
        if not self._marks:  # a command with no check of its own (the first admin): its write
            return Outcome(value, self.last_changes)
        start = self._marks.pop()
        mine = [changed for seq, changed in self._writes if seq > start]
        found = mine[0] if mine else NOTHING
        for changed in mine[1:]:
            found = found | changed
        return Outcome(value, found)

    # -- notifications ----------------------------------------------------------------------------
    def watch(self) -> ChangeWatcher:
        """Start following the log (on first subscription: the CLI never pays for it)."""
        if self._watcher is None:
            self._watcher = ChangeWatcher(self.store.conn)
        return self._watcher

    # -- permissions ------------------------------------------------------------------------------
    def require(self, actor: Actor, permission: str, command: str) -> None:
        """Refuse, audited, before anything is written. Call it before opening a transaction."""
        if actor.can(permission):
            self._marks.append(self._write_seq)
            del self._marks[:-_KEPT_MARKS]
            return
        from hall.security import audit

        audit.record(self, actor=actor, action="command_refused", target=command,
                     outcome="forbidden", detail={"permission": permission})
        raise AccessError(refusal(actor, permission, command),
                          code="forbidden" if actor.kind != "nobody" else "signed_out",
                          params={"actor": actor.name, "role": actor.role,
                                  "command": command, "permission": permission})

    # -- free text ----------------------------------------------------------------------------------
    @property
    def sealer(self) -> Opener:
        """Seals with what this terminal holds and opens both token kinds it can
        (hall/security/opener.py): a kiosk or display seals for the hall and opens nothing."""
        if self._sealer is None:
            from hall.security import keys
            from hall.security.opener import Opener

            if not keys.writes_only(self.data_dir):
                if keys.load(self.data_dir, keys.DATA) is None:  # made on the first seal
                    refuse_lost_key(self.conn, self.data_dir, keys.DATA)
                if keys.load(self.data_dir, keys.HALL_PUBLIC) is not None:  # enrolled reader
                    refuse_lost_key(self.conn, self.data_dir, keys.HALL_PRIVATE)
            self._sealer = Opener.for_data_dir(self.data_dir, self.config.hall_id)
        return self._sealer

    def seal_text(self, text: str | None) -> str | None:
        """Text a person typed (a reason, a comment, a promise) as a sealed token, or None."""
        if text is None or not text.strip():
            return None
        return self.sealer.seal(text.strip().encode("utf-8"))

    def open_text(self, token: str | None, actor: Actor, *, reveal: bool = False) -> str | None:
        """The text behind a sealed token for an actor allowed free text; None otherwise, and
        None once purged. An unopenable token (another hall's key) reads as None too. ID- and
        phone-shaped runs in it are masked unless `reveal` (the caller checks and audits it)."""
        if not token or not actor.can("free_text"):
            return None
        from hall.security.crypto import SealError
        from hall.typed_text import mask_typed_text

        try:
            text = self.sealer.open(token).decode("utf-8")
        except SealError:
            return None
        return text if reveal else mask_typed_text(text)


def refuse_lost_key(conn: sqlite3.Connection, data_dir: Path, name: str) -> None:
    """A hall key file gone (index.key, data.key, hall-private.key) while the store holds data
    indexed or sealed under it: refused, instead of a new key silently losing every lookup and
    sealed field (or a reader silently reading nothing). Call it only when the key file is
    missing: it reads the log."""
    from hall.security import keys

    if keys.load(data_dir, name) is not None:
        return
    mark = {keys.INDEX: '%"key":"%', keys.HALL_PRIVATE: "%ts2:%"}.get(name, "%ts1:%")
    held = conn.execute("SELECT 1 FROM events WHERE payload LIKE ? LIMIT 1", (mark,)).fetchone()
    if held is not None:
        raise StoreError(
            f"{keys.key_path(data_dir, name)} is missing, and this store holds data "
            f"{'indexed' if name == keys.INDEX else 'sealed'} under it: restore the keys folder "
            "from the terminal's backup (`admin backup` carries it), or, on a hall with a hub, "
            "take the hall's keys again with `sync enroll --replace-keys`",
            code="seal_key", params={"key": name})


# What a command does, as the end of "clerk2 is a clerk and may not …" (else its name, spaced).
_DOING = {
    "add_account": "add accounts", "set_password": "set passwords",
    "list_accounts": "list accounts", "unlock": "unlock accounts",
    "book_appointment": "book appointments", "check_in": "check appointments in",
    "audit_trail": "read the audit trail", "card_read": "read cards", "code_read": "read codes",
    "accept_case": "accept cases", "refuse_case": "refuse cases",
    "decide_step": "decide the steps of cases", "supply_material": "record supplied materials",
    "list_cases": "look cases up", "rebuild": "rebuild the store's tables",
    "set_pin": "set the technician PIN", "reveal_applicant": "reveal applicants",
    "export": "export cases", "follow_ups": "see the follow-ups of poor ratings",
    "help_answer": "answer help requests", "help_request": "ask for help",
    "purge": "purge personal data", "rotate_key": "rotate the keys", "close_day": "close the day",
    "call": "call tickets", "recall": "call tickets again", "resume": "resume tickets",
    "start": "start serving tickets", "transfer": "transfer tickets",
    "no_show": "mark tickets no-show", "done": "mark tickets done", "park": "park tickets",
    "cancel": "cancel tickets", "rate": "rate visits", "stats": "see the day's figures",
    "take_ticket": "take tickets", "configure_window": "set up windows",
    "show_case": "look cases up", "complete_case": "complete cases",
    "deliver_result": "hand results out",
}


def refusal(actor: Actor, permission: str, command: str) -> str:
    """Why an actor was refused, as a sentence: who they are, what they may not do, who may."""
    from hall.actors import ACCOUNT_ROLES, PERMISSIONS

    doing = _DOING.get(command, command.replace("_", " "))
    if actor.kind == "nobody":
        return f"no one is signed in: sign in to {doing}"
    roles = [r for r in ACCOUNT_ROLES if permission in PERMISSIONS[r]]
    who = ("only " + " or ".join(f"{_article(r)} {r}" for r in roles) + " account may"
           if roles else "no account may")
    if actor.kind == "account":
        return f"{actor.name} is {_article(actor.role)} {actor.role} and may not {doing}: {who}"
    names = {"operator": f"the local operator ({actor.name})", "kiosk": f"the kiosk {actor.name}",
             "system": f"the system ({actor.name})"}
    return f"{names.get(actor.kind, str(actor))} may not {doing}: {who}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def claim_store(store: Store, config: TerminalConfig) -> None:
    """A store belongs to one terminal of one hall; opening it as another is refused."""
    with store.write() as conn:
        for key in ("hall_id", "terminal_id"):
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                         (key, getattr(config, key)))
        owner = dict(conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('hall_id', 'terminal_id')").fetchall())
    if (owner["hall_id"], owner["terminal_id"]) != (config.hall_id, config.terminal_id):
        raise StoreError(
            f"{store.path} belongs to terminal {owner['terminal_id']} of hall {owner['hall_id']}, "
            f"not {config.terminal_id} of {config.hall_id}", code="store_foreign",
            params={"terminal": owner["terminal_id"], "hall": owner["hall_id"]})
