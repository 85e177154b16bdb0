"""Pull cursors that tell a terminal nothing about other halls.

A cursor is `EPOCH.TOKEN`: TOKEN is one AES block (the server's cursor key, kept in its database)
over the position in the server-wide log and a tag of the hall it was made for. A terminal cannot
read the position (the server-wide count of events), cannot make a cursor for a position of its
choosing (binary-searching the count), and a cursor of another hall is refused as stale (410),
like any cursor this server did not make for the asking hall.

A single block under a fixed key is a keyed permutation of 128-bit values, which is all a cursor
needs: the same position gives the same cursor, and a forged or altered one fails the tag check.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class StaleCursor(Exception):
    pass


def _tag(hall_id: str) -> bytes:
    return hashlib.sha256(b"cursor\x00" + hall_id.encode()).digest()[:8]


class Cursors:
    def __init__(self, epoch: str, key: bytes) -> None:
        if len(key) not in (16, 32):
            raise ValueError("a cursor key is 16 or 32 bytes")
        self.epoch = epoch
        self._cipher = Cipher(algorithms.AES(key), modes.ECB())

    def make(self, hall_id: str, pos: int) -> str:
        block = pos.to_bytes(8, "big") + _tag(hall_id)
        enc = self._cipher.encryptor()
        token = enc.update(block) + enc.finalize()
        return f"{self.epoch}.{base64.urlsafe_b64encode(token).rstrip(b'=').decode()}"

    def read(self, hall_id: str, cursor: str) -> int:
        """The position after which to pull ("" is the start); StaleCursor for a cursor of
        another database, another hall, or not made by this server."""
        if not cursor:
            return 0
        head, _, token = cursor.partition(".")
        if head != self.epoch or len(token) != 22:
            raise StaleCursor(cursor)
        try:
            raw = base64.urlsafe_b64decode(token + "==")
        except (binascii.Error, ValueError) as exc:
            raise StaleCursor(cursor) from exc
        if len(raw) != 16:
            raise StaleCursor(cursor)
        dec = self._cipher.decryptor()
        block = dec.update(raw) + dec.finalize()
        if block[8:] != _tag(hall_id):
            raise StaleCursor(cursor)
        return int.from_bytes(block[:8], "big")
