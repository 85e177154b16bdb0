"""预约 at the kiosk: from the confirmation of a number (today's wait is long), the person books a
later slot for the card they hold; the hall counts the seat as any booking's (through the hub
on a member terminal, so a slot is never sold twice)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.flows.base import KioskBase

if TYPE_CHECKING:
    from hall.appointments import Appointment, SlotView
    from hall.cards import CardRead
    from hall.session import Session


def open_slots(kiosk: Session, service_id: str) -> list[tuple[str, SlotView]]:
    return kiosk.appointments.open_slots(service_id)


def book_own(kiosk: Session, service_id: str, day: str, time: str, read: CardRead
             ) -> tuple[Appointment, int]:
    booked = kiosk.appointments.book_own(service_id, day, time, read).value
    return booked, kiosk.settings.booking().early_min


class BookingFlow(KioskBase):
    """预约 a later time."""

    def start_booking(self) -> None:
        service = self.visit.service
        if service is None or self.visit.read is None:
            return
        self.visit.purpose = "book"
        name = service.name
        self.call(lambda kiosk: open_slots(kiosk, service.id),
                  lambda slots: self._slots(name, slots), hold="lookup")

    def back_from_booking(self) -> None:
        if self.visit.service is not None:
            self.visit.purpose = "take"
            self.choose(self.visit.service.id)  # type: ignore[attr-defined]  # TakeFlow's
        else:
            self.go_home()  # type: ignore[attr-defined]

    def _slots(self, name: str, slots: list[tuple[str, SlotView]]) -> None:
        self.book.show_slots(name, slots)
        self.go(self.book, self.book.instruction.text())

    def book_slot(self, day: str, time: str) -> None:
        service, read = self.visit.service, self.visit.read
        if service is None or read is None:
            return
        name = service.name
        self.call(lambda kiosk: book_own(kiosk, service.id, day, time, read),
                  lambda got: self._booked(name, *got), on_error=self._book_failed,
                  hold="taking")

    def _booked(self, name: str, booked: Appointment, early_min: int) -> None:
        self.book.show_booked(booked, name, early_min)
        self.guide.say(self.book.booked.text())  # said in every mode, as a number is
        self.finished()

    def _book_failed(self, error: object) -> None:
        self.show_error(error)
        self.start_booking()  # the slots again, as they are now (a seat taken meanwhile)
