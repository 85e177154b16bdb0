"""One face of the soak run (bench/soak.py) in a process of its own: the kiosk, a desk or the
call screen, offscreen, on its real bridge and sync threads, driven by its tests' moves.

    python -c "from bench.soak_face import main; main()" kiosk|desk|screen DATA_DIR
                              [--clock-offset-ms MS]

The orchestrator talks to it in JSON lines: on stdin {"op": "take"|"call"|"done"|"stall"|
"step"|"quit", …}; on stdout {"ready"}, then one answer per request and, from the screen,
{"shown": number} for every call it puts up. The driver never blocks the GUI thread: each
move is a step of a generator, resumed by a timer when the widget it waits for is there.
The clock step is the face's own wall clock (`Hall.open(wall=…)` in every Hall this process
opens), not the machine's: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

PASSWORD = "soak-password-1"
STEP_TIMEOUT_S = 30.0
CARD_AWAY_S = 1.0  # > 2 polls of the kiosk's ID card watch
Wait = Callable[[], bool]
Script = Generator[Wait, None, None]


class Clock:
    """The face's wall clock: the machine's, stepped by `offset_ms` (a fault of the run)."""

    def __init__(self, offset_ms: int) -> None:
        self.offset_ms = offset_ms

    def now(self) -> datetime:
        from hall.clock import system_now

        return system_now() + timedelta(milliseconds=self.offset_ms)


def step_every_hall(clock: Clock) -> None:
    """Every Hall this process opens (the bridge's, sync's threads') reads `clock`."""
    from hall import app as hall_app

    original = hall_app.Hall.open.__func__  # type: ignore[attr-defined]

    def open_stepped(cls: Any, data_dir: Path, /, *, wall: Any = None, **kw: Any) -> Any:
        return original(cls, data_dir, wall=wall or clock.now, **kw)

    hall_app.Hall.open = classmethod(open_stepped)  # type: ignore[assignment, method-assign]


class Lines(QObject):
    """stdin lines, read on a thread, delivered to the GUI thread as a signal."""

    line = Signal(str)

    def start(self) -> None:
        def read() -> None:
            for raw in sys.stdin:
                self.line.emit(raw)
            self.line.emit('{"op": "quit"}')

        threading.Thread(target=read, daemon=True, name="soak-stdin").start()


_out_lock = threading.Lock()


def say(obj: dict[str, Any]) -> None:
    with _out_lock:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        sys.stdout.flush()


class Driver(QObject):
    """Runs one script at a time; each yield is a condition the next move waits for."""

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[tuple[str, Callable[[], Script], Callable[[], dict[str, Any]]]] = []
        self.current: tuple[str, Iterator[Wait], Callable[[], dict[str, Any]]] | None = None
        self.waiting: Wait | None = None
        self.since = 0.0
        self.step = 0  # the move of the script waited for (in a failure's message)
        self.describe: Callable[[], str] = str  # the face's state, said with a failure
        self.timer = QTimer(self)
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._turn)
        self.timer.start()

    def run(self, name: str, script: Callable[[], Script],
            answer: Callable[[], dict[str, Any]]) -> None:
        self.queue.append((name, script, answer))

    def _turn(self) -> None:
        if self.current is None:
            if not self.queue:
                return
            name, script, answer = self.queue.pop(0)
            self.current = (name, iter(script()), answer)
            self.waiting, self.since, self.step = None, time.monotonic(), 0
        name, steps, answer = self.current
        try:
            if self.waiting is not None and not self.waiting():
                if time.monotonic() - self.since > STEP_TIMEOUT_S:
                    raise TimeoutError
                return
            self.waiting = next(steps)
            self.since = time.monotonic()
            self.step += 1
        except StopIteration:
            say({"op": name, **answer()})
            self.current = None
        except Exception as exc:  # a move that never came: said, and the next one runs
            import faulthandler

            sys.stderr.write(f"soak-move-failed: {name} at move {self.step}, "
                             f"{time.strftime('%H:%M:%S')}; every thread:\n")
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            try:
                state = self.describe()
            except Exception as why:  # a diagnosis must not end the driver
                state = f"(no state: {why!r})"
            say({"op": name, "failed": f"{type(exc).__name__} at move {self.step}: {exc}"[:300],
                 "state": state[:600]})
            self.current = None


# --- the faces ------------------------------------------------------------------------------
def random_card(rng: random.Random) -> Any:
    from devices.emulators import people
    from hall.identity import IdCard

    born = f"19{rng.randint(50, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    number = people.with_check_digit(f"420302{born}{rng.randint(0, 999):03d}")
    return IdCard(type="resident", name="测试" + rng.choice("甲乙丙丁戊己庚辛"), sex="男",
                  nation="汉", birth_date=f"{born[:4]}-{born[4:6]}-{born[6:]}",
                  address="湖北省十堰市茅箭区演示路1号", id_number=number,
                  issuing_authority="十堰市公安局茅箭分局", valid_from="2015-06-01",
                  valid_until="2035-06-01", photo_wlt=b"\x00" * 1024)


