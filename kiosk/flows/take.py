"""取号: who the person is (a card, a code, or no ID), a service, the confirmation, the ticket
printed and said.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from devices.escpos.layout import slip_layout
from hall.errors import HallError
from kiosk.flows.base import (
    KioskBase,
    Taken,
)
from kiosk.qr import qr_matrix

if TYPE_CHECKING:
    from hall.cards import CardRead
    from hall.catalog import Service
    from hall.session import Session


def take_ticket(kiosk: Session, service_id: str, read: CardRead | None) -> Taken:
    """The hall decides the priority: a card at or past its elder age gives 老年人 by itself."""
    ticket = kiosk.tickets.take(service_id, card=read).value
    slip = kiosk.slips.ticket_slip(ticket)
    return Taken(ticket, slip, qr_matrix(slip.qr_url))


class TakeFlow(KioskBase):
    """取号."""

    def start_take(self) -> None:
        self.visit.purpose = "take"
        self.identify.set_ways(self._ways())
        self.devices.printer.check_now()
        self.go(self.identify, self.identify.instruction.text())

    def _ways(self) -> list[str]:
        ways = []
        if self.devices.state("id_reader").ready:
            ways.append(self.tr("ID card"))
        if self.devices.state("sscard_reader").ready:
            ways.append(self.tr("social security card"))
        scanner = self.devices.state("scanner")
        if scanner.ready or (not scanner.configured and self.devices.wedge is not None):
            ways.append(self.tr("ID code or enterprise code"))
        return ways

    def start_no_id(self) -> None:
        self.visit.purpose = "take"
        self.visit.no_id = True
        self.visit.read = None
        if self.visit.service is not None and self.visit.service.no_id:
            self.choose(self.visit.service.id)
            return
        self.visit.service = None
        self.show_services()

    def show_services(self) -> None:
        self.services.set_who(self.visit.read, self.visit.no_id)
        self.search(self.services.search.text())
        self.go(self.services, self.services.title.text())

    def search(self, query: str) -> None:
        no_id = self.visit.no_id and self.visit.purpose == "take"
        self.call(lambda kiosk: kiosk.catalog.search(query, no_id=no_id),
                  lambda found: self.services.set_services(found, self.board))

    def back_to_services(self) -> None:
        self.visit.service = None
        self.show_services()

    def choose(self, service_id: str) -> None:
        self.devices.printer.check_now()

        def look(kiosk: Session) -> tuple[Service, str, Any, Any]:
            service = kiosk.catalog.get(service_id)
            return (service, kiosk.catalog.series.get(service.series, ""),
                    kiosk.views.waiting().service(service_id),
                    kiosk.settings.standing(service.id))

        self.call(look, self._chosen)

    def _chosen(self, got: tuple[Service, str, Any, Any]) -> None:
        service, group, waiting, standing = got
        self.visit.service = service
        if self.visit.purpose == "notice":
            self.notice.show_service(service, group)
            self.go(self.notice, self.tr("These are the materials and conditions of {service}.")
                    .format(service=service.name))
            return
        if self.visit.read is None and not (self.visit.no_id and service.no_id):
            self.identify.set_ways(self._ways())
            self.go(self.identify, self.identify.instruction.text())
            return
        read = self.visit.read
        priority = self.tr("Senior citizen first") if read is not None and read.elder else None
        self.confirm.show_choice(service, group, waiting, read, priority,
                                 self.devices.paper_out())
        self._closing_warning(waiting, standing)
        self.confirm.ok.setEnabled(True)
        # 预约 a later time: for a person with a card (the booking is kept by it)
        self.confirm.book_later.setVisible(read is not None)
        count = waiting.count if waiting else 0
        say = self.tr("{service}. {count} people are waiting. Tap the button to take the "
                      "number.").format(service=service.name, count=count)
        if self.devices.paper_out():
            say = self.confirm.paper.text() + " " + say
        self.go(self.confirm, say)

    def _closing_warning(self, waiting: Any, standing: Any) -> None:
        """Near closing: the expected wait passes the closing time — said before the number is
        taken, so nobody waits for a call that will not come today."""
        if standing is None or standing.closes_at is None or waiting is None:
            return
        from datetime import timedelta

        done_by = datetime.now(standing.closes_at.tzinfo) + timedelta(
            seconds=waiting.expected_wait_s)
        if done_by > standing.closes_at:
            self.confirm.wait.setText(self.confirm.wait.text() + " " + self.tr(
                "The hall closes at {time}: you may not be served today.").format(
                time=standing.closes_at.strftime("%H:%M")))

    def take(self) -> None:
        service = self.visit.service
        if service is None:
            return
        self.confirm.ok.setEnabled(False)  # one tap, one number
        read = self.visit.read
        self.call(lambda kiosk: take_ticket(kiosk, service.id, read), self._taken,
                  on_error=self._take_failed, hold="taking")

    def _take_failed(self, error: HallError) -> None:
        self.confirm.ok.setEnabled(True)
        self.show_error(error)

    def _taken(self, taken: Taken) -> None:
        self.visit.ticket = taken.ticket
        self.ticket.show_ticket(taken.ticket, taken.slip, taken.qr)
        printer = self.devices.printer
        if self.devices.config.get("printer") and printer.state.state in ("idle", "printing",
                                                                           "unknown"):
            token = printer.print_layout(slip_layout(taken.slip), kind="ticket")
            self._prints[token] = "ticket"
            self.idle.hold("printing")
            self.ticket.set_status(self.tr("Printing your ticket…"), ok=True)
        else:
            self.ticket.set_status(self._no_print_text(printer.state))
        self.go(self.ticket)
        spoken = self.tr("Your number is {number}. Please wait for the call.").format(
            number=self.guide.spoken_number(taken.slip.number))
        if taken.late_for is not None:  # 预约签到 after the window: said plainly, not hidden
            late = self.tr("Your booked time {time} has passed, so this is a number in the "
                           "queue without a booking.").format(time=taken.late_for)
            self.show_note(late)
            spoken = late + " " + spoken
        self.guide.say(spoken)  # the number is said in every mode
        self.finished()
