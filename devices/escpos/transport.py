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


def _escpos_for(url: str, timeout: float) -> Escpos:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "tcp":
        from escpos.printer import Network

        if not parts.hostname:
            raise DeviceError(f"printer URL {url!r} names no host", code="printer_url")
        return Network(parts.hostname, parts.port or 9100, timeout=timeout)
    if parts.scheme in ("serial", "") and (parts.path or "").startswith("/"):
        from escpos.printer import Serial

        return Serial(parts.path, baudrate=int(query.get("baudrate", "9600")), timeout=timeout)
    if parts.scheme == "usb":
        import importlib.util

        if importlib.util.find_spec("usb") is None:  # python-escpos drives USB through pyusb
            raise PrinterOffline(f"打印机 {url}：USB 打印需要 pyusb（未安装）")
        from escpos.printer import Usb

        try:
            vendor, product = (int(x, 16) for x in parts.netloc.split(":"))
        except ValueError:
            raise DeviceError(f"printer URL {url!r}: expected usb://VID:PID in hex",
                              code="printer_url") from None
        return Usb(vendor, product, timeout=int(timeout * 1000))
    raise DeviceError(f"unknown printer URL {url!r}: use tcp://host:port, serial:///dev/…, "
                      "or usb://VID:PID", code="printer_url")


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