def kiosk(shell: Any, folder: Path, args: argparse.Namespace, driver: Driver) -> Any:
    from devices.emulators.id_reader import IdReaderEmulator
    from kiosk.context import open_context
    from kiosk.window import KioskWindow

    reader = IdReaderEmulator()
    reader.start()
    devices = {"id_reader": reader.path}
    if args.printer:
        devices["printer"] = args.printer
    (folder / "devices.json").write_text(json.dumps(devices), encoding="utf-8")
    (folder / "voice.json").write_text('{"player": "none"}', encoding="utf-8")
    ctx = open_context(folder, shell=shell, voice=False, poll=0.3, reopen=1.0,
                       probe_interval=2.0, idle_s=20, sync=True, wedge=False)
    window = KioskWindow(ctx, shell.theme, warning_s=5, done_s=20)  # idle home in 25 s
    window.resize(1080, 1920)
    window.show()
    rng = random.Random(os.getpid())
    taken: dict[str, Any] = {}

    def on(page: Any) -> Wait:
        return lambda: window.stack.currentWidget() is page

    def ready(widget: Any) -> Wait:
        return lambda: widget.isVisible() and widget.isEnabled()

    def take(service: str) -> Script:
        taken.clear()
        began = time.monotonic()
        reader.present(None)  # the last citizen's card (or one a failed visit left) away,
        lifted = time.monotonic()  # long enough for the reader to see it gone: it reads a
        # card once and then waits for its removal (ui/hardware/idcard.py), every 0.3 s
        yield lambda: (window.facts is not None and window.stack.currentWidget() is window.home
                       and time.monotonic() - lifted > CARD_AWAY_S)
        reader.present(random_card(rng))
        yield on(window.services)
        yield lambda: service in window.services.tiles and ctx.bridge.pending == 0
        tile = window.services.tiles[service]
        yield ready(tile)
        QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
        yield on(window.confirm)
        yield ready(window.confirm.ok)
        QTest.mouseClick(window.confirm.ok, Qt.MouseButton.LeftButton)
        yield on(window.ticket)
        yield lambda: bool(window.ticket.number.text())
        taken.update(number=window.ticket.number.text(), ahead=window.ticket.ahead.text(),
                     t=time.time())
        yield ready(window.ticket.ok)
        QTest.mouseClick(window.ticket.ok, Qt.MouseButton.LeftButton)
        reader.present(None)
        yield on(window.home)
        taken["took_s"] = round(time.monotonic() - began, 2)

    def handle(req: dict[str, Any]) -> None:
        if req["op"] == "take":
            def answer() -> dict[str, Any]:
                return dict(taken)

            driver.run("take", lambda: take(req["service"]), answer)

    window.soak_handle = handle  # type: ignore[attr-defined]
    window.soak_closers = [reader.close]  # type: ignore[attr-defined]
    return window


def start_sync(bridge: Any, folder: Path) -> None:
    """Sync on the bridge's threads, as the faces start it (sync/starter.py)."""
    from sync.starter import start_sync as starter

    starter(folder, bridge.start_sync)


def desk(shell: Any, folder: Path, args: argparse.Namespace, driver: Driver) -> Any:
    from desk.window import DeskOptions, DeskWindow
    from ui import messages
    from ui.bridge import HallBridge
    from ui.opening import face_opener

    bridge = HallBridge(face_opener(folder, "desk", hub_calls=True))
    bridge.start()
    start_sync(bridge, folder)
    window = DeskWindow(bridge, DeskOptions(folder, receipt_pdf=None),
                        family=shell.theme.family)
    window.resize(1920, 1080)
    window.show()
    called: dict[str, Any] = {}

    def sign_in() -> Script:
        yield lambda: bridge.is_ready and window.signin.submit.isEnabled()
        window.signin.user.setText("clerk")
        window.signin.password.setText(PASSWORD)
        window.signin.window_input.setText(args.window)
        window.signin.submit.click()
        yield lambda: window.currentWidget() is window.work and window.queue_state is not None

    def call() -> Script:
        called.clear()
        yield lambda: window.queue_state is not None and bridge.pending == 0
        held = window.current()
        if held is not None:  # a desk restarted holds its ticket still: the clerk serves it on
            called.update(number=held.number, held=True, t=time.time())
            return
        QTest.keyClick(window, Qt.Key.Key_F1)
        deadline = time.monotonic() + 8
        yield lambda: window.current() is not None or time.monotonic() > deadline
        current = window.current()
        called.update(number=current.number if current else None, t=time.time())
        if current is None:  # no one waiting, or a refusal: what the clerk was told
            called["notice"] = window.work.notice.text()[:200]
            # a state refusal: the hub offered a ticket this desk cannot call (issue 29)
            called["refused"] = called["notice"] == messages.text("illegal_transition")
            state = window.queue_state
            called["waiting"] = len(state.upcoming) if state is not None else None

    def done() -> Script:
        if window.current() is None:
            return
        QTest.keyClick(window, Qt.Key.Key_F6)
        yield lambda: window.current() is None

    def handle(req: dict[str, Any]) -> None:
        if req["op"] == "call":
            driver.run("call", call, lambda: dict(called))
        elif req["op"] == "done":
            driver.run("done", done, dict)

    def describe() -> str:
        current = window.current()
        page = window.currentWidget()
        return (f"page={type(page).__name__} locked={window._locked} "
                f"signed_in={getattr(window, 'session', None) is not None} "
                f"pending={bridge.pending} "
                f"current={getattr(current, 'number', None)}/{getattr(current, 'status', None)} "
                f"notice={window.work.notice.text()!r} signin={window.signin.error.text()!r}")

    driver.describe = describe
    driver.run("signin", sign_in, dict)
    window.soak_handle = handle  # type: ignore[attr-defined]
    window.soak_closers = [window.stop, bridge.stop]  # type: ignore[attr-defined]
    return window


