"""The bridge: one worker thread owns the hall; results, errors and change notifications come
back to the GUI thread as signals — from the worker's own commands, from another process
committing to the same store, and from another thread."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hall.app import Hall
from hall.changes import Changes
from hall.errors import ConfigError, HallError
from hall.session import Session
from tests.conftest import ROOT
from ui.bridge import HallBridge
from ui.opening import face_opener


@pytest.fixture
def bridge(data_dir: Path, qtbot: QtBot) -> Iterator[HallBridge]:
    made = HallBridge(face_opener(data_dir, "kiosk"))
    with qtbot.waitSignal(made.ready, timeout=10_000):
        made.start()
    yield made
    assert made.stop()


class Outcome:
    """Callbacks that record what came back, and in which thread."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.errors: list[HallError] = []
        self.gui_thread = True

    def done(self, result: Any) -> None:
        self.gui_thread &= QThread.currentThread() is QApplication.instance().thread()  # type: ignore[union-attr]
        self.results.append(result)

    def failed(self, error: HallError) -> None:
        self.gui_thread &= QThread.currentThread() is QApplication.instance().thread()  # type: ignore[union-attr]
        self.errors.append(error)


def test_results_come_back_in_order_on_the_gui_thread(bridge: HallBridge, qtbot: QtBot) -> None:
    out = Outcome()
    worker_threads: set[int] = set()

    def take(kiosk: Session) -> str:
        worker_threads.add(threading.get_ident())
        return kiosk.tickets.take("newborn").value.number

    for _ in range(3):
        bridge.submit(take, out.done, out.failed)
    qtbot.waitUntil(lambda: len(out.results) == 3, timeout=10_000)
    assert out.results == ["A001", "A002", "A003"] and not out.errors
    assert out.gui_thread
    assert worker_threads and threading.get_ident() not in worker_threads  # not the GUI thread
    assert bridge.pending == 0


@pytest.mark.parametrize("face, window, kind, role", [
    ("kiosk", None, "kiosk", "kiosk"), ("display", None, "nobody", "none"),
    ("desk", None, "nobody", "none"), ("rater", "3", "kiosk", "rater")])
def test_a_face_gets_its_session_never_the_hall(data_dir: Path, qtbot: QtBot, face: Any,
                                                window: str | None, kind: str,
                                                role: str) -> None:
    """What a job is handed is the face's session (ui/opening.py): its actor fixed, no hall,
    no core, no way to another actor but a credential."""
    made = HallBridge(face_opener(data_dir, face, window=window))
    with qtbot.waitSignal(made.ready, timeout=10_000):
        made.start()
    out = Outcome()
    made.submit(lambda s: s, out.done, out.failed)
    qtbot.waitUntil(lambda: bool(out.results or out.errors), timeout=10_000)
    assert made.stop()
    got = out.results[0]
    assert isinstance(got, Session) and (got.kind, got.role) == (kind, role)
    assert got.window == window
    for whole in ("core", "hall", "store", "kiosk_session", "operator_session"):
        assert not hasattr(got, whole)
    with pytest.raises(AttributeError):
        got._actor = got.actor  # type: ignore[misc]


def test_errors_carry_their_code(bridge: HallBridge, qtbot: QtBot) -> None:
    out = Outcome()
    bridge.submit(lambda kiosk: kiosk.tickets.take("no-such-service").value, out.done, out.failed)
    bridge.submit(lambda kiosk: 1 / 0, out.done, out.failed)  # a bug, not a refusal
    qtbot.waitUntil(lambda: len(out.errors) == 2, timeout=10_000)
    assert [e.code for e in out.errors] == ["unknown_service", "internal"]
    assert isinstance(out.errors[1].__cause__, ZeroDivisionError)
    assert out.gui_thread and not out.results


def test_an_error_without_a_handler_is_a_signal(bridge: HallBridge, qtbot: QtBot) -> None:
    with qtbot.waitSignal(bridge.job_failed, timeout=10_000) as caught:
        bridge.submit(lambda kiosk: kiosk.tickets.call_next("9").value)
    assert caught.args[0].code == "forbidden"  # the kiosk's own session calls nobody


def test_the_gui_thread_turns_while_a_command_runs(bridge: HallBridge, qtbot: QtBot) -> None:
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    out = Outcome()
    bridge.submit(lambda kiosk: time.sleep(0.3) or "slow", out.done, out.failed)
    ticks_when_done: list[int] = []
    bridge.submit(lambda kiosk: None, lambda _r: ticks_when_done.append(len(ticks)))
    qtbot.waitUntil(lambda: bool(ticks_when_done), timeout=10_000)
    timer.stop()
    assert out.results == ["slow"]
    assert ticks_when_done[0] >= 5  # the event loop kept turning during the 300 ms command


