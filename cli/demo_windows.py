"""demo (with a display): the hall as windows — a hub, a kiosk, a desk and the call screen, each
its own process and data dir, on emulated devices, with citizens arriving on their own and a
second window (a clerk nobody sees) calling them, so every screen moves.

What it sets up is what README "Set up a small hall" walks through by hand: one hub, terminals
set up and enrolled with it, devices.json naming the emulators, a clerk account on the desk.
Where there is no display (no $DISPLAY / $WAYLAND_DISPLAY on Linux) `demo` stays headless.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

Result = tuple[dict[str, Any], str | None]

HALL = "DEMO-HALL"
HALL_NAME = "十堰市政务服务中心(演示)"
CLERK, PASSWORD = "demo-clerk", "demo-hall-2026"
ARRIVALS = [("newborn", "regular"), ("retirement", "elder"), ("social_security_card", "regular"),
            ("hukou_transfer", "pregnant"), ("newborn", "regular"), ("consultation", "regular"),
            ("medical_offsite_filing", "elder"), ("retirement", "regular")]
MAIN = Path(__file__).resolve().parents[1] / "main.py"


def has_display() -> bool:
    """A screen to open windows on: always on Windows and macOS; on Linux an X or Wayland
    session (a service, an SSH login or a CI box has neither)."""
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _terminal(folder: Path, terminal: str, hub_url: str, engine: Any,
              devices: dict[str, str] | None = None, role: str = "desk") -> Path:
    from cli import sync_cmd
    from hall.config import load, save
    from hall.terminal_setup import setup_terminal
    from sync.server import db

    home = folder / terminal.lower()
    setup_terminal(home, HALL, terminal, hall_name=HALL_NAME)
    cfg = load(home)
    save(home, cfg)
    code = db.new_enroll_code(engine, HALL, terminal, role=role)  # its role's keys only
    sync_cmd.enroll(argparse.Namespace(data_dir=home, server=hub_url, code=code, insecure=False,
                                       ca=None, replace_keys=False))
    if devices:
        (home / "devices.json").write_text(json.dumps(devices), encoding="utf-8")
    return home


def _face(name: str, home: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TINGDUAN_DATA_DIR": str(home)}
    return subprocess.Popen([sys.executable, str(MAIN), name, "--data-dir", str(home), *extra],
                            env=env)


def _every(stop: threading.Event, low: float, high: float, rng: random.Random,
           step: Callable[[], None]) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(rng.uniform(low, high)):
            try:
                step()
            except Exception as exc:  # a refused step (nothing waiting) never ends the demo
                sys.stderr.write(f"[demo] {type(exc).__name__}: {exc}\n")

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def run(args: argparse.Namespace) -> Result:
    from cli.demo_cmd import local_hub
    from cli.interrupts import interrupt_as_exception
    from devices.emulators.id_reader import IdReaderEmulator
    from devices.emulators.people import RESIDENT, RESIDENT_ELDER
    from devices.emulators.printer import PrinterEmulator
    from hall.app import Hall
    from sync import credential, runner
    from sync.hubcall import attach

    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="tingduan-demo-"))
    stop = threading.Event()
    # Ctrl-C and SIGTERM end the demo by closing its windows, not by leaving them orphaned
    interrupt_as_exception()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    rng = random.Random(args.seed)
    faces: list[subprocess.Popen[bytes]] = []
    with local_hub(folder / "hub") as (hub_url, engine), \
            PrinterEmulator(0, folder / "printed") as printer, \
            IdReaderEmulator(RESIDENT_ELDER) as kiosk_reader, \
            IdReaderEmulator(RESIDENT) as desk_reader:
        kiosk = _terminal(folder, "K1", hub_url, engine,
                          {"printer": printer.url, "id_reader": kiosk_reader.path}, "kiosk")
        desk = _terminal(folder, "D1", hub_url, engine, {"id_reader": desk_reader.path})
        screen = _terminal(folder, "S1", hub_url, engine)
        other = _terminal(folder, "D2", hub_url, engine)  # window 2: the clerk nobody sees
        with Hall.open(desk) as hall:  # the hall's first admin: made on its hub, heard here
            from sync.server.first_admin import hub_admin

            hub_admin(engine, hall, "demo-admin", PASSWORD).accounts.add(CLERK, "clerk",
                                                                           PASSWORD)
        arrivals = Hall.open(kiosk)
        second = Hall.open(other)
        attach(second)  # window 2's calls are decided by the hub, as a desk's are
        clerk2 = second.operator_session()
        syncing = threading.Thread(target=runner.run_forever, daemon=True,
                                   args=(lambda: Hall.open(other), credential.load(other), stop))
        syncing.start()
        serving: list[str] = []
        turn = iter(range(1 << 30))

        def arrive() -> None:
            service, priority = ARRIVALS[next(turn) % len(ARRIVALS)]
            arrivals.kiosk_session().tickets.take(service, priority)

        def window_two() -> None:
            if serving:
                clerk2.tickets.done(serving.pop())
            serving.append(clerk2.tickets.call_next("2").value.id)

        faces.append(_face("display", screen))
        faces.append(_face("kiosk", kiosk))
        faces.append(_face("desk", desk, "--window", "1", "--receipt-pdf",
                           str(folder / "papers")))
        sys.stdout.write(
            f"[demo] the hall {HALL_NAME}: hub {hub_url}, data in {folder}\n"
            f"[demo] desk: sign in as {CLERK} / {PASSWORD} at window 1; the kiosk's reader "
            f"holds an elder's card, the desk's a resident's; tickets print as PNG in "
            f"{folder / 'printed'}\n[demo] close the windows or press Ctrl-C to end\n")
        sys.stdout.flush()
        _every(stop, 6, 14, rng, arrive)
        _every(stop, 12, 20, rng, window_two)
        try:
            while any(face.poll() is None for face in faces):
                if stop.wait(0.5):
                    break
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            for face in faces:
                if face.poll() is None:
                    face.terminate()
            for face in faces:
                try:
                    face.wait(15)
                except subprocess.TimeoutExpired:
                    face.kill()
            syncing.join(10)
            arrivals.close()
            second.close()
    return ({"data_dir": str(folder), "hub": hub_url, "faces": [f.returncode for f in faces]},
            f"demo ended; its data stays in {folder}")
