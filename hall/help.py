"""帮办代办 requests: a citizen at a kiosk asks for a staff member (the elderly, the disabled,
pregnant women); the request reaches every desk of the hall through the log and one clerk takes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from hall.actors import Actor
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.ids import new_id
from hall.timefmt import iso_of_ms

HelpKind = Literal["elder", "disabled", "pregnant", "other"]
KINDS: tuple[str, ...] = ("elder", "disabled", "pregnant", "other")


@dataclass(frozen=True)
class HelpRequest:
    id: str
    terminal: str  # the kiosk that asked (where the person stands)
    kind: str
    ticket_id: str | None
    status: str  # open | answered
    requested_at: str
    answered_by: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Help:
    def __init__(self, core: Core) -> None:
        self._core = core

    def request(self, by: Actor, kind: str = "other",
                ticket_id: str | None = None) -> Outcome[HelpRequest]:
        core = self._core
        core.require(by, "help_request", "help_request")
        if kind not in KINDS:
            raise DomainError(f"a help request is one of {', '.join(KINDS)}",
                              code="bad_help_kind", params={"kind": kind})
        request_id = new_id()
        with core.write() as conn:
            core.emit(conn, EventType.HELP_REQUESTED, {
                "request_id": request_id, "kind": kind, "ticket_id": ticket_id,
                "at": core.now_iso()}, by)
        return core.outcome(self.get(request_id))

    def answer(self, by: Actor, request_id: str) -> Outcome[HelpRequest]:
        core = self._core
        core.require(by, "help_answer", "help_answer")
        current = self.get(request_id)
        if current.status != "open":
            raise DomainError(f"{current.answered_by or 'someone'} already took this request",
                              code="help_taken", params={"by": current.answered_by})
        with core.write() as conn:
            core.emit(conn, EventType.HELP_ANSWERED, {"request_id": request_id,
                                                      "at": core.now_iso()}, by)
        return core.outcome(self.get(request_id))

    def get(self, request_id: str) -> HelpRequest:
        row = self._core.conn.execute(
            "SELECT request_id, terminal_id, kind, ticket_id, status, requested_ms, answered_by "
            "FROM help_requests WHERE request_id = ?", (request_id,)).fetchone()
        if row is None:
            raise DomainError(f"no help request {request_id!r}", code="unknown_help")
        return self._view(row)

    def open(self) -> list[HelpRequest]:
        rows = self._core.conn.execute(
            "SELECT request_id, terminal_id, kind, ticket_id, status, requested_ms, answered_by "
            "FROM help_requests WHERE status = 'open' ORDER BY requested_ms").fetchall()
        return [self._view(r) for r in rows]

    def _view(self, row: tuple[Any, ...]) -> HelpRequest:
        return HelpRequest(row[0], row[1], row[2], row[3], row[4],
                           iso_of_ms(row[5], self._core.zone), row[6])
