"""demo --headless: a scripted hall day on the embedded defaults (without --headless, on a
machine with a display, the hall opens as windows: cli/demo_windows.py).

A local hub (the reference server on 127.0.0.1), a desk terminal enrolled with it (SQLCipher
store, numbers leased from the hub), a TCP 9100 printer emulator that renders every ticket to PNG,
and a GA 467 ID reader emulator on a pty that identifies applicants. The day runs on a simulated
clock that ends at the present moment, so it takes seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cli.common import common_options

Result = tuple[dict[str, Any], str | None]

HALL, DESK = "DEMO-HALL", "DESK1"
WINDOWS = {"1": None, "2": ["newborn", "retirement", "social_security_card", "hukou_transfer"],
           "3": ["enterprise_info_change", "restaurant_opening", "tax_invoice"]}
VISITORS = [
    ("newborn", "regular"), ("retirement", "elder"), ("restaurant_opening", "regular"),
    ("social_security_card", "regular"), ("hukou_transfer", "pregnant"),
    ("enterprise_info_change", "regular"), ("consultation", "regular"),
    ("newborn", "regular"), ("tax_invoice", "military"), ("retirement", "disabled"),
    ("medical_offsite_filing", "elder"), ("result_pickup", "regular"),
]
DAY_LENGTH = timedelta(hours=3)
DEMO_PASSWORD = "demo-hall-2026"  # the demo's own accounts, in its throwaway data dir


def register(sub: Any) -> None:
    p = sub.add_parser("demo", parents=[common_options()],
                       help="the hall as windows where there is a display, else a scripted day")
    p.add_argument("--headless", action="store_true", help="no screen: print a scripted day "
                   "(also what demo does where there is no display)")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=demo)


class SimulatedClock:
    """The demo's day: DAY_LENGTH ending now, squeezed after midnight when today is younger than
    that (a day that crossed midnight would split its figures over two hall days)."""

    def __init__(self, now: datetime) -> None:
        since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.scale = max(0.0, min(1.0, (since_midnight - timedelta(minutes=1)) / DAY_LENGTH))
        self.now = now - DAY_LENGTH * self.scale

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds * self.scale)


@contextmanager
def local_hub(folder: Path) -> Iterator[tuple[str, Any]]:
    """The reference server as this hall's hub, on a free port of 127.0.0.1, in a thread."""
    from sync.server.run import bound_socket, build, server

    app = build(folder, None, "hub")
    sock = bound_socket()
    port = sock.getsockname()[1]
    running = server(app, "127.0.0.1", port)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not running.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app.state.sync.engine
    finally:
        running.should_exit = True
        thread.join(15)
        sock.close()
        app.state.sync.engine.dispose()


def demo(args: argparse.Namespace) -> Result:
    from cli import demo_windows

    if not args.headless:
        if demo_windows.has_display():
            return demo_windows.run(args)
        sys.stderr.write("demo: no display here ($DISPLAY is not set): the scripted day, "
                         "headless\n")
    return headless_day(args)


def headless_day(args: argparse.Namespace) -> Result:
    from sqlalchemy import text

    from cli import sync_cmd
    from devices.emulators.id_reader import IdReaderEmulator
    from devices.emulators.people import RESIDENT
    from devices.emulators.printer import PrinterEmulator
    from hall.config import CallPolicy, TerminalConfig, save
    from hall.terminal_setup import setup_terminal
    from sync.server import db

    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="tingduan-demo-"))
    desk_dir = folder / "desk1"
    config = TerminalConfig(HALL, DESK, numbering="member", short_code="D1",
                            hall_name="十堰市政务服务中心(演示)",
                            policy=CallPolicy(max_wait_minutes=30))
    setup_terminal(desk_dir, HALL, DESK)  # the store first: a set-up terminal never makes one
    save(desk_dir, config)
    with local_hub(folder / "hub") as (hub_url, hub_engine), \
            PrinterEmulator(0, folder / "printed") as printer, \
            IdReaderEmulator(RESIDENT) as id_reader:
        code = db.new_enroll_code(hub_engine, HALL, DESK)
        sync_cmd.enroll(argparse.Namespace(data_dir=desk_dir, server=hub_url, code=code,
                                           insecure=False, ca=None, replace_keys=False))
        log, figures = _day(args.seed, desk_dir, config, hub_url, hub_engine, printer,
                            id_reader)
        with hub_engine.connect() as conn:
            hub_events = int(conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one())
        printed = printer.wait_for(len(VISITORS), timeout=10) and len(printer.tickets)
    t = figures["total"]
    lines = [f"{e['time']}  {e['what']}  " + "  ".join(
        f"{k}={v}" for k, v in e.items() if k not in ("time", "what") and v is not None)
        for e in log]
    lines += [
        f"— day: issued {t['issued']}, served {t['served']}, no-show {t['no_show']}, "
        f"wait avg {_seconds(t['wait_avg_s'])}, service avg {_seconds(t['service_avg_s'])}",
        f"— hub {hub_url}: {hub_events} events; printer: {printed} tickets as PNG in "
        f"{folder / 'printed'}",
        f"— data: {folder}",
    ]
    return ({"day": log, "stats": figures, "hub_events": hub_events, "printed": printed,
             "data_dir": str(folder)}, "\n".join(lines))


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:g} s"


