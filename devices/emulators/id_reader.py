"""A GA 467 ID card reader on a pty: answers reset/status/SAM id/find/select/read.

Faults can be queued to prove the driver never returns a half-filled identity:
'bad_checksum', 'truncate' (a card pulled mid-read), 'silence', 'garbage' (line noise before
the reply), 'read_failed' (SW3 0x41).
"""

from __future__ import annotations

import collections
import threading

from devices import ga467
from devices.emulators.pty import PtyDevice
from devices.idblock import encode_text_block
from hall.identity import IdCard

SAM = bytes.fromhex("0000000005000000120000000012345678")


class IdReaderEmulator(PtyDevice):
    def __init__(self, card: IdCard | None = None, *, english_name: str = "") -> None:
        super().__init__()
        self.card = card
        self.english_name = english_name
        self.faults: collections.deque[str] = collections.deque()
        self.commands: list[bytes] = []  # every CMD PARA received, for tests
        self.reads = 0
        self.reads_done = threading.Event()
        self._buffer = b""

    def present(self, card: IdCard | None, *, english_name: str = "") -> None:
        """Put a card on the reader (None takes it away)."""
        self.card, self.english_name = card, english_name

    def on_bytes(self, data: bytes) -> None:
        self._buffer += data
        while True:
            start = self._buffer.find(ga467.PREAMBLE)
            if start < 0 or len(self._buffer) < start + 7:
                self._buffer = self._buffer[-4:] if start < 0 else self._buffer
                return
            length = int.from_bytes(self._buffer[start + 5:start + 7], "big")
            end = start + 7 + length
            if len(self._buffer) < end:
                return
            frame, self._buffer = self._buffer[start:end], self._buffer[end:]
            self._answer(frame)

    def _answer(self, frame: bytes) -> None:
        try:
            body = ga467.parse_frame(frame)
        except ga467.FrameError:
            self._reply(0x10)
            return
        cmd = body[:2]
        self.commands.append(cmd)
        if cmd in (ga467.RESET, ga467.STATUS):
            self._reply(0x90)
        elif cmd == ga467.SAM_ID:
            self._reply(0x90, SAM)
        elif cmd == ga467.FIND_CARD:
            self._reply(0x9F if self.card else 0x80, b"\x00" * 4 if self.card else b"")
        elif cmd == ga467.SELECT_CARD:
            self._reply(0x90 if self.card else 0x81, b"\x00" * 8 if self.card else b"")
        elif cmd in (ga467.READ_TEXT_PHOTO, ga467.READ_TEXT_PHOTO_FP) and self.card:
            self._reply(0x90, self._read_data(fingerprint=cmd == ga467.READ_TEXT_PHOTO_FP))
            self.reads += 1
            self.reads_done.set()
        elif cmd in (ga467.READ_TEXT_PHOTO, ga467.READ_TEXT_PHOTO_FP):
            self._reply(0x41)
        else:
            self._reply(0x21)

    def _read_data(self, *, fingerprint: bool) -> bytes:
        assert self.card is not None
        text = encode_text_block(self.card, english_name=self.english_name)
        photo = self.card.photo_wlt.ljust(ga467.PHOTO_SIZE, b"\x00")[:ga467.PHOTO_SIZE]
        head = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
        if fingerprint:
            head += (1024).to_bytes(2, "big")
            return head + text + photo + b"\x00" * 1024
        return head + text + photo

    def _reply(self, sw3: int, data: bytes = b"") -> None:
        frame = ga467.build_frame(bytes([0x00, 0x00, sw3]) + data)
        fault = self.faults.popleft() if self.faults else None
        if fault == "silence":
            return
        if fault == "bad_checksum":
            frame = frame[:-1] + bytes([frame[-1] ^ 0xFF])
        elif fault == "truncate":
            frame = frame[: len(frame) // 2]
        elif fault == "garbage":
            frame = b"\x13\x37\xaa\x96" + frame
        elif fault == "read_failed":
            frame = ga467.build_frame(bytes([0x00, 0x00, 0x41]))
        self.send(frame)
