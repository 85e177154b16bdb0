"""`devices …`: diagnostics and emulators for the hall's IT technician.

Nothing heavy is imported at module level (serial, smartcard, escpos, PIL): the CLI starts fast
and a command loads only the stack it drives.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.common import common_options, data_dir, port, positive_int, seconds

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    devices = sub.add_parser("devices", help="card readers, printers, scanners: check and emulate")
    leaves = devices.add_subparsers(dest="devices_command", metavar="DEVICE_COMMAND")

    def leaf(name: str, handler: Any, help_text: str, parent: Any = leaves) -> Any:
        parser = parent.add_parser(name, parents=[common], help=help_text)
        parser.set_defaults(handler=handler)
        return parser

    leaf("list", cmd_list, "serial ports, PC/SC readers, configured printers")
    p = leaf("check", cmd_check, "check each configured device: ok / missing / error")
    _device_options(p)
    p = leaf("read-id", cmd_read_id, "read an ID card through a GA 467 reader")
    p.add_argument("--port", required=True, help="serial port of the reader, e.g. /dev/ttyUSB0")
    _card_options(p)
    p = leaf("read-sscard", cmd_read_sscard, "read a 社会保障卡 over PC/SC")
    p.add_argument("--reader", default=None, help="PC/SC reader name (default: any)")
    _card_options(p)
    p = leaf("print-test", cmd_print_test, "print a sample ticket and a sample receipt")
    p.add_argument("--printer", required=True, help="tcp://host:port, serial:///dev/…, usb://V:P")
    p = leaf("scan", cmd_scan, "wait for one QR payload from a serial scanner")
    p.add_argument("--port", required=True)
    p.add_argument("--baudrate", type=positive_int, default=9600)
    p.add_argument("--timeout", type=seconds, default=30.0)

    emulate = leaves.add_parser("emulate", help="run a device emulator (for the demo and tests)")
    kinds = emulate.add_subparsers(dest="emulator", metavar="KIND")
    p = leaf("id-reader", emulate_id_reader, "GA 467 reader on a pty; on stdin: lift | put "
             "[resident|elder|foreign|hk]", kinds)
    p.add_argument("--card", default="resident",
                   choices=["resident", "elder", "foreign", "hk", "none"],
                   help="the card lying on the reader at start (none: an empty reader)")
    p.add_argument("--link", type=Path, default=None, help="also reachable as this symlink")
    _run_options(p)
    p = leaf("sscard", emulate_sscard, "a virtual 社保卡 in pcscd's vpcd reader; on stdin: "
             "lift | put", kinds)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--vpcd-port", type=port, default=35963)
    p.add_argument("--blocked", action="store_true", help="a card whose application is locked")
    _run_options(p)
    for parent, name in ((kinds, "printer"), (leaves, "printer-emulator")):
        p = leaf(name, emulate_printer, "TCP 9100 printer writing tickets as PNG + text; on "
                 "stdin: paper ok|near-end|out, unplug, plug", parent)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=port, default=9100)
        p.add_argument("--out", type=Path, required=True, help="where tickets are written")
        p.add_argument("--paper", choices=["ok", "near-end", "out"], default="ok",
                       help="the paper roll at start (out: jobs are swallowed, as a real "
                       "printer does)")
        _run_options(p)
    p = leaf("scanner", emulate_scanner, "serial QR scanner on a pty", kinds)
    p.add_argument("--payload", action="append", default=[],
                   help="send this payload (repeatable); default: read lines from stdin")
    p.add_argument("--every", type=seconds, default=2.0, help="seconds between payloads")
    p.add_argument("--link", type=Path, default=None)
    _run_options(p)


def _card_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=seconds, default=10.0, help="seconds to wait for a card")
    p.add_argument("--reveal", action="store_true", help="show personal fields unmasked")


def _device_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--id-reader", default=None)
    p.add_argument("--sscard-reader", default=None)
    p.add_argument("--printer", default=None)
    p.add_argument("--scanner", default=None)


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seconds", type=seconds, default=None, help="stop after this long")


# --- diagnostics -------------------------------------------------------------------------------
def cmd_list(args: argparse.Namespace) -> Result:
    from devices.config import load_device_config
    from devices.errors import DeviceError

    try:
        from serial.tools.list_ports import comports

        ports = [{"device": p.device, "description": p.description} for p in comports()]
    except ImportError:
        ports = []
    readers: list[str] = []
    pcsc_error = None
    try:
        from devices.sscard import reader_names

        readers = reader_names()
    except DeviceError as exc:
        pcsc_error = exc.message
    config = load_device_config(data_dir(args.data_dir))
    printers = [config["printer"]] if "printer" in config else []
    result = {"serial_ports": ports, "pcsc_readers": readers, "pcsc_error": pcsc_error,
              "printers": printers, "configured": config}
    lines = ["serial ports:"] + [f"  {p['device']}  {p['description']}" for p in ports]
    lines += ["PC/SC readers:"] + [f"  {r}" for r in readers]
    if pcsc_error:
        lines.append(f"  ({pcsc_error})")
    lines += ["printers:"] + [f"  {u}" for u in printers]
    return result, "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> Result:
    """Each configured device (devices.json of the data dir, or the options): exit 0 when every
    one answers, 4 (device) when any is missing or in error, with every device's state."""
    from cli.output import EXIT_DEVICE, Failed
    from devices.config import DEVICES_FILE, load_device_config

    folder = data_dir(args.data_dir)
    config = load_device_config(folder)
    for kind in ("id_reader", "sscard_reader", "printer", "scanner"):
        if getattr(args, kind):
            config[kind] = getattr(args, kind)
    checks = [_check(kind, target) for kind, target in config.items()]
    lines = [f"{c['kind']:<14} {c['target']:<32} {c['state']}"
             + (f"  {c['reason']}" if c["reason"] else "") for c in checks]
    bad = [c for c in checks if c["state"] != "ok"]
    if bad:
        raise Failed("devices_missing", f"{len(bad)} of {len(checks)} devices do not answer: "
                     + "; ".join(f"{c['kind']} {c['target']}: {c['state']}"
                                 + (f" ({c['reason']})" if c["reason"] else "") for c in bad),
                     {"devices": checks}, EXIT_DEVICE)
    return {"devices": checks}, "\n".join(lines) or (
        f"no devices configured ({folder / DEVICES_FILE})")


