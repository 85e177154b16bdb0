"""QR scanners: serial (USB-COM) line scanners and keyboard-wedge burst detection.

Payloads (身份码, 企业码, any QR) stay opaque strings here; resolving them is the core's business.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from devices.errors import DeviceMissing, DeviceTimeout, ScanError

MAX_PAYLOAD = 4096  # a QR holds at most ~3 KB: longer without a terminator is line noise


def decode_payload(raw: bytes) -> str:
    """UTF-8 first (modern codes), then GB18030 (scanners set to the Chinese code page)."""
    raw = raw.strip(b"\r\n\x00")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScanError("扫码内容无法解码（既不是 UTF-8 也不是 GB18030）")


class SerialScanner:
    """A scanner on a serial port sending one CR/LF-terminated payload per scan."""

    def __init__(self, port: str, *, baudrate: int = 9600) -> None:
        import serial

        try:
            self._port = serial.Serial(port, baudrate=baudrate, timeout=0.2)
        except (serial.SerialException, OSError) as exc:
            raise DeviceMissing(f"打不开扫码器 {port}：{exc}") from exc
        self._buffer = b""

    def read_payload(self, timeout: float | None = None) -> str:
        """The next non-empty payload; DeviceTimeout after `timeout` seconds (None: wait)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            for sep in (b"\r\n", b"\n", b"\r"):
                line, found, rest = self._buffer.partition(sep)
                if found and b"\r" not in line and b"\n" not in line:
                    self._buffer = rest
                    if line.strip():
                        return decode_payload(line)
                    break
            else:
                if len(self._buffer) > MAX_PAYLOAD:
                    self._buffer = b""
                    raise ScanError("扫码器发来的数据没有结束符，已丢弃")
                if deadline is not None and time.monotonic() >= deadline:
                    raise DeviceTimeout("等待扫码超时")
                self._buffer += self._port.read(max(self._port.in_waiting, 1))
                continue

    def close(self) -> None:
        self._port.close()

    def __enter__(self) -> SerialScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class WedgeDetector:
    """Tell a keyboard-wedge scanner's burst from a person typing, from key timestamps alone.

    A scanner types every character 5–20 ms after the last and ends with Enter; a person needs
    80 ms or more. Feed (char, monotonic seconds); a finished burst is returned at its Enter.
    Characters that turn out to be typed by a person are left in `typed` for the face to pass on.
    """

    max_gap: float = 0.035  # a little over the slowest scanners' 20 ms, far under typing
    min_length: int = 4  # shorter bursts are a fast typist's double-tap, not a code
    _burst: list[str] = field(default_factory=list)
    _last: float | None = None
    typed: list[str] = field(default_factory=list)

    def feed(self, char: str, timestamp: float) -> str | None:
        gap = None if self._last is None else timestamp - self._last
        self._last = timestamp
        if gap is not None and gap > self.max_gap and self._burst:
            self.typed.extend(self._burst)  # too slow: it was a person after all
            self._burst = []
        if char in ("\r", "\n"):
            burst, self._burst = self._burst, []
            if len(burst) >= self.min_length and gap is not None and gap <= self.max_gap:
                return "".join(burst)
            self.typed.extend(burst)
            self.typed.append(char)
            return None
        self._burst.append(char)
        return None

    def expire(self, timestamp: float) -> bool:
        """No key came for longer than a scanner ever pauses: what is pending was typed by a
        person (a face calls this from a timer, so a lone keystroke is not held back)."""
        if self._burst and self._last is not None and timestamp - self._last > self.max_gap:
            self.typed.extend(self._burst)
            self._burst = []
            return True
        return False

    @property
    def pending(self) -> bool:
        """Characters are held back while it is not yet known who typed them."""
        return bool(self._burst)

    def take_typed(self) -> str:
        text, self.typed = "".join(self.typed), []
        return text
