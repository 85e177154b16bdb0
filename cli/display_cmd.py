"""display --headless: the call screen without a screen, for hall IT and third-party LED window
screens. It follows the hall as the Qt display does (its own terminal store, kept in sync with
the hub by sync.runner's long-poll when the terminal is enrolled) and prints one line per call:

    {"number": "A001", "window": "3", "called_at": "2026-11-23T09:00:00+08:00", "kind": "call"}

With --voice-dir it also writes the spoken sentence of each call to DIR/<number>-<window>.wav
(devices/voice.py, espeak-ng; rendered only, never played: the LED controller or the hall's own
audio decides what to do with it). Runs until SIGINT/SIGTERM, or --count calls, or --seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import common_options, data_dir

if TYPE_CHECKING:
    from concurrent.futures import Future

    from hall.views import Call

POLL_S = 0.05  # how often the store is read for new calls (an indexed range on the log)


def register(sub: Any) -> None:
    p = sub.add_parser("display", parents=[common_options()],
                       help="the call screen (with --headless: one line per call)")
    p.add_argument("--headless", action="store_true",
                   help="no screen: one line (with --json, one JSON object) per call")
    p.add_argument("--voice-dir", type=Path, metavar="DIR",
                   help="also write each call's spoken sentence to DIR/<number>-<window>.wav")
    p.add_argument("--since", type=int, default=None, metavar="POS",
                   help="follow from this log position (default: from now; 0: today's calls "
                        "already made too)")
    p.add_argument("--count", type=int, default=None, metavar="N", help="stop after N calls")
    p.add_argument("--seconds", type=float, default=None, metavar="S",
                   help="stop after S seconds")
    p.add_argument("--no-sync", action="store_true",
                   help="do not sync with the hub here (another process of this terminal does)")
    p.set_defaults(handler=follow)


def follow(args: argparse.Namespace) -> tuple[dict[str, Any] | None, str | None]:
    from cli import UsageError

    if not args.headless:  # main.py routes `display` without --headless to the Qt face
        raise UsageError("display without --headless is the Qt call screen")
    if args.count is not None and args.count < 1:
        raise UsageError("--count must be at least 1")
    import signal

    from cli.context import start_logging
    from hall.app import Hall

    folder = data_dir(args.data_dir)
    start_logging(folder)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    hall = Hall.open(folder)
    sync_thread = _start_sync(folder, stop) if not args.no_sync else None
    speaker = _speaker(folder, args.voice_dir) if args.voice_dir else None
    rendering: list[Future[Path]] = []
    shown = 0
    deaf = _Deafness(hall) if sync_thread is not None else None
    try:
        pos = hall.views.log_position() if args.since is None else max(args.since, 0)
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        while not stop.is_set():
            for call in hall.views.calls_after(pos):
                pos = call.pos
                _print(call, args.json)
                if speaker is not None:
                    rendering.append(speaker.announce_call(call.number, call.window,
                                                           repeat=1).rendered)
                shown += 1
                if args.count is not None and shown >= args.count:
                    stop.set()
                    break
            if deadline is not None and time.monotonic() >= deadline:
                break
            if deaf is not None:
                deaf.check()
            stop.wait(POLL_S)
    finally:
        stop.set()
        if speaker is not None:
            _finish(rendering)
            speaker.close()
        if sync_thread is not None:
            sync_thread.join(20)
        hall.close()
    return None, None  # every line is out already


class _Deafness:
    """Says on stderr when the screen hears neither the hub nor any desk (and when it hears
    again): stdout stays one line per call for the LED controller."""

    EVERY_S = 1.0

    def __init__(self, hall: Any) -> None:
        self.hall = hall
        self.next = time.monotonic() + 5.0  # the sync service's first round
        self.deaf = False

    def check(self) -> None:
        if time.monotonic() < self.next:
            return
        self.next = time.monotonic() + self.EVERY_S
        from sync import runner

        status = runner.status(self.hall.core)
        deaf = not status["online"] and not status["hearing"]["hears_anyone"]
        if deaf != self.deaf:
            self.deaf = deaf
            sys.stderr.write("warning: this screen hears neither the hall server nor any "
                             "window: calls made now are not shown; call by voice\n" if deaf
                             else "this screen hears the windows again\n")
            sys.stderr.flush()


def _print(call: Call, as_json: bool) -> None:
    if as_json:
        line = json.dumps(call.to_json(), ensure_ascii=False)
    else:
        line = f"{call.called_at[11:19]}  {call.number} → {call.window}  ({call.kind})"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()  # a pipe to an LED controller must see each call at once


def _start_sync(folder: Path, stop: threading.Event) -> threading.Thread | None:
    """Long-poll the hub in this process when the terminal is enrolled (sync.starter)."""
    from sync.starter import start_sync

    threads: list[threading.Thread] = []

    def launch(run: Callable[[], None], _stop: Callable[[], None]) -> None:
        threads.append(threading.Thread(target=run, name="display-sync", daemon=True))
        threads[0].start()

    start_sync(folder, launch, stop, kind="display")
    return threads[0] if threads else None


def _speaker(folder: Path, voice_dir: Path) -> Any:
    from devices.voice import AudioOut, CallSpeaker, load_voice_config

    voice_dir.mkdir(parents=True, exist_ok=True)
    return CallSpeaker(load_voice_config(folder), out_dir=voice_dir, audio=AudioOut("none"))


def _finish(rendering: list[Future[Path]], timeout: float = 20.0) -> None:
    """Wait (bounded) for the calls' wav files already asked for; a failure goes to stderr."""
    deadline = time.monotonic() + timeout
    for future in rendering:
        try:
            future.result(max(deadline - time.monotonic(), 0.01))
        except Exception as exc:
            sys.stderr.write(f"error: voice: {exc}\n")
