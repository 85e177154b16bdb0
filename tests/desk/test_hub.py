"""The desk and the display over a real hub on 127.0.0.1: two desks calling at once never get
the same ticket; the display (a terminal of its own, synced by long-poll in its process) shows
each call and renders its sentence to a wav; the headless display prints the same calls."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from devices.voice import AudioOut, CallSpeaker, VoiceConfig, call_sentence, wav_seconds
from display.window import DisplayWindow
from hall.app import Hall
from sync import credential
from sync.client import SyncClient
from sync.starter import start_sync
from tests.conftest import ROOT
from tests.desk.conftest import add_accounts, member, sign_in
from ui.app import Shell
from ui.bridge import HallBridge
from ui.opening import face_opener


def kiosk_takes(folder: Path, n: int) -> None:
    """A kiosk terminal issues `n` tickets and pushes them to the hub."""
    cred = credential.load(folder)
    with Hall.open(folder) as hall, SyncClient(hall, cred.server, cred.token) as client:
        client.once()  # number blocks first: hall numbers A001…
        for _ in range(n):
            hall.tickets.take(hall.kiosk(), "newborn")
        client.once()


def test_two_desks_calling_at_once_never_share_a_ticket_and_the_display_follows(
        shell: Shell, make_desk, hub, tmp_path: Path, qtbot: QtBot) -> None:
    kiosk = member(hub, tmp_path / "kiosk", "K1")
    desks = [member(hub, tmp_path / f"desk{i}", f"D{i}") for i in (1, 2)]
    screen = member(hub, tmp_path / "screen", "S1")
    for folder in desks:
        add_accounts(folder, hub)
    kiosk_takes(kiosk, 8)

    # the display: its own store, synced in its process, speaking into a folder (no sound card)
    bridge = HallBridge(face_opener(screen, "display"))
    with qtbot.waitSignal(bridge.ready, timeout=20_000):
        bridge.start()
    assert start_sync(screen, bridge.start_sync)
    voice = tmp_path / "voice"
    speaker = CallSpeaker(VoiceConfig(repeat=1), out_dir=voice, audio=AudioOut("none"))
    display = DisplayWindow(bridge, speaker)
    display.resize(1920, 1080)
    display.show()
    shown: list[tuple[float, object]] = []
    display.shown.connect(lambda call: shown.append((time.monotonic(), call)))
    qtbot.waitUntil(lambda: display.log_pos is not None, timeout=20_000)
    # …and the headless display, another process on another display terminal
    headless_dir = member(hub, tmp_path / "led", "S2")
    led = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "display", "--headless", "--json",
         "--data-dir", str(headless_dir), "--voice-dir", str(tmp_path / "led-voice"),
         "--count", "8", "--seconds", "120"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)  # its first long-poll is up (it follows from the log as it is now)
        try:
            one, two = (make_desk(d, hub=True) for d in desks)
            sign_in(qtbot, one, "li", "1")
            sign_in(qtbot, two, "li", "2")
            called: list[tuple[str, str]] = []
            for _round in range(4):
                started = time.monotonic()
                one.act("call")  # both at once: each desk's worker asks the hub
                two.act("call")
                qtbot.waitUntil(lambda: one.current() is not None and two.current() is not None,
                                timeout=20_000)
                for desk, window in ((one, "1"), (two, "2")):
                    t = desk.current()
                    assert t.decided_by is None or t.decided_by in ("hub", "local")
                    called.append((t.id, window))
                numbers = {one.current().number, two.current().number}
                qtbot.waitUntil(lambda n=numbers: n <= {c.number for _, c in shown[-2:]},
                                timeout=10_000)
                latency = max(at for at, c in shown[-2:]) - started
                print(f"round {_round}: both calls on the display {latency * 1000:.0f} ms after "
                      "the keys")
                one.act("done")
                two.act("done")
                qtbot.waitUntil(lambda: one.current() is None and two.current() is None,
                                timeout=20_000)
            ids = [i for i, _ in called]
            assert len(ids) == len(set(ids)) == 8  # never the same ticket at two windows
            with Hall.open(desks[0]) as hall:
                decided = {r[0] for r in hall.core.conn.execute(
                    "SELECT json_extract(payload, '$.decided_by') FROM events WHERE type = "
                    "'TicketCalled'")}
            assert decided == {"hub"}

            # the voice: each call's sentence rendered to <number>-<window>.wav
            qtbot.waitUntil(lambda: len(display.announcements) >= 8, timeout=20_000)
            for call, said in display.announcements:
                wav = said.rendered.result(timeout=20)
                assert wav == voice / f"{call.number}-{call.window}.wav"
                assert said.text == call_sentence(call.number, call.window).spoken
                assert wav_seconds(wav) > 1.0
        finally:
            out, err = led.communicate(timeout=120)
    finally:
        if led.poll() is None:
            led.kill()
        display.close()
        speaker.close()
        assert bridge.stop()
    assert led.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 8 and all(set(x) == {"number", "window", "called_at", "kind"}
                                   for x in lines)
    assert sorted((x["number"], x["window"]) for x in lines) == sorted(
        (c.number, c.window) for _, c in shown)
    assert {x["kind"] for x in lines} == {"call"}
    for x in lines:
        assert (tmp_path / "led-voice" / f"{x['number']}-{x['window']}.wav").stat().st_size > 44


def test_a_display_that_loses_the_hub_says_so_and_keeps_the_last_call(
        shell: Shell, hub, tmp_path: Path, qtbot: QtBot) -> None:
    screen = member(hub, tmp_path / "screen", "S1")
    kiosk = member(hub, tmp_path / "kiosk", "K1")
    kiosk_takes(kiosk, 1)
    cred = credential.load(kiosk)
    with Hall.open(kiosk) as hall, SyncClient(hall, cred.server, cred.token) as client:
        hall.tickets.call_next(hall.kiosk().__class__.operator("t"), "4")
        client.once()
    bridge = HallBridge(face_opener(screen, "display"))
    with qtbot.waitSignal(bridge.ready, timeout=20_000):
        bridge.start()
    stop = threading.Event()
    from sync import runner

    bridge.start_sync(lambda: runner.run_forever(lambda: Hall.open(screen), credential.load(
        screen), stop, wait=2.0, cap=1.0) and None, stop.set)
    display = DisplayWindow(bridge, None)
    display.show()
    try:
        qtbot.waitUntil(lambda: display.number.text() == "A001", timeout=20_000)
        qtbot.wait(1500)  # a status read after the first pull
        assert not display.status.isVisible()
        hub.stop()
        qtbot.waitUntil(lambda: display.status.isVisible(), timeout=30_000)
        assert "中断" in display.status.text()
        assert display.number.text() == "A001" and "4" in display.where.text()
    finally:
        display.close()
        assert bridge.stop()
