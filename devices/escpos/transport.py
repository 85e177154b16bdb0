"""Printer I/O through python-escpos's transports, and the `DLE EOT 4` paper status.

URLs: `tcp://host:port` (9100 by default), `serial:///dev/ttyUSB0?baudrate=9600` or a bare
device path, `usb://04b8:0202`. python-escpos's own `paper_status()` reports "plenty of paper"
when the printer does not answer; here no reply is "unknown", never "ok".
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from devices.errors import DeviceError, PrinterOffline
from devices.ports import PaperState

if TYPE_CHECKING:
    from escpos.escpos import Escpos

DLE_EOT_PAPER = b"\x10\x04\x04"


def paper_state(reply: bytes) -> PaperState:
    """Decode the DLE EOT 4 reply: bits 1 and 4 are always set, bits 0 and 7 always clear."""
    for byte in reversed(reply):
        if byte & 0x93 == 0x12:
            if byte & 0x60:
                return "out"
            if byte & 0x0C:
                return "near_end"
            return "ok"
    return "unknown"


class PrinterUrlError(DeviceError):
    """A printer URL that names no printer: a mistake on the command line or in devices.json,
    found before anything is issued or sent (CLI exit 2, usage)."""

    code = "printer_url"
    exit_code = 2


def check_url(url: str) -> tuple[str, str | int, int | str]:
    """What a printer URL names, checked without touching the printer: ("tcp", host, port),
    ("serial", path, baudrate) or ("usb", vendor, product). Raises PrinterUrlError."""
    usage = "use tcp://host:port, serial:///dev/…?baudrate=9600, or usb://VID:PID"
    try:
        parts = urlsplit(url.strip())
        port = parts.port if parts.scheme == "tcp" else None
    except ValueError as exc:  # a port beyond 0-65535, a malformed address
        raise PrinterUrlError(f"printer URL {url!r}: {exc}; {usage}") from None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise PrinterUrlError(f"printer URL {url!r} names no host; {usage}")
        if port == 0:
            raise PrinterUrlError(f"printer URL {url!r}: port 0 is no printer's port; {usage}")
        return "tcp", parts.hostname, port or 9100
    if parts.scheme in ("serial", "") and (parts.path or "").startswith("/"):
        baud = query.get("baudrate", "9600")
        if not baud.isdigit() or not 0 < int(baud) <= 4_000_000:
            raise PrinterUrlError(f"printer URL {url!r}: baudrate {baud!r} is not a serial "
                                  "speed (e.g. 9600, 115200)")
        return "serial", parts.path, int(baud)
    if parts.scheme == "usb":
        try:
            vendor, product = (int(x, 16) for x in parts.netloc.split(":"))
        except ValueError:
            raise PrinterUrlError(f"printer URL {url!r}: expected usb://VID:PID in hex") from None
        if not (0 <= vendor <= 0xFFFF and 0 <= product <= 0xFFFF):
            raise PrinterUrlError(f"printer URL {url!r}: VID and PID are 4 hex digits each")
        return "usb", vendor, product
    raise PrinterUrlError(f"unknown printer URL {url!r}: {usage}")


def _escpos_for(url: str, timeout: float) -> Escpos:
    kind, where, extra = check_url(url)
    if kind == "tcp":
        from escpos.printer import Network

        return Network(str(where), int(extra), timeout=timeout)
    if kind == "serial":
        from escpos.printer import Serial

        return Serial(str(where), baudrate=int(extra), timeout=timeout)
    import importlib.util

    if importlib.util.find_spec("usb") is None:  # python-escpos drives USB through pyusb
        raise PrinterOffline(f"打印机 {url}：USB 打印需要 pyusb（未安装）")
    from escpos.printer import Usb

    return Usb(int(where), int(extra), timeout=int(timeout * 1000))


class EscposPrinter:
    """One open connection to a receipt printer; implements ports.Printer."""

    def __init__(self, url: str, *, timeout: float = 3.0, status_timeout: float = 0.5) -> None:
        self.url = url
        self.status_timeout = status_timeout
        self._dev = _escpos_for(url, timeout)
        try:
            if isinstance(getattr(self._dev, "host", None), str):
                self._open_tcp(timeout)
            else:
                self._dev.open()
        except Exception as exc:  # python-escpos raises DeviceNotFoundError and friends
            self._dev.close()
            raise PrinterOffline(f"打印机 {url} 连接不上：{_short(exc)}") from exc

    def _open_tcp(self, timeout: float) -> None:
        """Network.open() drops its socket unclosed when connect fails: connect here instead."""
        dev: Any = self._dev
        sock = socket.create_connection((dev.host, dev.port), timeout=timeout)
        dev.device = sock

    def __enter__(self) -> EscposPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, data: bytes) -> None:
        try:
            self._dev._raw(data)
        except (OSError, ValueError) as exc:
            raise PrinterOffline(f"打印机 {self.url} 断开：{_short(exc)}") from exc

    def paper_status(self) -> PaperState:
        """Ask `DLE EOT 4`; silence, a broken line or an odd byte all mean 'unknown'."""
        dev: Any = self._dev.device
        try:
            self._drain(dev)
            self._dev._raw(DLE_EOT_PAPER)
            reply = self._read(dev)
        except (OSError, ValueError):
            return "unknown"
        return paper_state(reply)

    def _read(self, dev: Any) -> bytes:
        if isinstance(dev, socket.socket):
            dev.settimeout(self.status_timeout)
            try:
                return dev.recv(16)
            except TimeoutError:
                return b""
            finally:
                dev.settimeout(self._dev_timeout())
        old = getattr(dev, "timeout", None)
        if old is not None:  # a serial line: wait for the status byte only briefly
            dev.timeout = self.status_timeout
        try:
            data: bytes = bytes(self._dev._read())
        finally:
            if old is not None:
                dev.timeout = old
        return data

    def _drain(self, dev: Any) -> None:
        """Drop a late reply to an earlier query so it is not taken for this one."""
        if isinstance(dev, socket.socket):
            dev.setblocking(False)
            try:
                while dev.recv(64):
                    pass
            except (BlockingIOError, InterruptedError):
                pass
            finally:
                dev.settimeout(self._dev_timeout())

    def _dev_timeout(self) -> float:
        return float(getattr(self._dev, "timeout", 3.0))

    def close(self) -> None:
        self._dev.close()


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__