def _day(seed: int, desk_dir: Path, config: Any, hub_url: str, hub_engine: Any, printer: Any,
         id_reader: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from cli.printing import print_ticket
    from devices.ga467 import read_id_card
    from hall.app import Hall
    from hall.errors import DomainError
    from sync import credential
    from sync.client import SyncClient
    from sync.server.first_admin import hub_admin

    clock = SimulatedClock(datetime.now(config.zone))
    rng = random.Random(seed)
    hall = Hall.open(desk_dir, wall=clock)
    kiosk = hall.kiosk_session()
    # the hall's first admin is made on its hub and heard here (a hall terminal makes none)
    hub_admin(hub_engine, hall, "demo-admin", DEMO_PASSWORD).accounts.add(
        "demo-clerk", "clerk", DEMO_PASSWORD)
    clerks = {w: hall.sign_in("demo-clerk", DEMO_PASSWORD, window=w) for w in WINDOWS}
    operator = hall.operator_session()
    cred = credential.load(desk_dir)
    log: list[dict[str, Any]] = []

    def say(what: str, **data: Any) -> None:
        log.append({"time": clock.now.strftime("%H:%M:%S"), "what": what, **data})

    def serve(window: str) -> None:
        clerk = clerks[window]
        try:
            t = clerk.tickets.call_next(window).value
        except DomainError:
            return
        say("叫号", ticket=t.number, window=window)
        clock.advance(rng.uniform(10, 40))
        if rng.random() < 0.1:
            clerk.tickets.recall(t.id)
            say("重呼", ticket=t.number, window=window)
            clock.advance(30)
            clerk.tickets.no_show(t.id)
            say("过号", ticket=t.number, window=window)
            return
        clerk.tickets.start(t.id)
        service = hall.catalog.get(t.service)
        clock.advance(rng.uniform(120, 600))
        if service.materials:
            read = clerk.cards.read(read_id_card(id_reader.path, timeout=5),
                                    purpose="case")  # 读卡: nothing typed twice
            say("读卡", ticket=t.number, holder=f"{read.masked_name} {read.masked_id}")
            case = clerk.cases.accept(service.id, clerk.cards.applicant(read),
                                      _checklist(service, clock), ticket=t.id,
                                      promise="申请人承诺五个工作日内补交").value
            deferred = sum(1 for m in case.materials if m.status == "deferred")
            say("受理", ticket=t.number, case=case.number,
                materials=f"{len(case.materials)} (容缺 {deferred})")
        clerk.tickets.done(t.id)
        r = kiosk.ratings.rate(t.id, rng.choices([5, 4, 3, 2], weights=[70, 20, 7, 3])[0]).value
        say("评价", ticket=t.number, grade=r.grade_name)

    try:
        with SyncClient(hall, cred.server, cred.token) as client:
            client.once()  # number blocks from the hub before the doors open
            for window, services in WINDOWS.items():
                operator.windows.configure(window, services)  # the hall's set-up
            for i, (service, priority) in enumerate(VISITORS):
                t = kiosk.tickets.take(service, priority).value
                printed = print_ticket(hall, t, printer.url)
                say("取号", ticket=t.number, service=hall.catalog.get(service).name,
                    priority=priority, ahead=t.ahead, printed=printed["printed"])
                clock.advance(rng.uniform(60, 240))
                if i % 2 == 1:
                    for window in WINDOWS:
                        serve(window)
                    client.once()
            for _ in range(len(VISITORS)):
                for window in WINDOWS:
                    serve(window)
            result = client.once()
            say("同步", pushed=result["pushed"], pending=result["pending"])
        figures = operator.stats().to_json()
    finally:
        hall.close()
    return log, figures


def _checklist(service: Any, clock: SimulatedClock) -> list[Any]:
    """免提交 where an e-licence covers it, one 容缺 item under the case's promise, the rest
    submitted."""
    from hall.cases import MaterialItem

    items = [MaterialItem(m.name, "exempt" if m.e_licence else "submitted")
             for m in service.materials]
    deferrable = [m for m in service.materials if m.deferrable and not m.e_licence]
    if deferrable:
        m = deferrable[0]
        due = (clock.now + timedelta(days=5)).date().isoformat()
        items = [i for i in items if i.name != m.name] + [MaterialItem(m.name, "deferred",
                                                                       due=due)]
    return items
