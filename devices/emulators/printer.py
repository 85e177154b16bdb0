"""A TCP 9100 receipt printer: decodes ESC/POS, answers DLE EOT 4, writes each ticket as a PNG
and a text rendering (ticket-0001.png / ticket-0001.txt) into an output directory.

`paper` is 'ok', 'near_end' or 'out' (the job is then lost, as on a real printer that swallows
it); `silent` makes it ignore status queries; `unplug()` / `plug()` close and reopen the port.
"""

from __future__ import annotations

import select
import socket
import threading
import unicodedata
from pathlib import Path
from typing import Any

from devices.emulators.escpos_decode import Decoder, Line, Ticket

PAPER_BYTES = {"ok": 0x12, "near_end": 0x1E, "out": 0x72}
DOTS = 576  # an 80 mm head: 72 mm printable at 8 dots/mm
COLUMNS = 48  # font A, 12 dots a column
FONT_PATHS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"]


class PrinterEmulator:
    def __init__(self, port: int = 9100, out_dir: Path | None = None,
                 host: str = "127.0.0.1") -> None:
        self.host, self.port, self.out_dir = host, port, out_dir
        self.paper = "ok"
        self.silent = False
        self.tickets: list[Ticket] = []
        self.lost = 0  # tickets received while out of paper
        self.status_queries = 0
        self.printed = threading.Condition()
        self._listener: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PrinterEmulator:
        self.plug()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    @property
    def plugged(self) -> bool:
        return self._listener is not None

    def plug(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(4)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, name="printer-emulator", daemon=True)
        self._thread.start()

    def unplug(self) -> None:
        if self._thread is not None:
            self._wake_w.send(b"x")
            self._thread.join(timeout=5)
            self._wake_r.recv(16)
            self._thread = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def close(self) -> None:
        self.unplug()
        self._wake_r.close()
        self._wake_w.close()

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        with self.printed:
            return self.printed.wait_for(lambda: len(self.tickets) >= count, timeout)

    def _serve(self) -> None:
        assert self._listener is not None
        while True:
            ready, _, _ = select.select([self._listener, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            conn, _ = self._listener.accept()
            with conn:
                if not self._session(conn):
                    return

    def _session(self, conn: socket.socket) -> bool:
        """Serve one connection; False when asked to stop."""
        decoder = Decoder(conn.sendall, self._status)
        while True:
            ready, _, _ = select.select([conn, self._wake_r], [], [])
            if self._wake_r in ready:
                return False
            try:
                data = conn.recv(65536)
            except OSError:
                data = b""
            if not data:
                self._emit(decoder.finish())
                return True
            tickets = decoder.feed(data)
            if self.paper == "out":  # swallowed, as a real printer without paper does
                self.lost += len(tickets)
            else:
                self._emit(tickets)

    def _status(self) -> int | None:
        self.status_queries += 1
        return None if self.silent else PAPER_BYTES[self.paper]

    def _emit(self, tickets: list[Ticket]) -> None:
        for ticket in tickets:
            number = len(self.tickets) + 1  # only this thread appends
            if self.out_dir is not None:  # files first: a waiter may read them at once
                self.out_dir.mkdir(parents=True, exist_ok=True)
                stem = self.out_dir / f"ticket-{number:04d}"
                stem.with_suffix(".txt").write_text(render_text(ticket), encoding="utf-8")
                render_png(ticket).save(stem.with_suffix(".png"))
            with self.printed:
                self.tickets.append(ticket)
                self.printed.notify_all()


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_text(ticket: Ticket) -> str:
    """A monospace rendering, 48 columns; double width counts double; QR codes as [QR …]."""
    out = []
    for line in ticket.lines:
        body = (f"[QR {line.qr}]" if line.qr is not None else
                f"[image {line.image[0]}x{line.image[1]}]" if line.image else line.text)
        width = _columns(body) * (line.width if line.qr is None else 1)
        pad = max(COLUMNS - width, 0)
        lead = pad // 2 if line.align == "center" else pad if line.align == "right" else 0
        out.append(" " * lead + body)
    out.append("-" * COLUMNS + (" ✂" if ticket.cut else " (no cut)"))
    return "\n".join(out) + "\n"


def font_path() -> str:
    import shutil
    import subprocess

    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"],
                               capture_output=True, text=True, check=False).stdout.strip()
        if found and "CJK" in found:
            return found
    for path in FONT_PATHS:
        if Path(path).exists():
            return path
    raise FileNotFoundError("no Noto CJK font: install fonts-noto-cjk")


def render_png(ticket: Ticket) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    path = font_path()
    pieces: list[Any] = []
    for line in ticket.lines:
        pieces.append(_render_line(line, path, Image, ImageDraw, ImageFont))
    height = sum(p.height for p in pieces) + 40
    page = Image.new("L", (DOTS, height), 255)
    y = 20
    for piece in pieces:
        page.paste(piece, (0, y))
        y += piece.height
    return page


def _render_line(line: Line, path: str, Image: Any, ImageDraw: Any, ImageFont: Any) -> Any:
    if line.qr is not None:
        import qrcode

        symbol = qrcode.make(line.qr, box_size=4, border=2).get_image().convert("L")
        img = Image.new("L", (DOTS, symbol.height), 255)
        img.paste(symbol, (_x(line.align, symbol.width), 0))
        return img
    if line.image is not None:
        img = Image.new("L", (DOTS, line.image[1]), 255)
        ImageDraw.Draw(img).rectangle((0, 0, min(line.image[0], DOTS) - 1, line.image[1] - 1),
                                      outline=0)
        return img
    size = 24 * line.height
    font = ImageFont.truetype(path, size, index=2 if path.endswith(".ttc") else 0)  # SC face
    text_w = int(font.getlength(line.text)) or 1
    glyphs = Image.new("L", (text_w, int(size * 1.25)), 255)
    ImageDraw.Draw(glyphs).text((0, 0), line.text, font=font, fill=0,
                                stroke_width=1 if line.bold else 0, stroke_fill=0)
    if line.width != line.height:  # stretch: GS ! sets width and height independently
        glyphs = glyphs.resize((max(text_w * line.width // line.height, 1), glyphs.height))
    img = Image.new("L", (DOTS, glyphs.height), 255)
    img.paste(glyphs.crop((0, 0, min(glyphs.width, DOTS), glyphs.height)),
              (_x(line.align, min(glyphs.width, DOTS)), 0))
    return img


def _x(align: str, width: int) -> int:
    return (DOTS - width) // 2 if align == "center" else DOTS - width if align == "right" else 0