def _check(kind: str, target: str) -> dict[str, Any]:
    from devices.errors import DeviceError, DeviceMissing, PrinterOffline

    reason = None
    try:
        reason = _probe(kind, target)
        state = "ok"
    except (DeviceMissing, PrinterOffline) as exc:
        state, reason = "missing", exc.message
    except DeviceError as exc:
        state, reason = "error", exc.message
    return {"kind": kind, "target": target, "state": state, "reason": reason}


def _probe(kind: str, target: str) -> str | None:
    from devices.errors import DeviceError, DeviceMissing

    if kind == "id_reader":
        from devices.ga467 import Ga467Reader

        with Ga467Reader(target) as reader:
            reader.status()
            return f"SAM {reader.sam_id()}"
    if kind == "sscard_reader":
        from devices.sscard import reader_names

        if target not in reader_names():
            raise DeviceMissing(f"没有名为 {target!r} 的读卡器")
        return None
    if kind == "printer":
        from devices.escpos.transport import EscposPrinter

        with EscposPrinter(target) as printer:
            paper = printer.paper_status()
        if paper == "out":
            raise DeviceError("打印机缺纸", code="paper_out")
        return f"paper: {paper}"
    from devices.scanner import SerialScanner

    SerialScanner(target).close()
    return None


def _card_result(card: Any, reveal: bool) -> Result:
    public = card.public(reveal)  # the photo is never part of it
    return {"card": public}, "\n".join(f"{k}: {v}" for k, v in public.items())


def cmd_read_id(args: argparse.Namespace) -> Result:
    from devices.ga467 import read_id_card

    return _card_result(read_id_card(args.port, args.timeout), args.reveal)


def cmd_read_sscard(args: argparse.Namespace) -> Result:
    from devices.sscard import read_social_card

    return _card_result(read_social_card(args.reader, args.timeout), args.reveal)


