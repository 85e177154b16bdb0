"""The kiosk's maintenance panel opened by a hall account (issue 25): an admin's user name and
password open it as the PIN does; a clerk's account and a wrong password are refused on the pad's
own error line and the panel stays shut."""

from __future__ import annotations

from pathlib import Path

from hall.app import Hall
from tests.kiosk.conftest import Kiosk

PW = "kiosk-admin-pass-1"


def _sign_in(kiosk: Kiosk, user: str, password: str) -> None:
    m = kiosk.window.maintenance
    m.user_field.setText(user)
    m.password_field.setText(password)
    kiosk.tap(m.account_button)


def test_an_admin_account_opens_the_maintenance_panel(make_kiosk, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    with Hall.open(data_dir) as hall:  # the hall's accounts, as every terminal hears them
        hall.first_admin("admin", PW).accounts.add("li", "clerk", PW)
    kiosk = make_kiosk()
    w = kiosk.window
    m = w.maintenance
    w.hall_name.knocked.emit()
    kiosk.on(m)
    assert not m.user_field.isVisible() and m.ok.isVisible()
    kiosk.tap(m.account_toggle)  # the account's form in the pad's place
    assert m.user_field.isVisible() and not m.ok.isVisible()
    _sign_in(kiosk, "li", PW)  # a clerk: not the panel
    kiosk.qtbot.waitUntil(lambda: bool(m.pin_error.text()), timeout=10_000)
    assert not m.panel.isVisible() and m.password_field.text() == ""
    forbidden = m.pin_error.text()
    _sign_in(kiosk, "admin", "not-the-password")
    kiosk.qtbot.waitUntil(lambda: m.pin_error.text() != forbidden, timeout=10_000)
    assert not m.panel.isVisible()
    _sign_in(kiosk, "admin", PW)
    kiosk.qtbot.waitUntil(lambda: m.panel.isVisible(), timeout=10_000)
    assert m.pin_error.text() == "" and "本机独立运行" in m.sync.text()
    kiosk.tap(m.leave_button)
    kiosk.on(w.home)
    with Hall.open(data_dir) as hall:
        entries = [e for e in hall.sign_in("admin", PW).accounts.audit_trail(limit=50)
                   if e["action"] == "maintenance_sign_in"]
    assert [(e["actor"], e["role"], e["outcome"]) for e in entries] == [
        ("admin", "technician", "ok"), ("admin", "technician", "wrong_secret"),
        ("li", "technician", "ok")]


def test_the_pin_pad_keeps_its_keys_apart_on_a_small_screen_in_elder_mode(  # type: ignore[no-untyped-def]
        make_kiosk, shell) -> None:
    """Tried on a 1366×768 kiosk in elder mode: the pad's four rows did not fit under the
    title, so its keys were drawn over each other and 删除/0/确定 were cut off. Now the pad
    scrolls: no key covers another or hides under the scroll bar, and each can be reached."""
    from PySide6.QtCore import QRect

    shell.theme.set_mode("elder")  # as `kiosk --elder` starts: elder sizes before the page shows
    kiosk = make_kiosk(size=(1366, 768))
    w = kiosk.window
    m = w.maintenance
    w.hall_name.knocked.emit()
    kiosk.on(m)
    kiosk.qtbot.wait(100)  # the layout settles
    keys = [*m.digit_buttons.values(), m.ok]
    boxes = {b.text(): QRect(b.mapTo(m.pin_box, b.rect().topLeft()), b.size()) for b in keys}
    for a, box_a in boxes.items():
        for b, box_b in boxes.items():
            assert a == b or not box_a.intersects(box_b), (a, box_a, b, box_b)
    view = m.pin_scroll.viewport()
    bar = m.pin_scroll.verticalScrollBar()
    for b in keys:
        m.pin_scroll.ensureWidgetVisible(b)
        kiosk.qtbot.wait(10)
        right = b.mapTo(view, b.rect().bottomRight())
        assert view.rect().contains(right), (b.text(), right, view.rect())
        assert not bar.isVisible() or b.mapTo(m, b.rect().topRight()).x() < \
            bar.mapTo(m, bar.rect().topLeft()).x(), (b.text(), "under the scroll bar")
    kiosk.tap(m.digit_buttons["7"])
    assert m.pin_field.text() == "7"
