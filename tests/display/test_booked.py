"""The call screen marks an appointment's ticket (预约, issue 26): the call being made and its
row in the last calls, read from a real store where a booked citizen checked in and was called
beside a walk-in."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from devices.emulators import people
from display.board import CallBoard
from display.state import read_due
from hall.actors import Actor
from hall.app import Hall
from hall.terminal_setup import setup_terminal
from ui.app import Shell

OP = Actor.operator("tests")


def test_a_booked_ticket_is_marked_on_the_screen(normal_mode: Shell, qtbot: QtBot,
                                                 tmp_path: Path) -> None:
    setup_terminal(tmp_path / "t", "SY-ZW01", "D1", standalone=True)
    wall = [datetime(2026, 12, 8, 9, 50, tzinfo=ZoneInfo("Asia/Shanghai"))]
    with Hall.open(tmp_path / "t", wall=lambda: wall[0]) as hall:
        read = hall.cards.read(OP, people.RESIDENT)
        hall.appointments.book_slot(OP, "retirement", "2026-12-08", "10:00", read.holder.key)
        other = hall.cards.read(OP, people.FOREIGN).holder.key
        hall.appointments.book_slot(OP, "retirement", "2026-12-08", "10:00", other)
        walk_in = hall.tickets.take(hall.kiosk(), "retirement").value
        due = read_due(hall.display_session())
        booked = hall.appointments.check_in_at(hall.kiosk(), read).value.ticket
        wall[0] = datetime(2026, 12, 8, 10, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
        first = hall.tickets.call_next(OP, "1").value
        hall.tickets.done(OP, first.id)
        hall.tickets.call_next(OP, "1")
        calls = hall.views.last_calls()
    assert {c.ticket_id: c.booked for c in calls} == {walk_in.id: False, booked.id: True}
    board = CallBoard("十堰市政务服务中心", [])
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    qtbot.waitExposed(board)
    board.show_last(calls)
    for call in calls:
        board.show_call(call)
        assert board.booked.isVisible() is call.booked
    board.show_call(next(c for c in calls if c.booked))
    rows = {r[0].text(): r[2].text() for r in board._last_rows if r[0].isVisible()}
    assert rows[booked.number] == "10:01 预约" and rows[walk_in.number] == "10:01"
    assert board.booked.text() == "预约"
    assert due == 2  # both 10:00 bookings, at 09:50, before either checked in
    board.show_due(due)
    assert board.due.isVisible() and board.due.text() == "半小时内将有 2 位预约群众到号"
    if os.environ.get("TINGDUAN_SCREENS"):
        qtbot.wait(100)
        board.grab().save(os.path.join(os.environ["TINGDUAN_SCREENS"], "display_booked.png"))
