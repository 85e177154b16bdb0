"""What the faces show: who is being called where, the last calls, how many wait and for how long,
a ticket's place in line, and a case's progress (办件查询).

Read-only; each is one or two indexed queries over the projections (and the log for calls), cheap
enough to run after every change notification.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from hall.call_choice import upcoming
from hall.clock import to_ms
from hall.core import Core
from hall.errors import DomainError
from hall.ticket_views import URGENCIES, TicketView, find
from hall.timefmt import iso_of_ms, previous_day

DEFAULT_SERVICE_S = 300  # a service time to estimate with before the day has any


@dataclass(frozen=True)
class Calling:
    """A window and the ticket it has called (or is serving)."""

    window: str
    number: str
    ticket_id: str
    service: str
    status: str  # called | serving
    called_at: str | None
    recalls: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Call:
    """One call or recall as a call screen shows it and the voice speaks it."""

    pos: int  # the event's place in this store's log: follow calls without missing one
    number: str
    window: str
    called_at: str
    kind: str  # call | recall
    ticket_id: str
    service: str
    booked: bool = False  # an appointment's ticket (预约): the screen marks it

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "window": self.window, "called_at": self.called_at,
                "kind": self.kind}  # the `display --follow` contract: these four keys


@dataclass(frozen=True)
class Waiting:
    key: str  # a service id, or a window group (series letter)
    name: str
    count: int
    expected_wait_s: int  # for a ticket taken now

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WaitingBoard:
    by_service: tuple[Waiting, ...]
    by_group: tuple[Waiting, ...]
    total: int

    def service(self, service_id: str) -> Waiting | None:
        return next((w for w in self.by_service if w.key == service_id), None)

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "by_service": [w.to_json() for w in self.by_service],
                "by_group": [w.to_json() for w in self.by_group]}


@dataclass(frozen=True)
class Place:
    ticket: str
    status: str
    ahead: int
    expected_wait_s: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PartProgress:
    """One part of a case as the applicant sees it: no free text (a 补正 names the catalog
    materials to bring; what else to correct is told at the window)."""

    step: int
    matter: str
    department: str
    status: str  # pending | received | approved | rejected | correction | corrected
    due: str | None
    decided_at: str | None
    bring: tuple[str, ...]  # a 补正 owed: the materials to bring

    @property
    def owed(self) -> bool:
        return self.status == "correction"


@dataclass(frozen=True)
class Progress:
    """办件查询: a case as a citizen may see it (masked; no free text)."""

    number: str
    service_name: str
    status: str
    steps_done: int
    steps_total: int
    steps: tuple[PartProgress, ...]
    promised: str | None  # 承诺时限
    accepted_at: str
    completed_at: str | None
    delivered_at: str | None
    outstanding: tuple[str, ...]  # 容缺 materials still to bring

    @property
    def ready(self) -> bool:
        """可以领取: every part decided, the result not handed out yet."""
        return (self.status in ("accepted", "completed", "not_permitted") and self.steps_total > 0
                and self.steps_done == self.steps_total)

    @property
    def owed(self) -> tuple[PartProgress, ...]:
        """The parts waiting on a 补正 from the applicant."""
        return tuple(p for p in self.steps if p.owed)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["steps"] = [{"step": p.step, "matter": p.matter, "department": p.department,
                         "status": p.status, "due": p.due, "decided_at": p.decided_at,
                         "bring": list(p.bring)} for p in self.steps]
        out["outstanding"] = list(self.outstanding)
        out["ready"] = self.ready
        return out


class Views:
    def __init__(self, core: Core) -> None:
        self._core = core

    # -- the call screen ----------------------------------------------------------------------------
    def now_calling(self) -> list[Calling]:
        core = self._core
        rows = core.conn.execute(
            "SELECT window, label, ticket_id, service_id, status, called_ms, recalls FROM tickets "
            "WHERE status IN ('called', 'serving') AND +day IN (?, ?) ORDER BY window",  # at window
            (core.today(), previous_day(core.today()))).fetchall()
        return [Calling(r[0], r[1], r[2], r[3], r[4],
                        iso_of_ms(r[5], core.zone) if r[5] is not None else None, r[6])
                for r in rows]

    def last_calls(self, limit: int = 10) -> list[Call]:
        """The newest calls first."""
        rows = self._core.conn.execute(
            "SELECT pos, type, payload FROM events WHERE type IN "
            "('TicketCalled', 'TicketRecalled', 'TicketResumed') ORDER BY pos DESC LIMIT ?",
            (max(1, min(limit, 200)),)).fetchall()
        return [c for c in (self._call(r) for r in rows) if c is not None]

    def calls_after(self, pos: int, limit: int = 200) -> list[Call]:
        """Calls recorded after log position `pos`, oldest first (a display follows with this)."""
        rows = self._core.conn.execute(
            "SELECT pos, type, payload FROM events WHERE pos > ? AND type IN "
            "('TicketCalled', 'TicketRecalled', 'TicketResumed') ORDER BY pos LIMIT ?",
            (pos, max(1, min(limit, 2000)))).fetchall()
        return [c for c in (self._call(r) for r in rows) if c is not None]

    def log_position(self) -> int:
        row = self._core.conn.execute("SELECT COALESCE(MAX(pos), 0) FROM events").fetchone()
        return int(row[0])

    def _call(self, row: tuple[Any, ...]) -> Call | None:
        p = json.loads(row[2])
        t = self._core.conn.execute("SELECT label, service_id, priority FROM tickets "
                                    "WHERE ticket_id = ?", (p.get("ticket_id"),)).fetchone()
        window = p.get("window")
        if t is None or not window:
            return None
        at = p.get("called_at") or p.get("at") or ""
        return Call(int(row[0]), t[0], str(window), at,
                    "call" if row[1] == "TicketCalled" else "recall", p["ticket_id"], t[1],
                    booked=t[2] == "appointment")

    # -- a desk's queue -----------------------------------------------------------------------------
    def next_for(self, window: str, limit: int = 8) -> list[TicketView]:
        """The tickets `window` would call next, in the call policy's order (a desk's list)."""
        core = self._core
        ids = upcoming(core.conn, core.config.policy, window, core.today(), to_ms(core.now()),
                       max(1, min(limit, 200)))
        return [find(core.conn, i, core.zone) for i in ids]

    def held_by(self, window: str) -> list[TicketView]:
        """What `window` holds: its called or serving ticket, then the tickets it parked."""
        core = self._core
        rows = core.conn.execute(
            "SELECT ticket_id FROM tickets WHERE window = ? AND status IN ('called', 'serving', "
            "'parked') AND day IN (?, ?) ORDER BY status = 'parked', called_ms",
            (window, core.today(), previous_day(core.today()))).fetchall()
        return [find(core.conn, r[0], core.zone) for r in rows]

    # -- waiting ------------------------------------------------------------------------------------
    def waiting(self) -> WaitingBoard:
        core = self._core
        today = core.today()
        counts = dict(core.conn.execute(
            f"SELECT service_id, COUNT(*) FROM tickets WHERE status = 'waiting' AND urgent IN "
            f"{URGENCIES} AND +day IN (?, ?) GROUP BY service_id",  # the queue, not the day
            (today, previous_day(today))).fetchall())
        service_s = self._service_seconds(today)
        windows = self._windows()
        by_service: list[Waiting] = []
        groups: dict[str, list[int]] = {}
        for s in core.catalog.services:
            n = int(counts.get(s.id, 0))
            wait = self._estimate(n, service_s.get(s.id), windows.get(s.id, windows.get("*", 1)))
            by_service.append(Waiting(s.id, s.name, n, wait))
            group = groups.setdefault(s.series, [0, 0])
            group[0] += n
            group[1] = max(group[1], wait)
        by_group = tuple(Waiting(k, core.catalog.series.get(k, k), v[0], v[1])
                         for k, v in sorted(groups.items()))
        return WaitingBoard(tuple(by_service), by_group, sum(int(v) for v in counts.values()))

    def place_in_line(self, ref: str) -> Place:
        core = self._core
        ticket = find(core.conn, ref, core.zone)
        if ticket.status != "waiting":
            return Place(ticket.number, ticket.status, 0, 0)
        group = core.catalog.group_of(ticket.service)  # who waits for the same windows
        marks = ", ".join("?" for _ in group)
        row = core.conn.execute(
            f"SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND urgent IN {URGENCIES} "
            f"AND (issued_ms, ticket_id) < (?, ?) AND service_id IN ({marks}) AND day >= ?",
            (ticket.issued_ms, ticket.id, *group, previous_day(ticket.day))).fetchone()
        ahead = int(row[0])
        windows = self._windows()
        wait = self._estimate(ahead, self._service_seconds(core.today()).get(ticket.service),
                              windows.get(ticket.service, windows.get("*", 1)))
        return Place(ticket.number, ticket.status, ahead, wait)

    def _service_seconds(self, day: str) -> dict[str, float]:
        rows = self._core.conn.execute(
            "SELECT service_id, AVG(done_ms - started_ms) FROM tickets WHERE day = ? AND "
            "status = 'done' AND started_ms IS NOT NULL AND done_ms > started_ms "
            "GROUP BY service_id", (day,)).fetchall()
        out = {r[0]: float(r[1]) / 1000 for r in rows}
        if out:
            out["*"] = sum(out.values()) / len(out)
        return out

    def _windows(self) -> dict[str, int]:
        """How many windows serve each service ("*": windows serving everything)."""
        rows = self._core.conn.execute("SELECT services FROM windows").fetchall()
        every = 0
        per: dict[str, int] = {}
        for (raw,) in rows:
            services = json.loads(raw)
            if services is None:
                every += 1
            else:
                for s in services:
                    per[s] = per.get(s, 0) + 1
        out = {k: v + every for k, v in per.items()}
        out["*"] = max(every, 1)
        return out

    @staticmethod
    def _estimate(ahead: int, service_s: float | None, windows: int) -> int:
        if ahead <= 0:
            return 0
        per = service_s if service_s else DEFAULT_SERVICE_S
        return int(math.ceil(ahead / max(windows, 1)) * per)

    # -- 办件查询 -----------------------------------------------------------------------------------
    def progress(self, case_ref: str) -> Progress:
        """A case's progress by its number (or the id in the receipt's QR)."""
        core = self._core
        row = core.conn.execute(
            "SELECT case_id, case_number, service_id, status, promised, accepted_ms, "
            "completed_ms, delivered_ms FROM cases WHERE case_number = ? OR case_id = ?",
            (case_ref.strip(), case_ref.strip())).fetchone()
        if row is None:
            raise DomainError(f"no case {case_ref!r}", code="unknown_case",
                              params={"case": case_ref})

        def at(ms: int | None) -> str | None:
            return iso_of_ms(ms, core.zone) if ms is not None else None

        steps = tuple(
            PartProgress(s[0], s[1], s[2], s[3], s[4], at(s[5]),
                         tuple(json.loads(s[6])) if s[6] else ())
            for s in core.conn.execute(
                "SELECT step, matter, department, status, due, decided_ms, bring FROM case_steps "
                "WHERE case_id = ? ORDER BY step", (row[0],)))
        outstanding = tuple(m[0] for m in core.conn.execute(
            "SELECT material FROM case_materials WHERE case_id = ? AND status = 'deferred' "
            "ORDER BY rowid", (row[0],)))
        try:
            name = core.catalog.get(row[2]).name
        except DomainError:
            name = row[2]
        return Progress(row[1], name, row[3],
                        sum(1 for p in steps if p.status in ("approved", "rejected")),
                        len(steps), steps, row[4], iso_of_ms(row[5], core.zone), at(row[6]),
                        at(row[7]), outstanding)

    def progress_of(self, applicant_key: str, limit: int = 20) -> list[Progress]:
        """办件查询 by ID card: the cases of one applicant (blind index), newest first."""
        rows = self._core.conn.execute(
            "SELECT case_number FROM cases WHERE applicant_key = ? AND applicant_key != '' "
            "ORDER BY accepted_ms DESC LIMIT ?", (applicant_key, max(1, min(limit, 200))))
        return [self.progress(r[0]) for r in rows.fetchall()]
