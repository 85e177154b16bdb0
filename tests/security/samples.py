"""Obviously fictitious people for the security tests (region 990000 does not exist).

These strings must never appear in plain text in a store, its WAL, a log or an export."""

from __future__ import annotations

import base64
import json
import time

from hall.security.codes import Kind, _b64e

PEOPLE = [
    # (name, ID number, address, phone)
    ("测试甲乙", "990000198001010017", "虚构省测试市样例区假想路一号", "13900000001"),
    ("样本丙丁", "99000019900202002X", "虚构省测试市样例区假想路二号", "13900000002"),
    ("假名戊己", "990000200003030036", "虚构省测试市样例区假想路三号", "13900000003"),
]


def needles() -> list[bytes]:
    """Every plaintext form a scan looks for (UTF-8, and the ID numbers as ASCII)."""
    out: list[bytes] = []
    for name, id_number, address, phone in PEOPLE:
        out += [name.encode(), id_number.encode(), address.encode(), phone.encode(),
                id_number[6:14].encode()]  # the birth date alone would also leak
    return out


class SampleIssuer:
    """An issuer of signed codes for tests (a province's issuer in real life)."""

    def __init__(self, prefix: str = "TEST1.", private_key: bytes | None = None) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.prefix = prefix
        self._key = (Ed25519PrivateKey.from_private_bytes(private_key) if private_key
                     else Ed25519PrivateKey.generate())

    @property
    def public_key(self) -> str:
        from cryptography.hazmat.primitives import serialization

        raw = self._key.public_key().public_bytes(serialization.Encoding.Raw,
                                                  serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def issue(self, name: str, ident: str, *, kind: Kind = "person", now: float | None = None,
              lifetime_s: int = 300, jti: str | None = None) -> str:
        import secrets

        t = int(time.time() if now is None else now)
        body = {"v": 1, "typ": kind, "name": name, "id": ident, "iat": t, "exp": t + lifetime_s,
                "jti": jti or secrets.token_hex(8)}
        body64 = _b64e(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
        sig = self._key.sign((self.prefix + body64).encode("ascii"))
        return f"{self.prefix}{body64}.{_b64e(sig)}"