def screen(shell: Any, folder: Path, args: argparse.Namespace, driver: Driver) -> Any:
    from devices.voice import AudioOut, CallSpeaker, VoiceConfig
    from ui.bridge import HallBridge
    from ui.opening import face_opener

    DisplayWindow = call_screen_class()

    bridge = HallBridge(face_opener(folder, "display"))
    bridge.start()
    start_sync(bridge, folder)
    speaker = CallSpeaker(VoiceConfig(repeat=1), out_dir=folder / "voice",
                          audio=AudioOut("none"))
    window = DisplayWindow(bridge, speaker)
    window.resize(1920, 1080)
    window.show()
    window.shown.connect(lambda call: say({"shown": call.number, "pos": call.pos,
                                           "t": time.time()}))
    window.soak_handle = lambda req: None
    window.soak_closers = [speaker.close, bridge.stop]
    return window


def call_screen_class() -> Any:
    """DisplayWindow, wherever the call screen lives (desk/display.py, or a package of its
    own after the moves of issue 20)."""
    import importlib

    for module in ("display.window", "desk.display"):  # after issue 20's moves, before
        try:
            found = getattr(importlib.import_module(module), "DisplayWindow", None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise ImportError("no DisplayWindow: where did the call screen go?")


STALL_DUMP_S = 0.25


def watch_stalls(app: QApplication) -> None:
    """Where the GUI thread is when it stalls: every thread's stack in the face's log (stderr)
    when the loop has not turned for STALL_DUMP_S. faulthandler's watchdog is a C thread: it
    dumps even while some thread holds the GIL, which a Python watchdog could not."""
    import faulthandler

    last = [time.monotonic()]

    def rearm() -> None:
        now = time.monotonic()
        if now - last[0] > STALL_DUMP_S:
            sys.stderr.write(f"soak-stall: the loop stood {now - last[0]:.2f} s, until "
                             f"{time.strftime('%H:%M:%S')} (stacks above, if any)\n")
            sys.stderr.flush()
        last[0] = now
        faulthandler.dump_traceback_later(STALL_DUMP_S, exit=False, file=sys.stderr)

    timer = QTimer(app)
    timer.setInterval(50)
    timer.timeout.connect(rearm)
    timer.start()
    rearm()


FACES = {"kiosk": kiosk, "desk": desk, "screen": screen}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("face", choices=sorted(FACES))
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--printer", default="")
    parser.add_argument("--window", default="1")
    parser.add_argument("--clock-offset-ms", type=int, default=0)
    args = parser.parse_args()
    clock = Clock(args.clock_offset_ms)
    step_every_hall(clock)

    from ui.app import configure
    from ui.stall import StallProbe

    app = QApplication([sys.argv[0]])
    shell = configure(app)
    driver = Driver()
    window = FACES[args.face](shell, args.data_dir, args, driver)
    probe = StallProbe()
    lines = Lines()

    def request(raw: str) -> None:
        try:
            req = json.loads(raw)
        except ValueError:
            return
        op = req.get("op")
        if op == "quit":
            for close in window.soak_closers:
                close()
            app.quit()
        elif op == "stall":  # this hall hour's stalls, then a fresh hour
            r = probe.report()
            say({"op": "stall", "longest_ms": round(r.longest_ms, 1),
                 "p99_ms": round(r.p99_ms, 1), "over_50ms": r.over_50ms, "ticks": r.ticks})
            probe.reset()
        elif op == "step":
            clock.offset_ms = int(req["offset_ms"])
            say({"op": "step", "offset_ms": clock.offset_ms})
        else:
            window.soak_handle(req)

    lines.line.connect(request)
    lines.start()
    probe.start()
    watch_stalls(app)
    say({"ready": True, "pid": os.getpid()})
    app.exec()
    return 0

