"""SM4 field sealing for deployments that require 国密 (optional: `pip install gmssl`).

gmssl offers SM4 in CBC mode only, so a sealed value is encrypt-then-MAC: SM4-CBC with an IV
derived from the token's random nonce, and an HMAC-SHA256 tag over the associated data, the
nonce and the ciphertext. Encryption and MAC keys are derived from the hall data key.
"""

from __future__ import annotations

import hashlib
import hmac

_TAG = 16


def _keys(key: bytes) -> tuple[bytes, bytes]:
    enc = hashlib.sha256(b"tingduan-sm4-enc\x00" + key).digest()[:16]
    mac = hashlib.sha256(b"tingduan-sm4-mac\x00" + key).digest()
    return enc, mac


def _cipher(enc: bytes, mode: int) -> object:
    from gmssl.sm4 import CryptSM4

    c = CryptSM4()
    c.set_key(enc, mode)
    return c


def seal(key: bytes, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
    from gmssl.sm4 import SM4_ENCRYPT

    enc, mac = _keys(key)
    iv = hashlib.sha256(b"iv" + nonce).digest()[:16]
    body: bytes = _cipher(enc, SM4_ENCRYPT).crypt_cbc(iv, plain)  # type: ignore[attr-defined]
    tag = hmac.new(mac, aad + nonce + body, hashlib.sha256).digest()[:_TAG]
    return body + tag


def open_(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    from gmssl.sm4 import SM4_DECRYPT

    enc, mac = _keys(key)
    body, tag = data[:-_TAG], data[-_TAG:]
    want = hmac.new(mac, aad + nonce + body, hashlib.sha256).digest()[:_TAG]
    if len(data) <= _TAG or not hmac.compare_digest(tag, want):
        raise ValueError("tag")
    iv = hashlib.sha256(b"iv" + nonce).digest()[:16]
    plain: bytes = _cipher(enc, SM4_DECRYPT).crypt_cbc(iv, body)  # type: ignore[attr-defined]
    return plain
