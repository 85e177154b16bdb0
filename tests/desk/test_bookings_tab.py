"""预约 at the desk (issue 26): today's bookings with those due in the next half hour, a booked
applicant checked in by the card read at the desk, the next visit booked at the counter, and
the no-show clock started at sign-in recording a booking whose window has closed."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from devices.emulators import people
from hall.actors import Actor
from hall.app import Hall
from tests.desk.conftest import PASSWORD, add_accounts, sign_in
from ui.app import Shell

OP = Actor.operator("tests")


def _cells(desk: object) -> list[list[str]]:
    table = desk.work.bookings.table  # type: ignore[attr-defined]
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_desk_bookings_check_in_book_and_no_show_clock(shell: Shell, make_desk, data_dir: Path,
                                                       qtbot: QtBot) -> None:
    add_accounts(data_dir)
    with Hall.open(data_dir) as hall:
        admin = hall.accounts.sign_in("admin", PASSWORD)
        # slots of 4 hours, no check-in after a slot's start: the running one is missed at once
        hall.settings.request(admin, {"booking": {"late_min": 0, "slot_min": 240,
                                                  "early_min": 240}})
        now = datetime.now(hall.core.zone)
        today = now.date().isoformat()
        slots = hall.appointments.slots("retirement", today)
        running = next(s for s in slots if s.start <= now.strftime("%H:%M") < s.end)
        later = [s for s in slots if s.start > now.strftime("%H:%M")]
        gone_key = hall.cards.read(OP, people.RESIDENT_ELDER).holder.key
        gone = hall.appointments.book_slot(OP, "retirement", today, running.start, gone_key).value
        if later:  # due soon only when the next slot starts within the half hour: it may not
            mine = hall.appointments.book_slot(
                OP, "retirement", today, later[0].start,
                hall.cards.read(OP, people.RESIDENT).holder.key).value
    desk = make_desk(data_dir)
    sign_in(qtbot, desk, "li", "3")
    # the clock's first sweep at sign-in: the running slot's booking is a no-show now
    qtbot.waitUntil(lambda: any(row[2] == "未到" for row in _cells(desk)), timeout=10_000)
    with Hall.open(data_dir) as hall:
        assert hall.appointments.get(gone.id).status == "no_show"
    panel = desk.work.bookings
    desk.work.tabs.setCurrentWidget(panel)
    if later:
        assert desk.bookings.clock.next_in_ms > 0  # asleep until the next window closes
        # check in by the card read at the desk: an appointment's number (4 h early is open)
        desk.card_presented(people.RESIDENT)
        qtbot.waitUntil(lambda: desk.read is not None, timeout=10_000)
        desk.work.tabs.setCurrentWidget(panel)
        panel.check_in_button.click()
        qtbot.waitUntil(lambda: "已签到" in panel.message.text(), timeout=10_000)
        with Hall.open(data_dir) as hall:
            assert hall.appointments.get(mine.id).status == "checked_in"
            ticket = hall.tickets.get(hall.appointments.get(mine.id).ticket_id or "")
            assert ticket.priority == "appointment"
    else:
        desk.card_presented(people.RESIDENT)
        qtbot.waitUntil(lambda: desk.read is not None, timeout=10_000)
        desk.work.tabs.setCurrentWidget(panel)
    # the next visit, booked at the counter for the card read: tomorrow's first slot
    qtbot.waitUntil(lambda: panel.slot.count() > 0, timeout=10_000)
    index = panel.service.findData("retirement")
    panel.service.setCurrentIndex(index)
    qtbot.waitUntil(lambda: panel.slot.count() > 0 and panel.book_button.isEnabled(),
                    timeout=10_000)
    panel.book_button.click()
    qtbot.waitUntil(lambda: panel.message.text().startswith("已预约"), timeout=10_000)
    tomorrow = (now + timedelta(days=1)).date().isoformat()
    with Hall.open(data_dir) as hall:
        key = hall.cards.read(OP, people.RESIDENT).holder.key
        booked = hall.appointments.of_holder(key, tomorrow)
    assert [(a.service, a.time) for a in booked] == [("retirement", "00:00")]
    if later:  # a clerk cancels a booking the citizen gives up (today's list: the open one)
        with Hall.open(data_dir) as hall:
            spare = hall.appointments.book_slot(
                OP, "retirement", today, later[-1].start,
                hall.cards.read(OP, people.FOREIGN).holder.key).value
        panel.refresh_button.click()
        qtbot.waitUntil(lambda: spare.id in panel._ids, timeout=10_000)
        panel.table.selectRow(panel._ids.index(spare.id))
        panel.cancel_button.click()
        qtbot.waitUntil(lambda: "已取消" in panel.message.text(), timeout=10_000)
        with Hall.open(data_dir) as hall:
            assert hall.appointments.get(spare.id).status == "cancelled"
    if os.environ.get("TINGDUAN_SCREENS"):
        qtbot.wait(200)
        desk.grab().save(os.path.join(os.environ["TINGDUAN_SCREENS"], "desk_bookings.png"))