def cmd_print_test(args: argparse.Namespace) -> Result:

    from devices.escpos import print_layout, receipt_layout, ticket_layout
    from devices.escpos.transport import check_url
    from hall.clock import system_now

    check_url(args.printer)
    ticket = ticket_layout("A001", "综合受理", system_now().astimezone(_hall_zone(args)), 3,
                           "https://zwfw.example.gov.cn/q/TEST/A001", "打印测试 · 政务服务中心",
                           ["这是一张测试票", "请留意叫号屏与语音提示"])
    receipt = receipt_layout("受理回执（测试）", [("事项", "居民身份证换领"), ("申请人", "张*"),
                                                ("证件号", "420302********1234")],
                             hall_name="政务服务中心", footer=["本回执为打印测试"])
    results = [print_layout(args.printer, layout) for layout in (ticket, receipt)]
    return ({"printer": args.printer, "jobs": results},
            f"printed a sample ticket and a sample receipt on {args.printer}")


def _hall_zone(args: argparse.Namespace) -> Any:
    """The hall's timezone (config.json of the data dir; the default zone when not set up):
    printed times are hall time, like a real ticket's."""
    from zoneinfo import ZoneInfo

    from hall import config as config_file
    from hall.errors import ConfigError

    try:
        return config_file.load(data_dir(args.data_dir)).zone
    except ConfigError:
        return ZoneInfo(config_file.DEFAULT_TIMEZONE)


def cmd_scan(args: argparse.Namespace) -> Result:
    from devices.scanner import SerialScanner

    with SerialScanner(args.port, baudrate=args.baudrate) as scanner:
        payload = scanner.read_payload(args.timeout)
    return {"payload": payload}, payload


# --- emulators ---------------------------------------------------------------------------------
def _say(args: argparse.Namespace, line: str, **fields: Any) -> None:
    """Status lines of a running emulator: JSON lines with --json, text otherwise."""
    if args.json:
        import json

        line = json.dumps({"status": line, **fields}, ensure_ascii=False)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _stopper() -> threading.Event:
    """Set by SIGTERM; installed before an emulator announces itself, so no TERM is missed."""
    import signal

    from cli.interrupts import interrupt_as_exception

    done = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: done.set())
    interrupt_as_exception()  # Ctrl-C stops an emulator gracefully (its pty link removed)
    return done


def _run(args: argparse.Namespace, done: threading.Event) -> None:
    """Block until interrupted (Ctrl-C / SIGTERM) or --seconds."""
    try:
        done.wait(args.seconds)
    except KeyboardInterrupt:
        pass


def _link(path: Path | None, target: str) -> None:
    if path is not None:
        path.unlink(missing_ok=True)
        path.symlink_to(target)


def _commands(args: argparse.Namespace, what: str,
              handle: Callable[[list[str]], str | None]) -> None:
    """Commands typed on stdin (one a line) change the emulated device while it runs: the
    technician lifts a card or runs the printer out of paper to see what each face does.
    Each is answered by a status line (`_say`); a line it does not know says what it takes."""

    def serve() -> None:
        pending = b""
        while True:
            try:
                # the raw descriptor, not sys.stdin: a daemon thread blocked inside stdin's
                # buffer lock can abort the interpreter at exit
                chunk = os.read(0, 4096)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode("utf-8", "replace").split()
                if words:
                    said = handle(words)
                    _say(args, said if said is not None else
                         f"unknown command {' '.join(words)!r}; {what}", command=words[0])

    threading.Thread(target=serve, name="emulator-commands", daemon=True).start()