def test_a_command_notifies_its_changes(bridge: HallBridge, qtbot: QtBot) -> None:
    with qtbot.waitSignal(bridge.changed, timeout=10_000,
                          check_params_cb=lambda c: c.tickets) as caught:
        bridge.submit(lambda kiosk: kiosk.tickets.take("newborn").value)
    changes: Changes = caught.args[0]
    assert changes.source == "local" and changes.tickets and not changes.calls


def _latency_ms(issued_at: str) -> float:
    return (datetime.now().astimezone() - datetime.fromisoformat(issued_at)).total_seconds() * 1000


def test_another_process_committing_is_noticed(bridge: HallBridge, data_dir: Path,
                                              qtbot: QtBot) -> None:
    """`python main.py ticket take` against the same store: the poll in the worker sees it."""
    latencies = []
    for _ in range(3):
        seen: list[float] = []
        bridge.changed.connect(lambda c, seen=seen: c.source == "external" and seen.append(
            time.time()))
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "ticket", "take",
                                 "--service", "newborn", "--data-dir", str(data_dir), "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda seen=seen: bool(seen), timeout=10_000)  # type: ignore[misc]
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        issued_at = json.loads(out)["ticket"]["issued_at"]
        latencies.append((datetime.fromtimestamp(seen[0]).astimezone()
                          - datetime.fromisoformat(issued_at)).total_seconds() * 1000)
        bridge.changed.disconnect()
    print(f"\nanother process's commit → changed signal on the GUI thread: "
          f"{', '.join(f'{ms:.0f}' for ms in latencies)} ms (issued_at to signal; poll 100 ms)")


def test_another_thread_committing_is_noticed(bridge: HallBridge, data_dir: Path,
                                             qtbot: QtBot) -> None:
    """A thread with its own connection (as the sync engine has) commits: heard as external."""
    issued: list[str] = []

    def other() -> None:
        hall = Hall.open(data_dir)
        try:
            issued.append(hall.tickets.take(hall.kiosk(), "newborn").value.issued_at)
        finally:
            hall.close()

    with qtbot.waitSignal(bridge.changed, timeout=10_000,
                          check_params_cb=lambda c: c.source == "external") as caught:
        thread = threading.Thread(target=other)
        thread.start()
    thread.join(10)
    assert caught.args[0].tickets
    print(f"\nanother thread's commit → changed signal: {_latency_ms(issued[0]):.0f} ms")


def test_a_hall_that_cannot_open_says_why(tmp_path: Path, qtbot: QtBot) -> None:
    bridge = HallBridge(face_opener(tmp_path / "not-set-up", "kiosk"))
    with qtbot.waitSignal(bridge.failed_to_open, timeout=10_000) as caught:
        bridge.start()
    error = caught.args[0]
    assert isinstance(error, ConfigError) and error.code == "not_set_up"
    out = Outcome()
    bridge.submit(lambda kiosk: kiosk.tickets.take("newborn").value, out.done, out.failed)
    qtbot.waitUntil(lambda: bool(out.errors), timeout=10_000)
    assert out.errors[0].code == "shutting_down"
    assert bridge.stop()
    bridge.submit(lambda kiosk: None, out.done, out.failed)  # after stop: refused, not lost
    qtbot.waitUntil(lambda: len(out.errors) == 2, timeout=10_000)
    assert out.errors[1].code == "shutting_down"


def test_background_services_start_and_stop(bridge: HallBridge, qtbot: QtBot) -> None:
    stop = threading.Event()
    ran = threading.Event()

    def run() -> None:
        ran.set()
        stop.wait(30)

    bridge.start_sync(run, stop.set)
    assert ran.wait(10)
    assert bridge.services.running() == ["sync"]
    with qtbot.waitSignal(bridge.services.stopped, timeout=10_000) as caught:
        assert bridge.services.stop_all(5)
    assert caught.args == ["sync"]

    def broken() -> None:
        raise RuntimeError("the engine fell over")

    with qtbot.waitSignal(bridge.services.failed, timeout=10_000) as failed:
        bridge.services.start("follower", broken, lambda: None)
    assert failed.args[0] == "follower" and failed.args[1].code == "internal"
