"""From pressing 叫号 at a desk to the call screen showing it and its voice file ready, over a
real hub on loopback (one run), and how long each GUI thread stalled on the way.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desk.py [--calls 40] [--json]
                                                              [--one-process] [--why]

The hall as it stands (default): the reference server as the hub in a process of its own
(`main.py serve`, 127.0.0.1, a free port); the desk in this process as `main.py desk` runs it
(DeskWindow on its bridge, the hub deciding its calls through sync.hubcall, its sync runner on
threads of this process); the call screen in another process (this script with
--display-child: DisplayWindow, its own terminal store kept in sync by long-poll, its voice
rendered by espeak-ng into a folder, no sound card); a kiosk terminal issues the tickets and
pushes them first. Each round presses F1 on the desk and waits until the screen has shown that
number and rendered its wav; then F6 (完成) frees the window. Times are CLOCK_MONOTONIC, one
clock for every process of the machine.

`--one-process` puts the hub (a thread) and the call screen in this process too, as the first
version of this benchmark did: the figures of the two layouts side by side say what a desk's
GUI stall owes to Python threads it does not have in a hall (`--why` samples the GUI thread's
own CPU time, its wait for a CPU and its wait for the GIL in each slow event).

Figures: p50/p99/max of key → the desk's call recorded, key → the number on the screen,
key → on the screen and its wav ready (target: p99 ≤ 300 ms); the longest GUI stall of the desk
(target ≤ 50 ms) and of the screen (ui.stall).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TARGET_P99_MS = 300.0
TARGET_STALL_MS = 50.0
HALL = "BENCH"
GUI_THREAD = threading.get_ident()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def wait_until(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents()
        time.sleep(0.001)
    return True


def enroll(hub_url: str, engine: Any, folder: Path, terminal: str) -> Path:
    from cli import sync_cmd
    from hall.terminal_setup import setup_terminal
    from sync.server import db

    setup_terminal(folder, HALL, terminal)
    code = db.new_enroll_code(engine, HALL, terminal)
    sync_cmd.enroll(argparse.Namespace(data_dir=folder, server=hub_url, code=code,
                                       insecure=False, ca=None, replace_keys=False))
    return folder


# --- why a GUI event was slow: its own CPU, its wait for a CPU, the rest (the GIL) ------------
def _schedstat() -> tuple[float, float]:
    with open("/proc/thread-self/schedstat") as f:  # ns on a CPU, ns runnable but waiting
        on_cpu, waiting, _ = f.read().split()
    return int(on_cpu) / 1e6, int(waiting) / 1e6


class SlowEvents:
    """The GUI thread's events that took over 15 ms (TimedApplication.notify times each)."""

    def __init__(self) -> None:
        self.slow: list[tuple[float, float, float, str]] = []  # wall, cpu, run queue, what
        self.current = ""  # the slot being run, when the bridge says (see main)

    def report(self) -> dict[str, float]:
        wall = sum(s[0] for s in self.slow)
        cpu = sum(s[1] for s in self.slow)
        runq = sum(s[2] for s in self.slow)
        top = sorted(self.slow, reverse=True)[:3]
        return {"events_over_15ms": len(self.slow), "wall_ms": round(wall),
                "own_cpu_ms": round(cpu), "waiting_for_a_cpu_ms": round(runq),
                "waiting_for_the_gil_ms": round(max(wall - cpu - runq, 0)),
                "slowest": [f"{w:.0f} ms ({c:.0f} CPU, {q:.0f} run queue): {what}"
                            for w, c, q, what in top]}


