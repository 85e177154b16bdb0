"""Opening what a kiosk runs on: the hall (on the bridge's worker thread), the devices of
`devices.json`, the voice, the paper counter, and sync on its own threads when the terminal is
enrolled with a hub. Heavy imports (the hall's store, httpx) happen on those threads, so the
first screen paints without waiting for them."""

from __future__ import annotations

from pathlib import Path

from kiosk.devices import KioskDevices
from kiosk.flows.base import KioskContext
from kiosk.paper import PaperCounter
from kiosk.voice import Guide
from sync.starter import enrolled as is_enrolled
from sync.starter import start_sync
from ui.app import Shell
from ui.bridge import HallBridge
from ui.opening import face_opener


def open_context(data_dir: Path, *, shell: Shell | None = None, voice: bool = True,
                 poll: float = 0.3, reopen: float = 2.0, probe_interval: float = 5.0,
                 idle_s: float | None = None, sync: bool = True,
                 wedge: bool = True) -> KioskContext:
    """Everything a kiosk window needs, started by `ctx.start()` (the window calls it after its
    first paint); with a shell, everything stops at quit."""
    from devices.config import load_device_config

    bridge = HallBridge(face_opener(data_dir, "kiosk"))  # the kiosk's own session, no more
    failure = None
    try:
        config = load_device_config(data_dir)
    except Exception as exc:  # a broken devices.json: no devices, and the screen says why
        from hall.errors import HallError

        config = {}
        failure = exc if isinstance(exc, HallError) else None
    devices = KioskDevices(config, data_dir / "spool", poll=poll, reopen=reopen,
                           probe_interval=probe_interval, wedge=wedge)
    guide = Guide(data_dir, enabled=voice)
    paper = PaperCounter(data_dir)
    enrolled = sync and is_enrolled(data_dir)
    ctx = KioskContext(bridge, devices, guide, paper, enrolled=enrolled, idle_s=idle_s)

    def start_all() -> None:
        bridge.start()
        if failure is not None:
            bridge.failed_to_open.emit(failure)
        devices.start()
        guide.start()
        paper.load()
        if enrolled:
            start_sync(data_dir, bridge.start_sync)

    ctx.starters.append(start_all)
    if shell is not None:
        shell.on_quit(lambda: close_context(ctx))
    return ctx


def close_context(ctx: KioskContext) -> None:
    if not ctx.started:
        ctx.paper.close()
        return
    ctx.devices.stop()
    ctx.guide.close()
    ctx.bridge.stop()
    ctx.paper.close()
