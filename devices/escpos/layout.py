"""Tickets and receipts as layout data, and their ESC/POS bytes.

Chinese goes out as `FS &` (Chinese character mode) + GB18030 bytes, QR codes as the printer's
native `GS ( k` (≈70 bytes where an image QR costs ≈900), and a command is only sent when the
print mode actually changes: a queue ticket fits in well under 512 bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from hall.logs import redact

if TYPE_CHECKING:
    from hall.slips import ReceiptSlip, TicketSlip

Align = Literal["left", "center", "right"]
ErrorLevel = Literal["L", "M", "Q", "H"]

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
ALIGN_CODES: dict[Align, int] = {"left": 0, "center": 1, "right": 2}
EC_CODES: dict[ErrorLevel, int] = {"L": 48, "M": 49, "Q": 50, "H": 51}

# A plain 18-character citizen number: a ticket or receipt may carry personal data only masked.
_UNMASKED_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
# An ID number as people type it in free text (a 不予受理 reason): 15 or 18 characters, maybe
# spaced or dashed in groups ("420302 19900101 1234").
_SPACED_ID = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ -]?[0-9]){13,16}[ -]?[0-9Xx](?![0-9A-Za-z])")


def masked(text: str) -> str:
    """Text as it may be printed (and wait in the spool): ID numbers (18 or 15 digits, spaced
    or not), mobile numbers and sealed tokens masked (hall/logs.py `redact` for the rest)."""
    def one(m: re.Match[str]) -> str:
        compact = re.sub(r"[ -]", "", m.group(0))
        if len(compact) not in (15, 18):
            return m.group(0)
        return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]
    return redact(_SPACED_ID.sub(one, text))


@dataclass(frozen=True)
class Text:
    text: str
    align: Align = "left"
    bold: bool = False
    width: int = 1  # character magnification 1–8
    height: int = 1


@dataclass(frozen=True)
class QR:
    data: str
    module: int = 6  # dot size of one module, 1–16
    ec: ErrorLevel = "M"
    align: Align = "center"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    partial: bool = True


Element = Text | QR | Feed | Cut


@dataclass(frozen=True)
class Layout:
    elements: tuple[Element, ...]

    def __post_init__(self) -> None:
        # Personal data in typed text is masked before it is laid out, so it never reaches the
        # printer's bytes nor the spool that keeps them while the printer is away.
        object.__setattr__(self, "elements", tuple(
            replace(el, text=masked(el.text)) if isinstance(el, Text) else el
            for el in self.elements))
        for el in self.elements:
            value = el.text if isinstance(el, Text) else el.data if isinstance(el, QR) else ""
            if _UNMASKED_ID.search(value):
                raise ValueError("a printed layout may carry an ID number only masked")
            if isinstance(el, Text) and not (1 <= el.width <= 8 and 1 <= el.height <= 8):
                raise ValueError(f"text size {el.width}x{el.height} is outside 1–8")
            if isinstance(el, QR) and not 1 <= el.module <= 16:
                raise ValueError(f"QR module size {el.module} is outside 1–16")


def _qr_function(fn: int, data: bytes) -> bytes:
    """GS ( k pL pH cn=49 fn data: the 2D-code function `fn` of the QR symbol."""
    return GS + b"(k" + (len(data) + 2).to_bytes(2, "little") + bytes([49, fn]) + data


def encode(layout: Layout) -> bytes:
    """Layout → ESC/POS bytes for an 80 mm (or 58 mm) thermal printer with a Chinese font."""
    out = bytearray(INIT + CHINESE_ON)
    align: Align = "left"
    bold = False
    size = (1, 1)

    def set_align(want: Align) -> None:
        nonlocal align
        if want != align:
            out.extend(ESC + b"a" + bytes([ALIGN_CODES[want]]))
            align = want

    for el in layout.elements:
        if isinstance(el, Text):
            set_align(el.align)
            if el.bold != bold:
                out.extend(ESC + b"E" + bytes([int(el.bold)]))
                bold = el.bold
            if (el.width, el.height) != size:
                # GS ! sets both the ASCII and (in Chinese mode) the Han character size
                out.extend(GS + b"!" + bytes([(el.width - 1) << 4 | (el.height - 1)]))
                size = (el.width, el.height)
            out.extend(el.text.encode("gb18030") + LF)
        elif isinstance(el, QR):
            set_align(el.align)
            out.extend(_qr_function(67, bytes([el.module])))  # module size
            out.extend(_qr_function(69, bytes([EC_CODES[el.ec]])))  # error correction
            out.extend(_qr_function(80, b"0" + el.data.encode("utf-8")))  # store the data
            out.extend(_qr_function(81, b"0"))  # print the symbol
        elif isinstance(el, Feed):
            out.extend(ESC + b"d" + bytes([el.lines]))
        else:
            # GS V 66 n: feed n lines to the cutter, then cut (partial) — 65 would cut full
            out.extend(GS + b"V" + bytes([66 if el.partial else 65, 3]))
    return bytes(out)


def ticket_layout(number: str, service_name: str, issued_at: datetime | str, ahead: int,
                  qr_url: str | None, hall_name: str, lines: Iterable[str] = (), *,
                  group_name: str = "", priority: str | None = None) -> Layout:
    """A queue ticket: the number big and bold, the service and its window group, people
    ahead, a QR to follow the queue."""
    when = issued_at.strftime("%Y-%m-%d %H:%M") if isinstance(issued_at, datetime) else issued_at
    elements: list[Element] = [
        Text(hall_name, align="center", bold=True),
        Text(number, align="center", bold=True, width=3, height=3),
        Text(service_name, align="center", width=1, height=2),
    ]
    if priority:
        elements.append(Text(priority, align="center", bold=True))
    if group_name:
        elements.append(Text(f"请到 {group_name} 窗口办理", align="center"))
    elements += [
        Text(f"前面还有 {ahead} 人", align="center"),
        Text(f"取号时间 {when}", align="center"),
    ]
    if qr_url:
        elements.append(QR(qr_url, module=5, ec="L"))
    elements.extend(Text(line, align="left") for line in lines)
    elements.append(Cut())
    return Layout(tuple(elements))


PAPER_COLUMNS = 48  # an 80 mm roll in font A; a Chinese character takes two columns


def wrap_columns(text: str, columns: int = PAPER_COLUMNS) -> list[str]:
    """`text` broken into lines of at most `columns` (a wide character counts two), the way
    the printer would cut it off at the paper's edge otherwise."""
    import unicodedata

    lines, line, used = [], "", 0
    for char in text:
        wide = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + wide > columns and line:
            lines.append(line)
            line, used = "", 0
        line += char
        used += wide
    lines.append(line)
    return lines


def slip_layout(slip: TicketSlip) -> Layout:
    """A ticket as the hall words it (hall/slips.py)."""
    # the priority on a line of its own: "新生儿出生“一件事”(老年人)" read as a matter's name
    return ticket_layout(slip.number, slip.service_name, slip.issued_at, slip.ahead,
                         slip.qr_url, slip.hall_name, slip.footer, group_name=slip.group_name,
                         priority=f"{slip.priority_name}优先" if slip.priority_name else None)


def receipt_slip_layout(slip: ReceiptSlip) -> Layout:
    """A receipt as the hall words it (hall/slips.py)."""
    return receipt_layout(slip.title, slip.rows, hall_name=slip.hall_name, footer=slip.footer,
                          qr_url=slip.qr_url)


def receipt_layout(title: str, rows: Sequence[tuple[str, str]], *, hall_name: str = "",
                   footer: Iterable[str] = (), qr_url: str | None = None) -> Layout:
    """A receipt (受理回执 / 出件凭证): a title, label–value rows, a footer, an optional QR."""
    elements: list[Element] = []
    if hall_name:
        elements.append(Text(hall_name, align="center"))
    elements.append(Text(title, align="center", bold=True, width=2, height=2))
    elements.append(Text("-" * 32))
    # wrapped to the paper: a 告知承诺 line runs on over several lines, never off the edge;
    # masked before it is wrapped, or a number broken over two lines would escape the mask
    elements.extend(Text(part) for label, value in rows
                    for part in wrap_columns(masked(f"{label}：{value}")))
    elements.append(Text("-" * 32))
    elements.extend(Text(part) for line in footer for part in wrap_columns(masked(line)))
    if qr_url:
        elements.append(QR(qr_url, module=4))
    elements.append(Cut())
    return Layout(tuple(elements))
