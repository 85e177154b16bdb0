"""预约签到: an appointment checked in by the applicant's card, its ticket issued."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.flows.base import (
    KioskBase,
    Taken,
)
from kiosk.qr import qr_matrix

if TYPE_CHECKING:
    from hall.cards import CardRead
    from hall.session import Session


def check_in_ticket(kiosk: Session, read: CardRead) -> Taken:
    """Too early is refused (`too_early` with when to come back); too late is a walk-in's
    number, and the page says so (`late_for`)."""
    done = kiosk.appointments.check_in_at(read).value
    slip = kiosk.slips.ticket_slip(done.ticket)
    return Taken(done.ticket, slip, qr_matrix(slip.qr_url),
                 late_for=done.appointment.time if done.late else None)


class CheckInFlow(KioskBase):
    """预约签到."""

    def start_check_in(self) -> None:
        self.visit.purpose = "checkin"
        self.devices.printer.check_now()
        self.go(self.check_in, self.check_in.instruction.text())
