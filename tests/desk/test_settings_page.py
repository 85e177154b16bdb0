"""大厅设置 on the desk (issue 25): a supervisor changes the hall's settings in the desk's dialog,
the desk's own sync brings the change to a real hub on 127.0.0.1, the hub signs it, and another
terminal of the hall runs the signed version; a clerk has no such button."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from hall.app import Hall
from sync import credential, runner
from tests.desk.conftest import add_accounts, member, run_sync, sign_in
from tests.desk.test_desk import _modal
from ui.app import Shell


def test_supervisor_changes_settings_and_another_terminal_runs_them(
        shell: Shell, make_desk, hub, tmp_path: Path, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from desk.settings_dialog import HallSettingsDialog
    from display.window import DisplayWindow
    from ui.bridge import HallBridge
    from ui.opening import face_opener

    desk_dir = member(hub, tmp_path / "desk", "D1")
    kiosk_dir = member(hub, tmp_path / "kiosk", "K1")
    screen_dir = member(hub, tmp_path / "screen", "S1")
    add_accounts(desk_dir, hub)
    # the call screen, synced in its process as `display` runs it
    screen_bridge = HallBridge(face_opener(screen_dir, "display"))
    with qtbot.waitSignal(screen_bridge.ready, timeout=20_000):
        screen_bridge.start()
    screen_stop = threading.Event()
    screen_bridge.start_sync(lambda: runner.run_forever(
        lambda: Hall.open(screen_dir), credential.load(screen_dir), screen_stop, wait=1.0,
        cap=1.0) and None, screen_stop.set)
    display = DisplayWindow(screen_bridge, None)
    display.resize(1920, 1080)
    display.show()
    desk = make_desk(desk_dir, hub=True)
    run_sync(desk.bridge, desk_dir)
    sign_in(qtbot, desk, "li", "3")
    assert not desk.work.settings_button.isVisible()  # a clerk's desk has none
    desk.sign_out()
    sign_in(qtbot, desk, "zhao", "3")
    qtbot.waitUntil(desk.work.settings_button.isVisible, timeout=5_000)

    def change(dialog: HallSettingsDialog) -> None:
        dialog.name.setText("十堰市民服务中心")
        dialog.idle.setValue(120)
        dialog.notices.setPlainText("今日延时服务至20:00")
        dialog.accept()

    _modal(qtbot, HallSettingsDialog, change)
    desk.work.settings_button.click()
    saved = time.monotonic()
    qtbot.waitUntil(lambda: desk.work.notice.isVisible(), timeout=10_000)
    # the call screen shows the hall's new name and its notice in the ticker
    qtbot.waitUntil(lambda: display.hall.text() == "十堰市民服务中心", timeout=20_000)
    qtbot.waitUntil(lambda: "今日延时服务至20:00" in display.ticker._whole, timeout=5_000)
    print(f"the call screen showed the new settings {time.monotonic() - saved:.2f} s after Save")
    assert display.grab().save(str(tmp_path / "display-settings.png"))  # looked at
    display.close()
    assert screen_bridge.stop()

    stop = threading.Event()
    kiosk_sync = threading.Thread(target=runner.run_forever, args=(
        lambda: Hall.open(kiosk_dir), credential.load(kiosk_dir), stop), kwargs={"wait": 1.0},
        daemon=True)
    kiosk_sync.start()
    try:
        with Hall.open(kiosk_dir) as kiosk:
            deadline = time.monotonic() + 20
            while kiosk.settings.current().version < 1:
                assert time.monotonic() < deadline, "the signed settings never reached K1"
                time.sleep(0.05)
            runs = kiosk.settings.current()
            assert runs.signed_by is not None and runs.signed_by.startswith("hub:")
            assert kiosk.config.kiosk_idle_s == 120
            assert kiosk.config.hall_name == "十堰市民服务中心"
            assert runs.settings["notices"] == ["今日延时服务至20:00"]
    finally:
        stop.set()
        kiosk_sync.join(20)
    with Hall.open(desk_dir) as own:  # the desk runs the hub's version too
        deadline = time.monotonic() + 20
        while own.settings.current().version < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