def emulate_id_reader(args: argparse.Namespace) -> Result:
    done = _stopper()
    from devices.emulators import people
    from devices.emulators.id_reader import IdReaderEmulator

    def card_of(kind: str) -> Any:
        return None if kind == "none" else people.ID_CARDS[kind]

    with IdReaderEmulator(card_of(args.card), english_name=people.FOREIGN_ENGLISH_NAME) as emu:
        _link(args.link, emu.path)
        kinds = "|".join(people.ID_CARDS)

        def handle(words: list[str]) -> str | None:
            if words == ["lift"]:
                emu.present(None)
                return "card lifted: the reader is empty"
            if words[0] == "put" and len(words) <= 2:
                kind = words[1] if len(words) == 2 else "resident"
                if kind in people.ID_CARDS:
                    emu.present(card_of(kind), english_name=people.FOREIGN_ENGLISH_NAME)
                    return f"{kind} card on the reader"
            return None

        _say(args, f"GA 467 reader emulator on {emu.path} ({args.card} card); type lift or "
             f"put {kinds}", port=emu.path)
        _commands(args, f"lift | put {kinds}", handle)
        _run(args, done)
        reads = emu.reads
    if args.link is not None:
        args.link.unlink(missing_ok=True)
    return {"stopped": True, "reads": reads}, f"stopped after {reads} reads"


def emulate_sscard(args: argparse.Namespace) -> Result:
    done = _stopper()
    from devices.emulators import people
    from devices.emulators.sscard import CardBehaviour, VirtualSocialCard
    from devices.errors import DeviceMissing

    card = VirtualSocialCard(people.SOCIAL, host=args.host, port=args.vpcd_port,
                             behaviour=CardBehaviour(blocked=args.blocked))
    try:
        card.insert()
    except OSError as exc:
        card.close()
        raise DeviceMissing(f"vpcd 不在 {args.host}:{args.vpcd_port}（pcscd 未运行？）：{exc}") \
            from exc
    with card:
        def handle(words: list[str]) -> str | None:
            if words == ["lift"]:
                card.remove()
                return "card lifted from the reader"
            if words == ["put"]:
                if not card.inserted:
                    card.insert()
                return "card on the reader"
            return None

        _say(args, f"virtual 社保卡 inserted in vpcd at {args.host}:{args.vpcd_port}; type "
             "lift or put")
        _commands(args, "lift | put", handle)
        _run(args, done)
        apdus = len(card.behaviour.apdus)
    return {"stopped": True, "apdus": apdus}, f"card removed after {apdus} APDUs"


def emulate_printer(args: argparse.Namespace) -> Result:
    done = _stopper()
    from devices.emulators.printer import PrinterEmulator

    with PrinterEmulator(args.port, args.out, host=args.host) as emu:
        emu.paper = args.paper.replace("-", "_")

        def handle(words: list[str]) -> str | None:
            if len(words) == 2 and words[0] == "paper" and words[1] in ("ok", "near-end", "out"):
                emu.paper = words[1].replace("-", "_")
                return f"paper {words[1]}"
            if words == ["unplug"]:
                emu.unplug()
                return "unplugged: nothing answers on the port"
            if words == ["plug"]:
                if not emu.plugged:
                    emu.plug()
                return f"plugged in on {emu.url}"
            return None

        _say(args, f"printer emulator on {emu.url}, tickets to {args.out}, paper {args.paper}; "
             "type paper ok|near-end|out, unplug or plug", url=emu.url)
        _commands(args, "paper ok|near-end|out | unplug | plug", handle)
        _run(args, done)
    count = len(emu.tickets)  # after close: a ticket being rendered has been counted
    return {"stopped": True, "tickets": count}, f"stopped after {count} tickets"


def emulate_scanner(args: argparse.Namespace) -> Result:
    done = _stopper()
    from devices.emulators.scanner import SAMPLE_PAYLOADS, ScannerEmulator

    with ScannerEmulator() as emu:
        _link(args.link, emu.path)
        _say(args, f"scanner emulator on {emu.path}", port=emu.path)
        if args.payload:
            stop = threading.Event()

            def send_all() -> None:
                for payload in args.payload:
                    if stop.wait(args.every):
                        return
                    emu.scan(payload)

            sender = threading.Thread(target=send_all, daemon=True)
            sender.start()
            _run(args, done)
            stop.set()
            sender.join()
        else:
            _say(args, "type a payload and Enter to scan it; samples: "
                 + ", ".join(SAMPLE_PAYLOADS.values()))
            try:
                for line in sys.stdin:
                    if line.strip():
                        emu.scan(line.strip())
            except KeyboardInterrupt:
                pass
    if args.link is not None:
        args.link.unlink(missing_ok=True)
    return {"stopped": True}, "stopped"
