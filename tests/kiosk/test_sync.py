"""The kiosk as a member of its hall: sync runs in the kiosk's process (the bridge's background
service), a 帮办 request reaches another terminal through the real hub on 127.0.0.1, and with
the hub gone the kiosk says so honestly and still gives valid numbers."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import sync_cmd
from devices.emulators import people
from hall.app import Hall
from hall.terminal_setup import setup_terminal
from sync import credential, runner
from sync.server import db
from sync.server.first_admin import hub_admin
from tests.kiosk.conftest import wait_for
from tests.sync.conftest import RunningServer

HALL = "SY-ZW01"


def _enrolled(folder: Path, terminal: str, hub: RunningServer) -> Path:
    setup_terminal(folder, HALL, terminal)
    code = db.new_enroll_code(hub.engine, HALL, terminal)
    sync_cmd.enroll(argparse.Namespace(data_dir=folder, server=hub.url, code=code,
                                       insecure=False, ca=None, replace_keys=False))
    return folder


def test_help_reaches_another_terminal_and_offline_numbers_stay_valid(
        make_kiosk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None))
    try:
        kiosk_dir = _enrolled(tmp_path / "kiosk", "K3", hub)
        desk_dir = _enrolled(tmp_path / "desk", "D1", hub)
        kiosk = make_kiosk(kiosk_dir, sync=True)
        w = kiosk.window
        assert kiosk.ctx.enrolled and kiosk.ctx.bridge.services.running() == ["sync"]
        kiosk.qtbot.waitUntil(lambda: w.sync_state is not None and w.sync_state.online,
                              timeout=20_000)
        assert not w.offline.isVisible()
        # 请求帮办 at the kiosk …
        kiosk.tap(w.home.help_button)
        kiosk.on(w.help)
        kiosk.tap(w.help.kind_buttons["elder"])
        kiosk.qtbot.waitUntil(lambda: w.help.sent.isVisible(), timeout=10_000)
        # … is seen at the desk, which pulls from the hub
        desk_cred = credential.load(desk_dir)
        with Hall.open(desk_dir) as desk:
            def seen() -> bool:
                runner.once(desk, desk_cred, wait=1.0)
                return any(r.terminal == "K3" and r.kind == "elder" for r in desk.help.open())

            assert wait_for(seen, timeout=30), "the desk never saw the kiosk's help request"
            request = next(r for r in desk.help.open() if r.terminal == "K3")
            # the hall's admin is made on the hub (an enrolled desk makes none of its own)
            clerk = hub_admin(hub.engine, desk, "admin1", "correct horse 1")
            clerk.help.answer(request.id)
            runner.once(desk, desk_cred)
        # the answer comes back to the kiosk through the hub: "on the way"
        kiosk.qtbot.waitUntil(lambda: "马上就到" in w.help.sent.text(), timeout=30_000)
        kiosk.tap(w.help.done_button)
        kiosk.on(w.home)
    finally:
        hub.stop()
    # the hub is gone: a small, honest status, and numbers still come
    kiosk.qtbot.waitUntil(lambda: w.offline.isVisible(), timeout=40_000)
    assert w.offline.text() == "离线，号码照常有效"
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles, timeout=10_000)
    kiosk.idle()
    kiosk.tap(w.services.tiles["newborn"])
    kiosk.on(w.confirm)
    kiosk.tap(w.confirm.ok)
    kiosk.on(w.ticket)
    number = w.ticket.number.text()
    assert number and number in kiosk.printed().text()
    with kiosk.hall() as hall:
        ticket = hall.tickets.get(number)
        assert ticket.terminal == "K3" and ticket.status == "waiting"
