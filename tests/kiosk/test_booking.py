"""预约 at the kiosk (issue 26): a person with a card books a later time from the confirmation
of a number; 预约签到 too early says when to come back, too late gives a walk-in's number and
says so. Real devices' emulators, the real bridge; screenshots with TINGDUAN_SCREENS."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from PySide6.QtWidgets import QPushButton

from devices.emulators import people
from tests.kiosk.conftest import OP, Kiosk


def _screen(kiosk: Kiosk, name: str) -> None:
    if os.environ.get("TINGDUAN_SCREENS"):
        kiosk.qtbot.wait(300)
        kiosk.window.grab().save(os.path.join(os.environ["TINGDUAN_SCREENS"], name))


def test_a_card_holder_books_a_later_time_instead_of_a_number(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: "retirement" in w.services.tiles, timeout=10_000)
    kiosk.idle()
    kiosk.tap(w.services.tiles["retirement"])
    kiosk.on(w.confirm)
    kiosk.tap(w.confirm.book_later)
    kiosk.on(w.book)
    tiles = lambda: [b for b in w.book.area.widget().findChildren(QPushButton)  # noqa: E731
                     if b.isVisible()]
    kiosk.qtbot.waitUntil(lambda: len(tiles()) == 12, timeout=10_000)
    assert w.book.service.text() == "退休“一件事”"
    first = tiles()[0].text()
    assert "剩余 3 个" in first, first  # 4 seats a slot, a quarter held for walk-ins
    _screen(kiosk, "kiosk_book_slots.png")
    kiosk.tap(tiles()[1])
    kiosk.qtbot.waitUntil(lambda: w.book.result.isVisible(), timeout=10_000)
    assert w.book.booked.text().startswith("已预约：退休“一件事”")
    assert "30 分钟" in w.book.booked_detail.text()
    _screen(kiosk, "kiosk_booked.png")
    with kiosk.hall() as hall:
        key = hall.cards.read(OP, people.RESIDENT).holder.key
        mine = [a for d in range(9) for a in hall.appointments.of_holder(
            key, (datetime.now(hall.core.zone) + timedelta(days=d)).date().isoformat())]
    assert len(mine) == 1 and mine[0].service == "retirement" and mine[0].status == "booked"
    assert mine[0].time in w.book.booked.text()
    kiosk.tap(w.book.done_button)
    kiosk.on(w.home)


def test_check_in_too_early_then_too_late(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    with kiosk.hall() as hall:
        admin = hall.accounts.add(None, "admin", "admin", "admin-pass-1").value
        # check-in from 30 min before; none after the slot's start: "late" is any time past it
        hall.settings.request(admin, {"booking": {"late_min": 0, "slot_min": 240}})
        key = hall.cards.read(OP, people.RESIDENT).holder.key
        now = datetime.now(hall.core.zone)
        slot = hall.appointments.slots("retirement", now.date().isoformat())
        running = next(s for s in slot if s.start <= now.strftime("%H:%M") < s.end)
        # a slot whose check-in (30 min before it) has not opened yet: "too early" for it
        # (a slot starting within the half hour would already take the check-in)
        soon = now + timedelta(minutes=31)
        later = [s for s in slot if s.start > now.strftime("%H:%M")
                 and soon.date() == now.date() and s.start > soon.strftime("%H:%M")]
        hall.appointments.book_slot(OP, "retirement", now.date().isoformat(), running.start, key)
    kiosk.tap(w.home.check_in_tile)
    kiosk.on(w.check_in)
    kiosk.card(people.RESIDENT)
    kiosk.on(w.ticket)
    kiosk.qtbot.waitUntil(lambda: w.message.isVisible(), timeout=10_000)
    assert f"您预约的 {running.start} 已过" in w.message.text(), w.message.text()
    with kiosk.hall() as hall:
        assert hall.tickets.get(w.ticket.number.text()).priority == "regular"
    _screen(kiosk, "kiosk_check_in_late.png")
    if not later:  # the day's last four hours: no later slot today to be early for
        return
    with kiosk.hall() as hall:
        hall.appointments.book_slot(OP, "retirement", now.date().isoformat(), later[0].start,
                                    key)
    kiosk.take_card_away()
    kiosk.tap(w.ticket.ok)
    kiosk.tap(w.home.check_in_tile)
    kiosk.on(w.check_in)
    kiosk.qtbot.wait(400)  # the reader sees the card gone
    kiosk.card(people.RESIDENT)
    kiosk.qtbot.waitUntil(lambda: w.message.isVisible(), timeout=10_000)
    opens = (datetime.strptime(later[0].start, "%H:%M") - timedelta(minutes=30)).strftime("%H:%M")
    assert opens in w.message.text() and "早" in w.message.text(), w.message.text()
    assert w.stack.currentWidget() is w.check_in


def test_the_booked_sentence_is_whole_on_a_small_screen_in_elder_mode(  # type: ignore[no-untyped-def]
        make_kiosk, shell) -> None:
    """Tried on a 1366×768 kiosk in elder mode: the sentence under 已预约 lost its last line
    (cut off at the frame's bottom) while the service's heading above repeated the service."""
    kiosk = make_kiosk(size=(1366, 768))
    w = kiosk.window
    shell.theme.set_mode("elder")
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: "retirement" in w.services.tiles, timeout=10_000)
    kiosk.idle()
    kiosk.tap(w.services.tiles["retirement"])
    kiosk.on(w.confirm)
    kiosk.tap(w.confirm.book_later)
    kiosk.on(w.book)
    tiles = lambda: [b for b in w.book.area.widget().findChildren(QPushButton)  # noqa: E731
                     if b.isVisible()]
    kiosk.qtbot.waitUntil(lambda: len(tiles()) > 1, timeout=10_000)
    kiosk.tap(tiles()[1])
    kiosk.qtbot.waitUntil(lambda: w.book.result.isVisible(), timeout=10_000)
    kiosk.qtbot.wait(100)  # the layout settles
    detail = w.book.booked_detail
    assert detail.height() >= detail.heightForWidth(detail.width()), (
        detail.height(), detail.heightForWidth(detail.width()), detail.text())
    frame = w.book.result.contentsRect()
    assert detail.geometry().bottom() <= frame.bottom()
    for b in (w.book.done_button, w.book.back_button):  # both within the window's reach
        assert b.isVisible() and w.rect().contains(b.mapTo(w, b.rect().bottomRight()))
    _screen(kiosk, "kiosk_booked_1366_elder.png")
