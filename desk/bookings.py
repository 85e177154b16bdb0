"""预约 at the desk (issue 26): today's bookings of the hall with those due in the next half hour
first, a booked applicant checked in by the card read at the desk (a ticket at the
appointment's priority, or a walk-in's when too late), and the next visit booked at the counter
(补交, 补正, a second matter) for that card. Only the slot, matter and state are shown: a booking
keeps no name or number, only the card's keyed hash.

`BookingsPanel` only shows; `DeskBookings` acts through the bridge as the signed-in clerk and
runs the desk's no-show clock (ui/booking_clock.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ui import messages
from ui.booking_clock import NoShowClock
from ui.parts import button, card_layout, label, restyle

if TYPE_CHECKING:
    from hall.appointments import Appointment, CheckIn, SlotView
    from hall.cards import CardRead
    from hall.catalog import Service
    from hall.session import Session
    from ui.bridge import HallBridge

DUE_MIN = 30  # "due in the next half hour"


@dataclass(frozen=True)
class BookingsState:
    day: str
    today: tuple[Appointment, ...]
    due: frozenset[str]  # ids due in the next half hour


def read_bookings(session: Session) -> BookingsState:
    """The day's bookings as the hall's timetable shows them (any session reads it)."""
    day = session.today()
    return BookingsState(day, tuple(session.appointments.on_day(day)),
                         frozenset(a.id for a in session.appointments.due(DUE_MIN)))


class BookingsPanel(QFrame):
    check_in = Signal()
    cancel = Signal(str)  # an appointment id: a clerk cancels it (the citizen asked)
    book = Signal(str, str, str)  # service, day, time
    slots_wanted = Signal(str, str)  # service, day
    refresh = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = card_layout(self)
        head = QHBoxLayout()
        self.title = label(self.tr("Today's bookings"), "heading")
        self.summary = label("", "muted")
        self.refresh_button = button(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        head.addWidget(self.title)
        head.addWidget(self.summary, 1)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Matter"),
                                              self.tr("State"), self.tr("Due soon")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.check_in_button = button(self.tr("Check in the card read"), "primary")
        self.check_in_button.clicked.connect(self.check_in)
        self.cancel_button = button(self.tr("Cancel the chosen booking"))
        self.cancel_button.clicked.connect(self._cancel)
        actions = QHBoxLayout()
        actions.addWidget(self.check_in_button, 2)
        actions.addWidget(self.cancel_button, 1)
        layout.addLayout(actions)
        self._ids: list[str] = []  # the table's rows' appointment ids
        layout.addWidget(label(self.tr("Book the next visit for the card read"), "heading"))
        form = QHBoxLayout()
        self.service = QComboBox()
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.slot = QComboBox()
        self.book_button = button(self.tr("Book"), "primary")
        form.addWidget(self.service, 2)
        form.addWidget(self.day, 1)
        form.addWidget(self.slot, 1)
        form.addWidget(self.book_button)
        layout.addLayout(form)
        self.message = label("", "status-ok", wrap=True)
        self.message.hide()
        layout.addWidget(self.message)
        self.service.currentIndexChanged.connect(lambda _i: self._want_slots())
        self.day.dateChanged.connect(lambda _d: self._want_slots())
        self.book_button.clicked.connect(self._book)
        self._names: dict[str, str] = {}

    def set_services(self, services: Sequence[Service], today: date) -> None:
        self.service.blockSignals(True)
        self.service.clear()
        for s in services:
            self.service.addItem(s.name, s.id)
            self._names[s.id] = s.name
        self.service.blockSignals(False)
        self.day.setMinimumDate(QDate(today.year, today.month, today.day))
        tomorrow = today + timedelta(days=1)
        self.day.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        self._want_slots()

    def _want_slots(self) -> None:
        service = self.service.currentData()
        if service:
            self.slots_wanted.emit(str(service), self.day.date().toString("yyyy-MM-dd"))

    def show_slots(self, slots: Sequence[SlotView]) -> None:
        self.slot.clear()
        for s in slots:
            free = s.capacity - s.booked
            self.slot.addItem(self.tr("{start} ({free} left)").format(start=s.start, free=free),
                              s.start)
            if free <= 0:  # full: listed, not chosen
                item = self.slot.model().item(self.slot.count() - 1)  # type: ignore[attr-defined]
                item.setEnabled(False)
        self.book_button.setEnabled(any(s.booked < s.capacity for s in slots))

    def _cancel(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._ids):
            self.cancel.emit(self._ids[row])

    def _book(self) -> None:
        service, time = self.service.currentData(), self.slot.currentData()
        if service and time:
            self.book.emit(str(service), self.day.date().toString("yyyy-MM-dd"), str(time))

    def show_state(self, state: BookingsState) -> None:
        states = {"booked": self.tr("Booked"), "checked_in": self.tr("Checked in"),
                  "late": self.tr("Came late"), "no_show": self.tr("No-show"),
                  "cancelled": self.tr("Cancelled")}
        rows = sorted(state.today, key=lambda a: (a.id not in state.due, a.slot_at))
        self.table.setRowCount(len(rows))
        self._ids = [a.id for a in rows]
        for r, a in enumerate(rows):
            cells = (a.time, self._names.get(a.service, a.service), states.get(a.status, a.status),
                     self.tr("Due soon") if a.id in state.due else "")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.summary.setText(self.tr("{n} booked, {due} due in the next half hour").format(
            n=sum(1 for a in state.today if a.status != "cancelled"), due=len(state.due)))

    def say(self, text: str, role: str = "status-ok") -> None:
        restyle(self.message, role)
        self.message.setText(text)
        self.message.setVisible(bool(text))


class DeskBookings(QObject):
    """The desk's 预约: the panel's actions as the signed-in clerk, and the no-show clock."""

    # the signed-in clerk's session as desk/window.py holds it (None: no one signed in)
    def __init__(self, panel: BookingsPanel, bridge: HallBridge,
                 session: Callable[[], Session | None],
                 read: Callable[[], CardRead | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel, self.bridge, self._session, self._read = panel, bridge, session, read
        self.clock = NoShowClock(bridge, session, self)
        self.clock.swept.connect(self._swept)
        panel.refresh.connect(self.refresh)
        panel.check_in.connect(self.check_in)
        panel.cancel.connect(self.cancel)
        panel.book.connect(self.book)
        panel.slots_wanted.connect(self.load_slots)

    def _swept(self, swept: Any) -> None:
        if swept.missed:
            self.refresh()

    def start(self, services: Sequence[Service]) -> None:
        self.bridge.submit(lambda viewer: date.fromisoformat(viewer.today()),
                           lambda today: self.panel.set_services(services, today), self._error)
        self.clock.start()
        self.refresh()

    def stop(self) -> None:
        self.clock.stop()

    def changed(self, changes: Any) -> None:
        if changes.appointments or changes.tickets:
            self.clock.poke()
            self.refresh()

    def refresh(self) -> None:
        self.bridge.submit(read_bookings, self.panel.show_state, self._error)

    def load_slots(self, service: str, day: str) -> None:
        self.bridge.submit(lambda viewer: viewer.appointments.slots(service, day), self.panel.show_slots,
                           self._error)

    def _need_read(self) -> CardRead | None:
        read = self._read()
        if read is None:
            self.panel.say(self.tr("Read the applicant's card or code first."), "error")
        return read

    def check_in(self) -> None:
        read = self._need_read()
        if read is None:
            return
        session = self._session()
        if session is None:
            return
        self.bridge.submit(lambda _viewer: session.appointments.check_in_at(read).value,
                           self._checked_in, self._error)

    def _checked_in(self, done: CheckIn) -> None:
        if done.late:
            self.panel.say(self.tr("The {time} booking is past its check-in window: number "
                                   "{number} is a walk-in's.").format(
                time=done.appointment.time, number=done.ticket.number), "notice")
        else:
            self.panel.say(self.tr("Checked in for {time}: number {number}, called as "
                                   "booked.").format(time=done.appointment.time,
                                                     number=done.ticket.number))
        self.refresh()

    def cancel(self, appointment_id: str) -> None:
        session = self._session()
        if session is None:
            return
        self.bridge.submit(lambda _viewer: session.appointments.cancel(appointment_id).value,
                           self._cancelled, self._error)

    def _cancelled(self, done: Appointment) -> None:
        self.panel.say(self.tr("The {time} booking is cancelled.").format(time=done.time))
        self.refresh()

    def book(self, service: str, day: str, time: str) -> None:
        read = self._need_read()
        if read is None:
            return
        session = self._session()
        if session is None:
            return
        key = read.holder.key
        self.bridge.submit(
            lambda _viewer: session.appointments.book_slot(service, day, time, key).value,
            self._booked, self._error)

    def _booked(self, booked: Appointment) -> None:
        self.panel.say(self.tr("Booked: {day} {time}.").format(day=booked.day,
                                                               time=booked.time))
        self.load_slots(booked.service, booked.day)
        self.refresh()

    def _error(self, error: Any) -> None:
        self.panel.say(messages.for_error(error), "error")