def thread_cpu_ms() -> dict[str, float]:
    """CPU time of each thread of this process so far, by name (Python's, else the OS's)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            comm = (task / "comm").read_text().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ms = (int(fields[11]) + int(fields[12])) * 1000 / tick
        name = names.get(int(task.name), comm)
        out[name] = out.get(name, 0.0) + ms
    return out


class TimedApplication(QApplication):
    probe: SlowEvents | None = None
    _depth = 0

    def notify(self, receiver: QObject, event: QEvent) -> bool:  # type: ignore[override]
        # every thread's events pass here (the hall worker's commands too): the GUI's only
        if self.probe is None or self._depth or threading.get_ident() != GUI_THREAD:
            return super().notify(receiver, event)
        self._depth += 1
        t0, c0, (_, q0) = time.perf_counter(), time.thread_time(), _schedstat()
        try:
            return super().notify(receiver, event)
        finally:
            self._depth -= 1
            wall = (time.perf_counter() - t0) * 1000
            if wall > 15:
                cpu = (time.thread_time() - c0) * 1000
                runq = _schedstat()[1] - q0
                self.probe.slow.append((wall, cpu, runq, f"{type(receiver).__name__} "
                                                         f"{event.type().name}"))


# --- the call screen in a process of its own ------------------------------------------------
def display_child(screen_dir: Path, voice_dir: Path) -> int:
    """Prints {"ready"}, then {"shown": number, "t"} and {"wav": number, "t"} per call; on a
    line on stdin, {"stall": …} and exits."""
    from devices.voice import AudioOut, CallSpeaker, VoiceConfig
    from display.window import DisplayWindow
    from sync.starter import start_sync
    from ui.app import configure
    from ui.bridge import HallBridge
    from ui.opening import face_opener
    from ui.stall import StallProbe

    app = QApplication([sys.argv[0]])
    configure(app)
    out_lock = threading.Lock()

    def say(obj: dict[str, Any]) -> None:
        with out_lock:
            sys.stdout.write(json.dumps(obj) + "\n")
            sys.stdout.flush()

    bridge = HallBridge(face_opener(screen_dir, "display"))
    bridge.start()
    start_sync(screen_dir, bridge.start_sync)
    speaker = CallSpeaker(VoiceConfig(repeat=1), out_dir=voice_dir, audio=AudioOut("none"))
    display = DisplayWindow(bridge, speaker)
    display.resize(1920, 1080)
    display.show()

    def shown(call: Any) -> None:
        at = time.monotonic()
        say({"shown": call.number, "t": at})
        said = next(a for c, a in reversed(display.announcements) if c is call)
        said.rendered.add_done_callback(
            lambda f, n=call.number: say({"wav": n, "t": time.monotonic(),
                                          "ok": f.exception() is None}))

    display.shown.connect(shown)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    assert wait_until(lambda: display.log_pos is not None, 30), "the screen's first read"
    probe = StallProbe()
    say({"ready": True})
    probe.start()
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: stop.is_set() and app.quit())
    timer.start()
    app.exec()
    stall = probe.stop()
    say({"stall": {"longest_ms": round(stall.longest_ms, 1), "p99_ms": round(stall.p99_ms, 1),
                   "over_50ms": stall.over_50ms}})
    speaker.close()
    bridge.stop()
    return 0


class ScreenProcess:
    def __init__(self, screen_dir: Path, voice_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--display-child", str(screen_dir),
             "--voice-dir", str(voice_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        self.shown: dict[str, float] = {}
        self.wav: dict[str, float] = {}
        self.ready = threading.Event()
        self.stall: dict[str, Any] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            obj = json.loads(line)
            if "shown" in obj:
                self.shown.setdefault(obj["shown"], obj["t"])
            elif "wav" in obj:
                self.wav.setdefault(obj["wav"], obj["t"])
            elif "stall" in obj:
                self.stall = obj["stall"]
            elif obj.get("ready"):
                self.ready.set()

    def wait_ready(self, timeout: float = 60) -> None:
        if not self.ready.wait(timeout):
            raise RuntimeError("the call screen process did not come up")

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("stop\n")
        self.proc.stdin.flush()
        self.proc.wait(60)
        deadline = time.monotonic() + 5
        while not self.stall and time.monotonic() < deadline:
            time.sleep(0.05)


class InProcessScreen:
    """--one-process: the screen in this process, as the first version measured it."""

    def __init__(self, screen_dir: Path, voice_dir: Path) -> None:
        from devices.voice import AudioOut, CallSpeaker, VoiceConfig
        from display.window import DisplayWindow
        from sync.starter import start_sync
        from ui.bridge import HallBridge
        from ui.opening import face_opener

        self.bridge = HallBridge(face_opener(screen_dir, "display"))
        self.bridge.start()
        start_sync(screen_dir, self.bridge.start_sync)
        self.speaker = CallSpeaker(VoiceConfig(repeat=1), out_dir=voice_dir,
                                   audio=AudioOut("none"))
        self.display = DisplayWindow(self.bridge, self.speaker)
        self.display.resize(1920, 1080)
        self.display.show()
        self.shown: dict[str, float] = {}
        self.wav: dict[str, float] = {}
        self.stall: dict[str, Any] = {}
        self.display.shown.connect(self._shown)

    def _shown(self, call: Any) -> None:
        self.shown.setdefault(call.number, time.monotonic())
        said = next(a for c, a in reversed(self.display.announcements) if c is call)
        said.rendered.add_done_callback(
            lambda _f, n=call.number: self.wav.setdefault(n, time.monotonic()))

    def wait_ready(self) -> None:
        assert wait_until(lambda: self.display.log_pos is not None, 30), "the screen"

    def stop(self) -> None:
        self.speaker.close()
        self.bridge.stop()


# --- the hub ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HubProcess:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "serve", "--role", "hub", "--host",
             "127.0.0.1", "--port", str(self.port), "--data-dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/v1/health", timeout=1):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the hub did not start") from None
                time.sleep(0.1)
        from sync.server.db import database_url, open_engine

        self.engine = open_engine(database_url(folder, None))

    def stop(self) -> None:
        self.engine.dispose()
        self.proc.terminate()
        self.proc.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=int(os.environ.get("BENCH_DESK_CALLS", 40)))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one-process", action="store_true",
                        help="hub thread and call screen in this process (the first layout)")
    parser.add_argument("--why", action="store_true",
                        help="split the GUI thread's slow events into own CPU, waiting for a "
                             "CPU and waiting for the GIL")
    parser.add_argument("--display-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--voice-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.calls = 3
    if args.display_child:
        return display_child(args.display_child, args.voice_dir)

    from cli.demo_cmd import local_hub
    from desk.window import DeskOptions, DeskWindow
    from hall.app import Hall
    from sync import credential
    from sync.client import SyncClient
    from sync.starter import start_sync
    from ui.app import configure
    from ui.bridge import HallBridge
    from ui.opening import face_opener
    from ui.stall import StallProbe

    # the timing wrapper is Python on every event (a GIL turn each): only when asked
    app = (TimedApplication if args.why else QApplication)([sys.argv[0]])
    shell = configure(app)
    root = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    hub: Any = None
    threaded = local_hub(root / "hub") if args.one_process else None
    if threaded is not None:
        hub_url, engine = threaded.__enter__()
    else:
        hub = HubProcess(root / "hub")
        hub_url, engine = hub.url, hub.engine
    try:
        kiosk = enroll(hub_url, engine, root / "kiosk", "K1")
        desk_dir = enroll(hub_url, engine, root / "desk", "D1")
        screen_dir = enroll(hub_url, engine, root / "screen", "S1")
        with Hall.open(desk_dir) as hall:  # the hall's admin: made on its hub, heard here
            from sync.server.first_admin import hub_admin

            hub_admin(engine, hall, "admin", "bench-password-1").accounts.add(
                "li", "clerk", "bench-password-1")
        cred = credential.load(kiosk)
        with Hall.open(kiosk) as hall, SyncClient(hall, cred.server, cred.token,
                                                  lease_size=200) as client:
            client.once()
            for _ in range(args.calls):
                hall.tickets.take(hall.kiosk(), "newborn")
            client.once()

        screen: Any = (InProcessScreen if args.one_process else ScreenProcess)(
            screen_dir, root / "voice")
        screen.wait_ready()
        desk_bridge = HallBridge(face_opener(desk_dir, "desk", hub_calls=True))
        desk_bridge.start()
        start_sync(desk_dir, desk_bridge.start_sync)
        desk = DeskWindow(desk_bridge, DeskOptions(desk_dir), family=shell.theme.family)
        desk.resize(1920, 1080)
        desk.show()
        assert wait_until(lambda: desk_bridge.is_ready, 30)
        desk.signin.user.setText("li")
        desk.signin.password.setText("bench-password-1")
        desk.signin.window_input.setText("1")
        desk.signin.submit.click()
        assert wait_until(lambda: desk.queue_state is not None
                          and len(desk.queue_state.upcoming) > 0, 30), "sign-in"
        time.sleep(1.0)  # every long-poll is up

        to_desk: list[float] = []
        to_screen: list[float] = []
        to_voice: list[float] = []
        probe = StallProbe()
        slow = SlowEvents()
        if isinstance(app, TimedApplication):
            app.probe = slow
        cpu_before = thread_cpu_ms()
        probe.start()
        for _ in range(args.calls):
            pressed = time.monotonic()
            QTest.keyClick(desk, Qt.Key.Key_F1)
            assert wait_until(lambda: desk.current() is not None, 20), "the desk's call"
            number = desk.current().number
            to_desk.append(time.monotonic() - pressed)
            assert wait_until(lambda n=number: n in screen.shown, 20), f"{number} on screen"
            to_screen.append(screen.shown[number] - pressed)
            assert wait_until(lambda n=number: n in screen.wav, 20), "the wav"
            to_voice.append(screen.wav[number] - pressed)
            QTest.keyClick(desk, Qt.Key.Key_F6)
            assert wait_until(lambda: desk.current() is None, 20), "done"
        stall = probe.stop()
        cpu_after = thread_cpu_ms()
        if isinstance(app, TimedApplication):
            app.probe = None
        desk.stop()
        screen.stop()
        desk_bridge.stop()
    finally:
        if threaded is not None:
            threaded.__exit__(None, None, None)
        if hub is not None:
            hub.stop()

    def figures(values: list[float]) -> dict[str, float]:
        ms = [v * 1000 for v in values]
        return {"p50_ms": round(statistics.median(ms), 1), "p99_ms": round(pct(ms, 0.99), 1),
                "max_ms": round(max(ms), 1), "max_at_call": ms.index(max(ms)) + 1,
                # the first call is the hub's first decision since it started (its warm-up)
                "p99_after_first_ms": round(pct(ms[1:] or ms, 0.99), 1)}

    result: dict[str, Any] = {
        "layout": "one process" if args.one_process else "hub, desk, screen: three processes",
        "calls": args.calls, "key_to_desk_call": figures(to_desk),
        "key_to_display": figures(to_screen), "key_to_display_and_wav": figures(to_voice),
        "target_p99_ms": TARGET_P99_MS,
        "desk_gui_longest_stall_ms": round(stall.longest_ms, 1),
        "desk_gui_p99_stall_ms": round(stall.p99_ms, 1),
        "desk_gui_stalls_over_50ms": stall.over_50ms,
        "screen_gui_longest_stall_ms": screen.stall.get("longest_ms"),
    }
    if args.why:
        result["desk_gui_slow_events"] = slow.report()
        spent = {k: round(v - cpu_before.get(k, 0.0)) for k, v in cpu_after.items()}
        result["desk_process_cpu_ms_by_thread"] = {k: v for k, v in sorted(
            spent.items(), key=lambda kv: -kv[1]) if v >= 10}
    result["meets_target"] = result["key_to_display_and_wav"]["p99_ms"] <= TARGET_P99_MS
    if args.json:
        print(json.dumps(result))
    else:
        print(f"layout: {result['layout']}")
        for key in ("key_to_desk_call", "key_to_display", "key_to_display_and_wav"):
            f = result[key]
            print(f"{key:24} p50 {f['p50_ms']:6.1f} ms   p99 {f['p99_ms']:6.1f} ms   "
                  f"max {f['max_ms']:6.1f} ms (call {f['max_at_call']}); p99 after the first "
                  f"call {f['p99_after_first_ms']:6.1f} ms")
        print(f"target: key → display + wav p99 ≤ {TARGET_P99_MS:.0f} ms: "
              f"{'met' if result['meets_target'] else 'NOT met'}")
        print(f"GUI stalls over {args.calls} calls: desk longest "
              f"{result['desk_gui_longest_stall_ms']} ms (p99 {result['desk_gui_p99_stall_ms']}"
              f" ms, {stall.over_50ms} over 50 ms; target ≤ {TARGET_STALL_MS:.0f} ms), screen "
              f"longest {result['screen_gui_longest_stall_ms']} ms")
        if args.why:
            print(f"desk GUI events over 15 ms: {result['desk_gui_slow_events']}")
            print(f"CPU of this process's threads over the calls: "
                  f"{result['desk_process_cpu_ms_by_thread']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
