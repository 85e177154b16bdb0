"""Second-generation ID cards through a GA 467 SAM reader on a serial line (115200 8N1).

Frame: AA AA AA 96 69 | LEN_H LEN_L | body | CHK. LEN counts the bytes after it (CHK included);
CHK is the XOR of every byte from LEN_H to the byte before it. A command body is CMD PARA data;
a reply body is SW1 SW2 SW3 data, SW3 telling what happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Protocol

from devices.errors import CardReadError, DeviceError, DeviceMissing, DeviceTimeout, NoCard
from devices.idblock import TEXT_BLOCK_SIZE, decode_text_block
from hall.identity import IdCard

if TYPE_CHECKING:
    import serial

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MAX_LEN = 4096  # longest real reply (text+photo+fingerprint) is ~2.3 KB; beyond is garbage
PHOTO_SIZE = 1024

RESET = b"\x10\xff"
STATUS = b"\x11\xff"
SAM_ID = b"\x12\xff"
FIND_CARD = b"\x20\x01"
SELECT_CARD = b"\x20\x02"
READ_TEXT_PHOTO = b"\x30\x01"
READ_TEXT_PHOTO_FP = b"\x30\x10"

SW_OK = 0x90
SW_CARD_FOUND = 0x9F
SW_REASONS = {
    0x10: "读卡器收到的命令校验和错误",
    0x11: "读卡器收到的命令长度错误",
    0x21: "读卡器不认识该命令",
    0x23: "越权操作",
    0x24: "无法识别的错误",
    0x31: "卡片认证安全模块失败",
    0x32: "安全模块认证卡片失败",
    0x33: "信息验证错误",
    0x40: "无法识别的卡类型",
    0x41: "读卡操作失败，请不要移动卡片",
    0x47: "取随机数失败",
    0x60: "安全模块自检失败",
    0x66: "安全模块未经授权",
    0x80: "未找到卡片，请把身份证放在读卡区",
    0x81: "选卡失败，请重新放卡",
    0x91: "卡片中此项无内容",
}


def checksum(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def build_frame(body: bytes) -> bytes:
    """Wrap a command (CMD PARA data) or a reply (SW1 SW2 SW3 data) body in a frame."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


class FrameError(CardReadError):
    """A torn or garbled frame: bad checksum, short read, silence."""

    code = "frame"


def parse_frame(frame: bytes) -> bytes:
    """Check a whole frame and return its body."""
    if not frame.startswith(PREAMBLE) or len(frame) < len(PREAMBLE) + 3:
        raise FrameError("读卡器应答不完整（缺少帧头），请重新放卡")
    length = int.from_bytes(frame[5:7], "big")
    if length < 1 or len(frame) != 7 + length:
        raise FrameError(f"读卡器应答长度不符（声明 {length}，收到 {len(frame) - 7}）")
    if checksum(frame[5:-1]) != frame[-1]:
        raise FrameError("读卡器应答校验和错误，请重新放卡")
    return frame[7:-1]


@dataclass(frozen=True)
class Reply:
    sw: tuple[int, int, int]
    data: bytes

    @classmethod
    def from_body(cls, body: bytes) -> Reply:
        if len(body) < 3:
            raise FrameError("读卡器应答缺少状态字")
        return cls((body[0], body[1], body[2]), body[3:])


def read_frame(port: serial.Serial, deadline: float) -> bytes:
    """Read one frame, skipping line noise before the preamble; FrameError when torn."""
    window = b""
    while window != PREAMBLE:
        byte = _read_exact(port, 1, deadline, "帧头")
        window = (window + byte)[-len(PREAMBLE):]
    head = _read_exact(port, 2, deadline, "长度")
    length = int.from_bytes(head, "big")
    if not 1 <= length <= MAX_LEN:
        raise FrameError(f"读卡器应答长度 {length} 不合理，请重新放卡")
    return PREAMBLE + head + _read_exact(port, length, deadline, "数据")


def _read_exact(port: serial.Serial, n: int, deadline: float, what: str) -> bytes:
    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            if not data and what == "帧头":
                raise DeviceTimeout("读卡器没有应答：请检查连线和电源")
            raise FrameError(f"读卡器应答中断（{what}不完整），请重新放卡")
        port.timeout = left
        data += port.read(n - len(data))
    return data


