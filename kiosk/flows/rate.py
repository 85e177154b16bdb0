"""好差评: a visit rated by its ticket's number or QR; a bad grade asks why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hall.errors import HallError
from kiosk.flows.base import (
    KioskBase,
)

if TYPE_CHECKING:
    from hall.ticket_views import TicketView


class RateFlow(KioskBase):
    """好差评."""

    def rate_hint(self) -> str:
        return self.tr("To rate a visit, enter the number on your ticket or scan the QR code "
                       "on the ticket.")

    def start_rate(self) -> None:
        self.visit.purpose = "rate"
        self.rate.reset()
        self.go(self.rate, self.rate.instruction.text())

    def rate_ticket(self, number: str) -> None:
        self.call(lambda kiosk: kiosk.tickets.get(number), self._rate_found)

    def _rate_found(self, ticket: TicketView) -> None:
        self.visit.rate_ticket = ticket.id
        self.rate.ask_grade(ticket.number)
        self.guide_step(self.rate.instruction.text())

    def grade(self, grade: int) -> None:
        if grade <= 2:
            self.visit.grade = grade
            self.rate.ask_reasons()
            self.guide_step(self.rate.instruction.text())
            return
        self._send_rating(grade, [])

    def send_reasons(self, reasons: list[str]) -> None:
        self._send_rating(self.visit.grade or 2, reasons)

    def _send_rating(self, grade: int, reasons: list[str]) -> None:
        ticket = self.visit.rate_ticket
        if ticket is None:
            return
        # the fixed reasons as the rating's reasons (plain, counted), not as typed text
        chosen = list(reasons)
        self.call(lambda kiosk: kiosk.ratings.rate(ticket, grade,
                                                                 reasons=chosen).value,
                  self._rated, on_error=self._rate_failed)

    def _rated(self, _rating: object) -> None:
        self.rate.thanks()
        self.guide_step(self.rate.instruction.text())
        self.finished()

    def _rate_failed(self, error: HallError) -> None:
        self.rate.reset()
        self.show_error(error)
