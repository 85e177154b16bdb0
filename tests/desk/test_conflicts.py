"""Conflicts sync finds, told to the clerk on the desk as soon as sync records them: two desks and
a real hub on 127.0.0.1, one desk behind a fault proxy that cuts it off.

- A call made offline that clashes with the hub's choice for another window (both hold A001):
  each desk is told, by the ticket's label and the other window, once its sync (from the hub,
  or from the other desk as a peer) has pulled the other call — through the store's change
  notification, not the 2 s status refresh (stopped here), with the time in the hall's timezone.
- A number two stand-alone stations issued before they joined the hub (A001 twice): the desk
  is told both labels, A001 and A001·S2, as sync status lists them (`conflicts`, kind number).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hall.app import Hall
from hall.terminal_setup import setup_terminal
from sync import credential, local
from sync.client import SyncClient
from tests.desk.conftest import add_accounts, member, repoint, run_sync, sign_in
from tests.desk.test_hub import kiosk_takes
from tests.sync.faultproxy import FaultProxy
from ui.app import Shell


def _press(qtbot: QtBot, desk, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """A key on this desk's window (two desks in one process: the one the clerk looks at)."""
    desk.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk, timeout=5_000)
    QTest.keyClick(desk, key)


def _quiet_status(desk) -> None:  # type: ignore[no-untyped-def]
    """Only the change notification may bring the news (no periodic status read)."""
    desk._status_timer.stop()
    desk._status_timer.setInterval(3_600_000)


def test_an_offline_call_clash_is_told_on_both_desks(shell: Shell, make_desk, hub,
                                                     tmp_path: Path, qtbot: QtBot) -> None:
    kiosk = member(hub, tmp_path / "kiosk", "K1")
    one_dir = member(hub, tmp_path / "desk1", "D1")
    two_dir = member(hub, tmp_path / "desk2", "D2")
    for folder in (one_dir, two_dir):
        add_accounts(folder, hub)
    kiosk_takes(kiosk, 2)
    with FaultProxy(hub.port) as proxy:
        repoint(two_dir, proxy.url)  # desk 2 reaches the hub only through the proxy
        one, two = make_desk(one_dir, hub=True), make_desk(two_dir, hub=True)
        run_sync(one.bridge, one_dir)
        run_sync(two.bridge, two_dir)
        sign_in(qtbot, one, "li", "1")
        sign_in(qtbot, two, "li", "2")
        for desk in (one, two):
            qtbot.waitUntil(lambda d=desk: [t.number for t in d.queue_state.upcoming]
                            == ["A001", "A002"], timeout=20_000)
            _quiet_status(desk)
        told: dict[str, float] = {}
        one.conflicts_told.connect(lambda _c: told.setdefault("1", time.monotonic()))
        two.conflicts_told.connect(lambda _c: told.setdefault("2", time.monotonic()))

        proxy.down = True  # desk 2 is cut off from the hub
        _press(qtbot, two, Qt.Key.Key_F1)  # calls from what it knows: A001, locally
        qtbot.waitUntil(lambda: two.current() is not None, timeout=20_000)
        assert two.current().number == "A001"
        # without the hub: by the peers' rule (desk 1 answers as a peer on loopback and grants
        # it: it has not called A001), or alone where no peer list was heard yet; either way the
        # clerk is told the number called (the hub's decision on desk 1 below does not consult
        # the grant: the clash is told on both desks, as a split LAN's is)
        assert "A001" in two.work.notice.text()
        assert not told and not one.work.conflicts_button.isVisible()  # no clash yet
        _press(qtbot, one, Qt.Key.Key_F1)  # the hub knows nothing of it: A001 again
        qtbot.waitUntil(lambda: one.current() is not None, timeout=20_000)
        assert one.current().number == "A001"

        # From here either desk may be told first: desk 2 can pull desk 1's call from desk 1 as
        # a peer on loopback while the hub is still cut off; the rest once the link is back.
        clash = time.monotonic()
        proxy.down = False  # desk 2's sync pushes its call and pulls desk 1's
        qtbot.waitUntil(lambda: len(told) == 2, timeout=60_000)
    print(f"\nthe clash told on desk 1 {1000 * (told['1'] - clash):.0f} ms and on desk 2 "
          f"{1000 * (told['2'] - clash):.0f} ms after desk 1's call")

    for desk in (one, two):
        conflicts = desk.queue_state.sync.conflicts
        assert [(c.kind, c.ticket) for c in conflicts] == [("call", "A001")]
        notice = desk.work.notice.text()
        assert desk.work.notice.isVisible() and "A001" in notice and "两个窗口" in notice
        assert desk.work.conflicts_button.isVisible()
        assert desk.work.conflicts_button.text() == "1个冲突"
        with Hall.open(desk.options.data_dir) as hall:  # sync status lists it, in hall time
            listed = local.conflict_list(hall.core.store.conn)
            zone = hall.core.zone
            decided = [r[0] for r in hall.core.conn.execute(
                "SELECT json_extract(payload, '$.decided_by') FROM events WHERE type = "
                "'TicketCalled' AND terminal_id = ?", (hall.config.terminal_id,))]
        assert [c["kind"] for c in listed] == ["call"]
        # desk 2 without the hub: alone, or by the peers' rule once it had heard the peer list
        assert decided in ([["hub"]] if desk is one else [[None], ["peers"]])
        from datetime import datetime

        hall_time = datetime.fromtimestamp(listed[0]["detected_ms"] / 1000, zone)
        assert notice.startswith(hall_time.strftime("%H:%M")), notice
        assert conflicts[0].window in ("1", "2")


