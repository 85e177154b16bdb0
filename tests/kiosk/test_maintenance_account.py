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
