"""预约签到: an appointment checked in by the applicant's card, its ticket issued."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.flows.base import (
    KioskBase,
    Taken,
)
from kiosk.qr import qr_matrix

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.cards import CardRead


def check_in_ticket(hall: Hall, read: CardRead) -> Taken:
    ticket = hall.kiosk_session().appointments.check_in(read).value
    slip = hall.ticket_slip(ticket)
    return Taken(ticket, slip, qr_matrix(slip.qr_url))


class CheckInFlow(KioskBase):
    """预约签到."""

    def start_check_in(self) -> None:
        self.visit.purpose = "checkin"
        self.devices.printer.check_now()
        self.go(self.check_in, self.check_in.instruction.text())