def test_a_number_issued_twice_is_told_with_both_labels(shell: Shell, make_desk, hub,
                                                        tmp_path: Path, qtbot: QtBot) -> None:
    from cli import sync_cmd
    from sync.server import db

    desk_dir = member(hub, tmp_path / "desk", "D1")
    add_accounts(desk_dir, hub)
    desk = make_desk(desk_dir, hub=True)
    run_sync(desk.bridge, desk_dir)
    sign_in(qtbot, desk, "li", "1")
    qtbot.waitUntil(lambda: desk.queue_state.sync.online, timeout=20_000)
    _quiet_status(desk)
    told: list[object] = []
    desk.conflicts_told.connect(told.append)

    # two village stations, each stand-alone, issue A001 before they join the hall's hub
    stations = []
    for name in ("S1", "S2"):
        folder = tmp_path / name
        setup_terminal(folder, "H1", name, standalone=True)
        with Hall.open(folder) as hall:
            assert hall.tickets.take(hall.kiosk(), "newborn").value.number == "A001"
        sync_cmd.enroll(argparse.Namespace(
            data_dir=folder, server=hub.url, code=db.new_enroll_code(hub.engine, "H1", name),
            insecure=False, ca=None, replace_keys=False))
        stations.append(folder)
    pushed = time.monotonic()
    for folder in stations:
        cred = credential.load(folder)
        with Hall.open(folder) as hall, SyncClient(hall, cred.server, cred.token) as client:
            client.once()
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    print(f"\nthe shared number told {1000 * (time.monotonic() - pushed):.0f} ms after the "
          "stations pushed")

    conflicts = desk.queue_state.sync.conflicts
    assert [(c.kind, c.labels) for c in conflicts] == [("number", ("A001", "A001·S2"))]
    notice = desk.work.notice.text()
    assert "A001 / A001·S2" in notice and "重复发放" in notice, notice
    assert desk.work.conflicts_button.text() == "1个冲突"
    with Hall.open(desk_dir) as hall:
        listed = [c["kind"] for c in local.conflict_list(hall.core.store.conn)]
    assert listed == ["number"]
    # both copies wait in line, each under its own label
    qtbot.waitUntil(lambda: {"A001", "A001·S2"} <= {t.number for t in
                                                     desk.queue_state.upcoming}, timeout=10_000)
