"""An incremental ESC/POS decoder: bytes as a printer receives them → tickets of lines.

It understands what our layouts and python-escpos send (text in GB18030 under FS &, sizes,
bold, alignment, native QR, raster images, feeds, cuts) and answers real-time status queries.
Anything else is skipped and noted, the way a printer ignores what it does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    text: str = ""
    align: str = "left"
    bold: bool = False
    width: int = 1
    height: int = 1
    qr: str | None = None  # a QR symbol's data instead of text
    image: tuple[int, int] | None = None  # a raster image's (width, height) in dots


@dataclass
class Ticket:
    lines: list[Line] = field(default_factory=list)
    cut: bool = False
    unknown: list[str] = field(default_factory=list)
    size: int = 0  # bytes received for this ticket

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines if line.qr is None)


class NeedMore(Exception):
    """The buffer ends inside a command."""


class Decoder:
    def __init__(self, reply: Callable[[bytes], None], paper: Callable[[], int | None]) -> None:
        self._reply = reply
        self._paper = paper  # the DLE EOT 4 status byte to answer with; None: stay silent
        self._buf = b""
        self.tickets: list[Ticket] = []
        self._reset()
        self._ticket = Ticket()
        self._text = bytearray()
        self._qr_data = b""

    def _reset(self) -> None:
        self.align, self.bold, self.width, self.height, self.chinese = "left", False, 1, 1, False

    def feed(self, data: bytes) -> list[Ticket]:
        """Decode what can be decoded; return the tickets completed (cut) by this data."""
        self._buf += data
        self._ticket.size += len(data)
        done_before = len(self.tickets)
        pos = 0
        while pos < len(self._buf):
            try:
                pos = self._step(pos)
            except NeedMore:
                break
        self._buf = self._buf[pos:]
        return self.tickets[done_before:]

    def finish(self) -> list[Ticket]:
        """The connection closed: an uncut ticket still came out of the printer."""
        self._flush_text()
        if self._ticket.lines:
            self.tickets.append(self._ticket)
            self._ticket = Ticket()
            return [self.tickets[-1]]
        return []

    def _need(self, pos: int, n: int) -> bytes:
        if pos + n > len(self._buf):
            raise NeedMore
        return self._buf[pos:pos + n]

    def _flush_text(self) -> None:
        if self._text:
            self._line(bytes(self._text))
            self._text.clear()

    def _line(self, raw: bytes) -> None:
        text = raw.decode("gb18030" if self.chinese else "cp437", errors="replace")
        self._ticket.lines.append(Line(text, self.align, self.bold, self.width, self.height))

    def _step(self, pos: int) -> int:
        b = self._buf[pos]
        if b == 0x0A:
            self._line(bytes(self._text))
            self._text.clear()
            return pos + 1
        if b == 0x0D:
            return pos + 1
        if b == 0x10:  # DLE EOT n: real-time status, answered at once
            _, eot, n = self._need(pos, 3)
            status = self._paper() if eot == 0x04 else None
            if status is not None:
                self._reply(bytes([status if n == 4 else 0x12]))
            return pos + 3
        if b == 0x1B:
            return self._esc(pos)
        if b == 0x1C:
            cmd = self._need(pos, 2)[1]
            if cmd == ord("&"):
                self.chinese = True
            elif cmd == ord("."):
                self.chinese = False
            elif cmd == ord("!"):
                return pos + 3
            else:
                self._ticket.unknown.append(f"FS {cmd:#04x}")
            return pos + 2
        if b == 0x1D:
            return self._gs(pos)
        if b < 0x20:
            self._ticket.unknown.append(f"{b:#04x}")
            return pos + 1
        self._text.append(b)
        return pos + 1

    def _esc(self, pos: int) -> int:
        cmd = self._need(pos, 2)[1]
        if cmd == ord("@"):
            self._flush_text()
            self._reset()
            return pos + 2
        n = self._need(pos, 3)[2]
        if cmd == ord("a"):
            self.align = {0: "left", 1: "center", 2: "right"}.get(n % 48, "left")
        elif cmd == ord("E"):
            self.bold = bool(n & 1)
        elif cmd == ord("!"):  # print mode: bold bit 3, double height bit 4, double width bit 5
            self.bold = bool(n & 0x08)
            self.height, self.width = (2 if n & 0x10 else 1), (2 if n & 0x20 else 1)
        elif cmd == ord("d"):
            self._flush_text()
            self._ticket.lines.extend(Line() for _ in range(n))
        elif cmd not in b"tM-G2":  # code page, font, underline, double strike: no effect here
            self._ticket.unknown.append(f"ESC {chr(cmd)!r}")
        if cmd == ord("2"):
            return pos + 2
        return pos + 3

    def _gs(self, pos: int) -> int:
        cmd = self._need(pos, 2)[1]
        if cmd == ord("!"):
            n = self._need(pos, 3)[2]
            self.width, self.height = (n >> 4) + 1, (n & 0x0F) + 1
            return pos + 3
        if cmd == ord("V"):
            m = self._need(pos, 3)[2]
            end = pos + (4 if m in (65, 66, 97, 98, 103, 104) else 3)
            self._need(pos, end - pos)
            self._flush_text()
            self._ticket.cut = True
            self.tickets.append(self._ticket)
            self._ticket = Ticket()
            return end
        if cmd == ord("("):  # GS ( k pL pH cn fn …
            head = self._need(pos, 5)
            length = int.from_bytes(head[3:5], "little")
            body = self._need(pos + 5, length)
            if head[2] == ord("k") and body[:1] == b"1":
                self._qr(body[1], body[2:])
            return pos + 5 + length
        if cmd == ord("v"):  # GS v 0 m xL xH yL yH raster image
            head = self._need(pos, 8)
            x, y = int.from_bytes(head[4:6], "little"), int.from_bytes(head[6:8], "little")
            self._need(pos, 8 + x * y)
            self._flush_text()
            self._ticket.lines.append(Line(align=self.align, image=(x * 8, y)))
            return pos + 8 + x * y
        self._ticket.unknown.append(f"GS {chr(cmd)!r}")
        return pos + 3

    def _qr(self, fn: int, data: bytes) -> None:
        if fn == 80:
            self._qr_data = data[1:]  # after m = '0'
        elif fn == 81:
            self._flush_text()
            self._ticket.lines.append(Line(align=self.align,
                                           qr=self._qr_data.decode("utf-8", errors="replace")))