# --- the WLT photo: decoding it needs a vendor library, so it is a plug-in point --------------
class PhotoDecoder(Protocol):
    def __call__(self, wlt: bytes) -> bytes:
        """WLT (1024 bytes) → an image file's bytes (BMP/PNG), in memory only."""
        ...


_photo_decoders: list[PhotoDecoder] = []


def register_photo_decoder(decoder: PhotoDecoder) -> Callable[[], None]:
    """Install a vendor decoder; returns a function that uninstalls it."""
    _photo_decoders.append(decoder)
    return lambda: _photo_decoders.remove(decoder)


def decode_photo(wlt: bytes) -> bytes:
    if not _photo_decoders:
        raise DeviceError("没有安装身份证照片解码库（WLT）", code="no_photo_decoder")
    return _photo_decoders[-1](wlt)


# --- the driver ------------------------------------------------------------------------------
class Ga467Reader:
    """A GA 467 reader on a serial port; implements ports.IdReader."""

    def __init__(self, port: str, *, baudrate: int = 115200, attempts: int = 3,
                 reply_timeout: float = 1.0) -> None:
        import serial  # imported here: the CLI must start without pyserial loaded

        try:
            self._port = serial.Serial(port, baudrate=baudrate, timeout=reply_timeout)
        except (serial.SerialException, OSError) as exc:
            raise DeviceMissing(f"打不开身份证读卡器 {port}：{exc}") from exc
        self.attempts = attempts
        self.reply_timeout = reply_timeout
        self.last_byte_at = 0.0  # monotonic time of the last byte of the last reply (bench)

    def __enter__(self) -> Ga467Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._port.close()

    def command(self, cmd: bytes, data: bytes = b"") -> Reply:
        """Send one command and return its reply; garbage already waiting is discarded first."""
        self._port.reset_input_buffer()
        self._port.write(build_frame(cmd + data))
        self._port.flush()
        frame = read_frame(self._port, time.monotonic() + self.reply_timeout)
        self.last_byte_at = time.monotonic()
        return Reply.from_body(parse_frame(frame))

    def _expect(self, reply: Reply, *ok: int) -> Reply:
        sw3 = reply.sw[2]
        if sw3 in ok:
            return reply
        if sw3 == 0x80:
            raise NoCard(SW_REASONS[sw3])
        reason = SW_REASONS.get(sw3, f"未知状态 {sw3:#04x}")
        raise CardReadError(f"读卡器报告：{reason}")

    def sam_id(self) -> str:
        data = self._expect(self.command(SAM_ID), SW_OK).data
        return data.hex().upper()

    def status(self) -> None:
        self._expect(self.command(STATUS), SW_OK)

    def read_card(self, timeout: float = 5.0) -> IdCard:
        """Find, select and read a card; torn frames are retried, never returned half-filled."""
        deadline = time.monotonic() + timeout
        errors = 0
        while True:
            try:
                return self._read_once()
            except NoCard:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)  # the holder is still bringing the card
            except (FrameError, DeviceTimeout, CardReadError):
                errors += 1
                if errors >= self.attempts or time.monotonic() >= deadline:
                    raise
                self._port.reset_input_buffer()

    def _read_once(self) -> IdCard:
        self._expect(self.command(FIND_CARD), SW_CARD_FOUND, SW_OK)
        self._expect(self.command(SELECT_CARD), SW_OK)
        data = self._expect(self.command(READ_TEXT_PHOTO), SW_OK).data
        return parse_read_data(data)


def parse_read_data(data: bytes) -> IdCard:
    """text length (2, BE) | photo length (2, BE) | text | photo [| fingerprint]."""
    if len(data) < 4:
        raise FrameError("读卡应答缺少长度字段，请重新放卡")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len != TEXT_BLOCK_SIZE or len(data) < 4 + text_len + photo_len:
        raise FrameError("读卡应答不完整（卡片可能被移开），请重新放卡")
    text = data[4:4 + text_len]
    photo = data[4 + text_len:4 + text_len + photo_len]
    return decode_text_block(text, photo_wlt=photo)


def read_id_card(port: str, timeout: float = 5.0) -> IdCard:
    """Open the reader on `port`, read one card within `timeout` seconds, close the port."""
    with Ga467Reader(port) as reader:
        return reader.read_card(timeout)
