"""The pad and the hub in one proof (issue 27): a real hub on 127.0.0.1; a desk terminal and the
rating pad of window 3 each enrolled with it (the pad `--role rater --window 3`, its face
offscreen, synced by its own loop as `main.py rater` runs it). The clerk serves a visit at
window 3 on the desk and finishes it; the pad, hearing of it through the hub, offers the grades;
the citizen gives a 1 with a reason; the rating reaches the desk's store through the hub and
counts in the hub's figures (GET /v1/figures), for window 3 and clerk li."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytestqt.qtbot import QtBot

from hall.app import Hall
from hall.terminal_setup import setup_terminal
from rater.app import pad_window
from rater.window import RaterWindow
from sync import credential, runner
from sync.starter import start_sync
from tests.desk.conftest import PASSWORD, add_accounts, hub, member  # noqa: F401
from ui.app import Shell
from ui.bridge import HallBridge


def _pad_terminal(hub: Any, folder: Path, window: str) -> Path:  # noqa: F811
    """A rating pad set up and enrolled with the hub for its window (as `sync enroll`)."""
    from cli import sync_cmd
    from sync.server import db

    setup_terminal(folder, "H1", "R3")
    code = db.new_enroll_code(hub.engine, "H1", "R3", role="rater", window=window)
    sync_cmd.enroll(argparse.Namespace(data_dir=folder, server=hub.url, code=code,
                                       insecure=False, ca=None, replace_keys=False))
    return folder


def test_a_visit_finished_at_the_desk_is_rated_on_the_pad_through_the_hub(
        qtbot: QtBot, normal_mode: Shell, hub: Any, tmp_path: Path) -> None:  # noqa: F811
    desk_dir = member(hub, tmp_path / "desk", "D1")
    add_accounts(desk_dir, hub)
    pad_dir = _pad_terminal(hub, tmp_path / "pad", "3")
    # the pad knows its window from its enrolment: `--window` may repeat it, not contradict it
    assert credential.load(pad_dir).window == "3"
    assert pad_window(None, pad_dir) == pad_window("3", pad_dir) == "3"
    with pytest.raises(SystemExit, match="enrolled for window 3"):
        pad_window("2", pad_dir)

    bridge = HallBridge(lambda: Hall.open(pad_dir))
    with qtbot.waitSignal(bridge.ready, timeout=20_000):
        bridge.start()
    assert start_sync(pad_dir, bridge.start_sync)  # the pad's own sync loop, as the face runs
    pad = RaterWindow(bridge, "3")
    pad.resize(800, 480)
    pad.show()
    try:
        cred = credential.load(desk_dir)
        with Hall.open(desk_dir) as hall:
            desk = hall.sign_in("li", PASSWORD, window="3")
            ticket = hall.kiosk_session().tickets.take("newborn").value
            desk.tickets.call_next("3")
            desk.tickets.start(ticket.id)
            desk.tickets.done(ticket.id)
            runner.once(hall, cred, lease_series=())  # pushed to the hub
            qtbot.waitUntil(lambda: pad.currentWidget() is pad.grade_page, timeout=30_000)
            assert pad.grade_ticket.text() == f"{ticket.number}号"
            pad.grade_buttons[1].click()
            pad.reason_buttons["等候时间长"].click()
            with qtbot.waitSignal(pad.sent, timeout=20_000) as sent:
                pad.send.click()
            rating = sent.args[0]
            assert (rating.grade, rating.window, rating.clerk) == (1, "3", "li")

            def arrived() -> bool:  # the pad's loop pushes; the desk pulls
                runner.once(hall, cred, lease_series=())
                return hall.core.conn.execute(
                    "SELECT COUNT(*) FROM ratings").fetchone()[0] == 1

            qtbot.waitUntil(arrived, timeout=30_000)
            row = hall.core.conn.execute(
                "SELECT rating_id, grade, window, clerk, service_id FROM ratings").fetchone()
            assert row == (rating.id, 1, "3", "li", "newborn")
            boss = hall.sign_in("zhao", PASSWORD)
            [follow_up] = boss.ratings.follow_up_list()
            assert (follow_up.rating, follow_up.window, follow_up.state) == (rating.id, "3",
                                                                            "open")
            day = hall.today()
    finally:
        pad.close()
        assert bridge.stop()
    # the hub's figures: a viewer of the hall reads them from the hub
    viewer = hub.token("H1", "V1", role="viewer")
    got = httpx.get(f"{hub.url}/v1/figures", params={"day": day},
                    headers={"authorization": f"Bearer {viewer}"}, timeout=10)
    assert got.status_code == 200, got.text
    figures = got.json()["halls"]["H1"]
    assert (figures["count"], figures["bad"]) == (1, 1)
    assert figures["by_window"]["3"]["count"] == 1 and figures["by_clerk"]["li"]["bad"] == 1
    assert figures["follow_ups"]["opened"] == 1
    assert set(figures["per_department"]) == {"市卫健委", "市公安局", "市人社局", "市医保局"}
