"""How the kiosk behaves: idle reset forgets the card (with a countdown and 继续), out of paper
said before a number is taken, a device unplugged mid-flow, the maintenance panel behind the
hidden gesture and the technician PIN (locked out by the core), restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from devices.emulators import people
from tests.kiosk.conftest import ISSUER, PIN, Kiosk


def _texts(kiosk: Kiosk) -> str:
    return "\n".join(x.text() for x in kiosk.window.findChildren(QLabel))


def test_idle_goes_home_and_forgets_the_card(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk(idle_s=3, warning_s=2)
    w = kiosk.window
    kiosk.card(people.RESIDENT_ELDER)
    kiosk.on(w.services)
    assert w.visit.read is not None and w.theme.elder
    assert "欧***" in _texts(kiosk)
    kiosk.qtbot.waitUntil(lambda: w.countdown.isVisible(), timeout=10_000)
    assert "秒后返回首页" in w.countdown_text.text()
    kiosk.tap(w.continue_button)  # 继续: the person is still there
    assert not w.countdown.isVisible() and w.stack.currentWidget() is w.services
    kiosk.qtbot.waitUntil(lambda: w.countdown.isVisible(), timeout=10_000)
    kiosk.on(w.home, timeout=10_000)  # no touch this time
    assert w.visit.read is None and w.visit.service is None
    assert "欧***" not in _texts(kiosk) and "650102" not in _texts(kiosk)
    assert not w.theme.elder  # the card's elder mode ends with the visit
    assert not w.countdown.isVisible()


def test_elder_mode_by_hand_ends_with_the_visit(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    """Switched on by a citizen's tap, it is not the next citizen's; every text grows 1.5×
    (hints too), and the ticket says the priority on a line of its own."""
    kiosk = make_kiosk()
    w = kiosk.window
    normal = {k: w.theme.current.size(k) for k in ("text", "small", "heading", "title")}
    kiosk.tap(w.elder_button)
    assert w.theme.elder
    assert all(w.theme.current.size(k) >= 1.5 * v for k, v in normal.items())
    assert w.theme.current.color("muted") == w.theme.current.color("text")
    kiosk.card(people.RESIDENT_ELDER)
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles, timeout=10_000)
    kiosk.idle()
    kiosk.tap(w.services.tiles["newborn"])
    kiosk.on(w.confirm)
    kiosk.tap(w.confirm.ok)
    kiosk.on(w.ticket)
    assert w.ticket.service.text() == "新生儿出生“一件事”\n老年人优先"
    printed = kiosk.printed().text()
    assert "（老年人）" not in printed and "(老年人)" not in printed and "老年人优先" in printed
    kiosk.tap(w.ticket.ok)
    kiosk.on(w.home)
    assert not w.theme.elder  # the next citizen starts at the standard size


def test_a_person_still_acting_is_not_cut_off(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk(idle_s=2, warning_s=1)
    w = kiosk.window
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    kiosk.tap(w.services.keys_button)
    for char in "xsexsexsexs":  # typing slowly for longer than the timeout
        kiosk.tap(w.services.keyboard.keys[char.upper()])
        kiosk.qtbot.wait(300)
    assert w.stack.currentWidget() is w.services


def test_out_of_paper_is_said_before_taking_and_the_number_is_on_screen(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.printer.paper = "out"
    kiosk.qtbot.waitUntil(lambda: kiosk.ctx.devices.paper_out(), timeout=10_000)
    # before any number: the printer's state, not "your number is shown on the screen"
    kiosk.qtbot.waitUntil(lambda: "打印机：缺纸" in w.device_notes.text(), timeout=10_000)
    assert "屏幕" not in w.device_notes.text()
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles, timeout=10_000)
    kiosk.idle()
    kiosk.tap(w.services.tiles["newborn"])
    kiosk.on(w.confirm)
    assert w.confirm.paper.isVisible() and "打印机缺纸" in w.confirm.paper.text()
    assert not w.device_notes.isVisible()  # one message about the paper, not two banners
    kiosk.tap(w.confirm.ok)
    kiosk.on(w.ticket)
    assert w.ticket.number.text() and w.ticket.qr.matrix
    assert "打印机缺纸" in w.ticket.status_text()
    kiosk.qtbot.wait(500)
    assert kiosk.printer.tickets == [] and kiosk.printer.lost == 0  # nothing sent to no paper
    with kiosk.hall() as hall:
        assert hall.tickets.get(w.ticket.number.text()).status == "waiting"


def test_a_device_unplugged_mid_flow(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    kiosk.printer.unplug()  # the printer's cable, and the ID reader's, pulled out
    kiosk.id_reader.close()
    kiosk.qtbot.waitUntil(lambda: not kiosk.ctx.devices.state("id_reader").ready
                          and not kiosk.ctx.devices.state("printer").ready, timeout=15_000)
    kiosk.qtbot.waitUntil(lambda: "身份证读卡器：" in w.device_notes.text()
                          and "打印机：" in w.device_notes.text(), timeout=10_000)
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles, timeout=10_000)
    kiosk.idle()
    kiosk.tap(w.services.tiles["newborn"])
    kiosk.on(w.confirm)
    kiosk.tap(w.confirm.ok)
    kiosk.on(w.ticket)  # the number is still given, on screen with its QR
    assert w.ticket.number.text() and w.ticket.qr.matrix
    assert "打印机" in w.ticket.status_text()
    # the next person: the card reader is gone, a code still works
    kiosk.tap(w.ticket.ok)
    kiosk.tap(w.home.start)
    kiosk.on(w.identify)
    assert "身份证" not in w.identify.ways.text() and "身份码" in w.identify.ways.text()
    kiosk.scanner.scan(ISSUER.issue("测试甲乙", "990000198001010017"))
    kiosk.on(w.services)


def test_maintenance_behind_the_gesture_and_the_pin(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    for _ in range(5):
        kiosk.qtbot.mouseClick(w.hall_name, Qt.MouseButton.LeftButton)
    kiosk.on(w.maintenance)
    assert w.maintenance.pin_box.isVisible() and not w.maintenance.panel.isVisible()
    for digit in PIN:
        kiosk.tap(w.maintenance.digit_buttons[digit])
    kiosk.tap(w.maintenance.ok)
    kiosk.qtbot.waitUntil(lambda: w.maintenance.panel.isVisible(), timeout=10_000)
    panel = w.maintenance
    assert "身份证读卡器：正常" in panel.devices.text() and "打印机：正常" in panel.devices.text()
    assert "社保卡读卡器：未配置" in panel.devices.text()
    assert "本机独立运行" in panel.sync.text()
    kiosk.tap(panel.print_button)
    assert "测试打印" in kiosk.printed().text()
    kiosk.qtbot.waitUntil(lambda: kiosk.ctx.paper.printed == 1, timeout=10_000)
    kiosk.qtbot.waitUntil(lambda: "已打印 1 张" in panel.paper.text(), timeout=10_000)
    kiosk.tap(panel.paper_button)
    assert kiosk.ctx.paper.printed == 0 and "已打印 0 张" in panel.paper.text()
    with kiosk.qtbot.waitSignal(w.restart_requested, timeout=5_000):
        kiosk.tap(panel.restart_button)
    kiosk.tap(panel.leave_button)
    kiosk.on(w.home)


def test_wrong_pins_are_locked_out_by_the_core(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    w.hall_name.knocked.emit()
    kiosk.on(w.maintenance)
    seen = []
    pad = w.maintenance.digit_buttons["5"]
    kiosk.idle()
    kiosk.qtbot.wait(200)  # laid out
    where = pad.mapTo(w, pad.rect().topLeft())
    for _ in range(5):
        if not w.maintenance.ok.isEnabled():
            break  # locked out
        for digit in "111111":
            kiosk.tap(w.maintenance.digit_buttons[digit])
        kiosk.tap(w.maintenance.ok)
        kiosk.idle()
        seen.append(w.maintenance.pin_error.text())
        # the error is said on the pad: the keys stay where the finger is
        assert pad.mapTo(w, pad.rect().topLeft()) == where
    assert "口令" in seen[0] and not w.maintenance.panel.isVisible()
    assert not w.message.isVisible()
    # locked: the wait is shown and counted down, OK waits it out (the PIN is not checked)
    assert "秒后再试" in seen[-1] and not w.maintenance.ok.isEnabled()
    for digit in PIN:
        kiosk.tap(w.maintenance.digit_buttons[digit])
    kiosk.qtbot.wait(300)
    assert not w.maintenance.panel.isVisible()


def test_elder_mode_restyles_a_hidden_page_when_it_is_next_shown(make_kiosk, shell) -> None:  # type: ignore[no-untyped-def]
    """The switch restyles the header and the page shown at once and leaves the application's
    stylesheet alone (restyling every page stalled the kiosk 0.3–3.4 s in issue 29's soak); a
    page hidden meanwhile shows the elder style when it is next shown."""
    shell.theme.set_mode("normal")  # the session's theme: a test before may have left the
    shell.theme.apply()  # application's sheet in elder mode (`kiosk --elder` starts so)
    kiosk = make_kiosk()
    w = kiosk.window
    app_sheet = QApplication.instance().styleSheet()  # type: ignore[union-attr]
    normal, elder = (w.theme.tokens.for_mode(m).size("title") for m in ("normal", "elder"))
    assert w.home.title.font().pixelSize() == w.rate.title.font().pixelSize() == normal
    kiosk.tap(w.elder_button)
    assert w.theme.elder
    assert w.home.title.font().pixelSize() == elder  # the page shown, at once
    assert w.elder_button.font().pixelSize() == w.theme.current.size("button")  # the header
    assert w.rate.title.font().pixelSize() == normal  # hidden: nobody waits for it
    assert QApplication.instance().styleSheet() == app_sheet  # type: ignore[union-attr]
    kiosk.tap(w.home.rate_tile)
    kiosk.on(w.rate)
    assert w.rate.title.font().pixelSize() == elder
    kiosk.tap(w.elder_button)  # and back: the page shown at once again
    assert w.rate.title.font().pixelSize() == normal
    assert w.home.title.font().pixelSize() == elder  # until it is shown again
    kiosk.tap(w.home_button)
    kiosk.on(w.home)
    assert w.home.title.font().pixelSize() == normal
