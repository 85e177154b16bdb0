"""Fixtures of the desk's tests: the shell (Chinese, theme), set-up terminals, accounts, a desk
window on a real bridge, and a real hub on 127.0.0.1 with enrolled member terminals."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desk.window import DeskOptions, DeskWindow
from hall.app import Hall
from hall.terminal_setup import setup_terminal
from tests.ui.conftest import data_dir, normal_mode, shell, terminal_template  # noqa: F401
from ui.bridge import HallBridge
from ui.opening import face_opener

PASSWORD = "desk-tests-2026"


def add_accounts(folder: Path, hub: Any = None) -> None:
    """admin, li (clerk) and zhao (supervisor): made on a station by its first admin, or for a
    member of `hub`'s hall on the hub (`serve user add`: a hall's terminal makes no first admin
    of its own) and pulled by the terminal."""
    with Hall.open(folder) as hall:
        if hub is None:
            admin = hall.first_admin("admin", PASSWORD)
            admin.accounts.add("li", "clerk", PASSWORD)
            admin.accounts.add("zhao", "supervisor", PASSWORD)
            return
        from hall.security.access import hash_secret
        from sync import credential, runner
        from sync.server import authority

        for user, role in (("admin", "admin"), ("li", "clerk"), ("zhao", "supervisor")):
            authority.add_user(hub.engine, hall.config.hall_id, user, role,
                               hash_secret(PASSWORD))
        runner.once(hall, credential.load(folder), lease_series=())  # accounts, not numbers


def sign_in(qtbot: QtBot, desk: DeskWindow, user: str, window: str,
            password: str = PASSWORD) -> None:
    desk.signin.user.setText(user)
    desk.signin.password.setText(password)
    desk.signin.window_input.setText(window)
    desk.signin.submit.click()
    qtbot.waitUntil(lambda: desk.currentWidget() is desk.work and desk.queue_state is not None,
                    timeout=20_000)


@pytest.fixture
def make_desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., DeskWindow]]:
    made: list[tuple[DeskWindow, HallBridge]] = []

    def make(folder: Path, *, hub: bool = False, printer: Any = None,
             lock_after: float = 300.0) -> DeskWindow:
        bridge = HallBridge(face_opener(folder, "desk", hub_calls=hub))
        with qtbot.waitSignal(bridge.ready, timeout=20_000):
            bridge.start()
        options = DeskOptions(folder, lock_after=lock_after,
                              receipt_pdf=tmp_path / f"pdf-{len(made)}",
                              export_dir=tmp_path / f"exports-{len(made)}")
        desk = DeskWindow(bridge, options, printer=printer, family="Noto Sans CJK SC")
        desk.resize(1920, 1080)
        desk.show()
        qtbot.waitUntil(lambda: desk.work.acceptance.service.count() > 0, timeout=20_000)
        made.append((desk, bridge))
        return desk

    yield make
    for desk, bridge in reversed(made):
        desk.stop()
        desk.close()
        assert bridge.stop()


# --- a real hub on loopback, and member terminals enrolled with it ----------------------------
@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Any]:
    from sync.server import db
    from tests.sync.conftest import RunningServer

    folder = tmp_path / "hub"
    srv = RunningServer(folder, db.database_url(folder, None))
    yield srv
    srv.stop()


def member(hub: Any, folder: Path, terminal: str, hall_id: str = "H1") -> Path:
    """A terminal set up as a member of the hall and enrolled with the hub (as `sync enroll`)."""
    from cli import sync_cmd
    from sync.server import db

    setup_terminal(folder, hall_id, terminal)
    code = db.new_enroll_code(hub.engine, hall_id, terminal)
    sync_cmd.enroll(argparse.Namespace(data_dir=folder, server=hub.url, code=code,
                                       insecure=False, ca=None, replace_keys=False))
    return folder


def run_sync(bridge: HallBridge, folder: Path, *, cap: float = 1.0, wait: float = 2.0) -> None:
    """The terminal's sync (push + long-poll pull) in this process, as `desk` runs it, with a
    short backoff cap so a test sees the link come back within a second or so."""
    import threading

    from sync import credential, runner

    stop = threading.Event()
    cred = credential.load(folder)
    bridge.start_sync(lambda: runner.run_forever(lambda: Hall.open(folder), cred, stop,
                                                 wait=wait, cap=cap) and None, stop.set)


def repoint(folder: Path, url: str) -> None:
    """Send the terminal's sync and hub calls to `url` (a fault proxy in front of the hub)."""
    from dataclasses import replace

    from sync import credential

    credential.save(folder, replace(credential.load(folder), server=url))
