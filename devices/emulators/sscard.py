"""A virtual 社会保障卡 plugged into pcscd through vsmartcard-vpcd, speaking vpcd's wire directly.

vpcd (the pcscd driver) listens on 35963 (0x8C7B, /etc/reader.conf.d/vpcd); the card connects as
a TCP client. Every message is a 2-byte big-endian length and a payload: a 1-byte payload is a
control code (0 power off, 1 power on, 2 reset, 4 send the ATR), anything longer a command APDU,
answered with the response APDU. Connecting inserts the card; closing the socket removes it.

Options make it behave like awkward real cards: `le_strict` answers 6Cxx to a wrong Le,
`chain` answers 61xx and hands the data out through GET RESPONSE, `blocked` refuses SELECT.
"""

from __future__ import annotations

import select
import socket
import threading
from dataclasses import dataclass, field

from devices import sscard
from devices.idblock import NATION_CODES
from hall.identity import SocialCard

VPCD_PORT = 35963
# T=0, TB1 and TC1 present, 8 historical bytes: a plain ATR pcscd accepts without a TCK
ATR = bytes([0x3B, 0x68, 0x00, 0x00]) + b"SSCARD03"
OK = b"\x90\x00"


def _bcd(value: str) -> bytes:
    return bytes.fromhex(value.replace("-", ""))


def card_records(card: SocialCard) -> dict[int, bytes]:
    """What the card stores by tag, as the reader's decode_fields expects it."""
    def text(value: str, length: int) -> bytes:
        return value.encode("gbk").ljust(length, b"\x00")[:length]

    sex = {"男": "1", "女": "2"}.get(card.sex, "0")
    values = {
        "card_id": bytes(16), "card_type": b"3", "card_version": text(card.card_version, 4),
        "issuing_org": text(card.issuing_org, 12), "issue_date": _bcd(card.issue_date),
        "expiry_date": _bcd(card.expiry_date), "card_number": text(card.card_number, 9),
        "ssn": text(card.ssn, 18), "name": text(card.name, 30), "sex": sex.encode(),
        "nation": bytes.fromhex(NATION_CODES.get(card.nation, "97")), "birthplace": bytes(3),
        "birth_date": _bcd(card.birth_date),
    }
    return {tag: values[name] for tag, (name, _) in {**sscard.EF05, **sscard.EF06}.items()}


@dataclass
class CardBehaviour:
    le_strict: bool = False  # a wrong Le gets 6Cxx
    chain: bool = False  # answers come as 61xx + GET RESPONSE, 8 bytes at a time
    blocked: bool = False
    apdus: list[bytes] = field(default_factory=list)  # every command APDU received


class VirtualSocialCard:
    def __init__(self, card: SocialCard, *, host: str = "127.0.0.1", port: int = VPCD_PORT,
                 behaviour: CardBehaviour | None = None) -> None:
        self.card, self.host, self.port = card, host, port
        self.behaviour = behaviour or CardBehaviour()
        self.records = card_records(card)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._selected: str | None = None
        self._pending = b""  # GET RESPONSE data still waiting

    def __enter__(self) -> VirtualSocialCard:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def insert(self, timeout: float = 5.0) -> None:
        self._sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self._sock.settimeout(None)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._thread = threading.Thread(target=self._serve, name="vpcd-card", daemon=True)
        self._thread.start()

    @property
    def inserted(self) -> bool:
        return self._sock is not None

    def remove(self) -> None:
        if self._thread is not None:
            self._wake_w.send(b"x")
            self._thread.join(timeout=5)
            self._wake_r.recv(16)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def close(self) -> None:
        self.remove()
        self._wake_r.close()
        self._wake_w.close()

    def _serve(self) -> None:
        assert self._sock is not None
        sock = self._sock
        while True:
            ready, _, _ = select.select([sock, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            head = _recv_exact(sock, 2)
            if head is None:
                return
            payload = _recv_exact(sock, int.from_bytes(head, "big"))
            if payload is None:
                return
            answer = self.answer(payload)
            if answer is not None:
                sock.sendall(len(answer).to_bytes(2, "big") + answer)

    def answer(self, payload: bytes) -> bytes | None:
        if len(payload) == 1:
            if payload[0] == 4:
                return ATR
            self._selected, self._pending = None, b""  # power off / on / reset
            return None
        self.behaviour.apdus.append(payload)
        return self._apdu(payload)

    def _apdu(self, apdu: bytes) -> bytes:
        ins = apdu[1]
        if ins == 0xC0:  # GET RESPONSE
            chunk, self._pending = self._pending[:apdu[4]], self._pending[apdu[4]:]
            return chunk + (bytes([0x61, min(len(self._pending), 255)]) if self._pending else OK)
        if ins == 0x20:  # VERIFY: this card counts it, and a test fails if it ever comes
            return b"\x69\x83"
        if ins == 0xA4:
            return self._select(apdu)
        if ins == 0xB2:
            return self._read_record(apdu)
        return b"\x6D\x00"

    def _select(self, apdu: bytes) -> bytes:
        body = apdu[5:5 + apdu[4]]
        if apdu[2] == 0x04:
            if body != sscard.AID:
                return b"\x6A\x82"
            if self.behaviour.blocked:
                return b"\x6A\x81"
            self._selected = "app"
        elif self._selected is None:
            return b"\x69\x85"  # the application first
        elif body in (b"\xef\x05", b"\xef\x06"):
            self._selected = body.hex().upper()
        else:
            return b"\x6A\x82"
        return OK

    def _read_record(self, apdu: bytes) -> bytes:
        tag, le = apdu[2], apdu[4] if len(apdu) > 4 else 0
        ef = "EF05" if tag in sscard.EF05 else "EF06" if tag in sscard.EF06 else None
        if ef is None or self._selected != ef:
            return b"\x6A\x83"
        value = self.records[tag]
        tlv = bytes([tag, len(value)]) + value
        if self.behaviour.le_strict and le != len(tlv):
            return bytes([0x6C, len(tlv)])
        if self.behaviour.chain and len(tlv) > 8:
            self._pending = tlv[8:]
            return tlv[:8] + bytes([0x61, len(self._pending)])
        return tlv[:le or len(tlv)] + OK


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        try:
            chunk = sock.recv(n - len(data))
            # vpcd writes the length and the APDU separately: without a quick ACK, Nagle on its
            # side and delayed ACK on ours cost 40 ms per APDU
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data
