"""Sealing to a public key: whoever holds the public key can seal, only the private key opens.

Two needs share this scheme:
- least keys: a kiosk or a display seals what it reads (a card, a typed phone) for its hall
  without holding a key that opens anything;
- travelling cases: the origin hall seals a case for the destination hall's key pair, and the
  central platform, which carries it, opens nothing.

The scheme is ECIES over X25519: a fresh ephemeral key pair per token, X25519 agreement with the
recipient's public key, HKDF-SHA256 over both public keys into an AES-256-GCM key, and the
associated data binds the token to its scheme, the recipient's key id and a context (the hall or
the case it belongs to), so a token moved to another context does not open. This is what
libsodium's sealed box does, built from `cryptography` (already a dependency; PyNaCl would add a
second native library for the same 40 lines). For a 国密 deployment the same shape maps onto SM2
encryption; that is not built.

A token:  ts2:x25519:<kid>:<base64url(ephemeral public ‖ nonce ‖ ciphertext ‖ tag)>
where kid is a hash of the recipient's public key (never of anything secret).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hall.errors import HallError

PREFIX = "ts2"
SCHEME = "x25519"
TOKEN_RE = re.compile(r"ts2:x25519:([0-9a-f]{16}):([A-Za-z0-9_-]{80,})")
_NONCE = 12
_PUB = 32


class SealBoxError(HallError):
    code = "seal"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_kid(public: bytes) -> str:
    """The id of a public key: what a token names and a directory pins."""
    if len(public) != _PUB:
        raise SealBoxError("a public key is 32 bytes", code="seal_key")
    return hashlib.sha256(b"tingduan-public-key-id\x00" + public).hexdigest()[:16]


@dataclass(frozen=True)
class KeyPair:
    private: bytes
    public: bytes

    @property
    def kid(self) -> str:
        return public_kid(self.public)


def generate() -> KeyPair:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    return KeyPair(_raw_private(private), _raw_public(private.public_key()))


def public_of(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return _raw_public(X25519PrivateKey.from_private_bytes(private).public_key())


def _raw_private(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                   serialization.NoEncryption()))


def _raw_public(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def _aad(kid: str, context: str) -> bytes:
    return f"{PREFIX}:{SCHEME}:{kid}:{context}".encode()


def _derive(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub,
                info=b"tingduan-sealbox-v1").derive(shared)


def seal(recipient_public: bytes, plain: bytes, *, context: str) -> str:
    """A token only the holder of the matching private key opens, and only in `context`."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kid = public_kid(recipient_public)
    eph = X25519PrivateKey.generate()
    eph_pub = _raw_public(eph.public_key())
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _derive(shared, eph_pub, recipient_public)
    nonce = os.urandom(_NONCE)
    body = AESGCM(key).encrypt(nonce, plain, _aad(kid, context))
    return f"{PREFIX}:{SCHEME}:{kid}:{_b64(eph_pub + nonce + body)}"


def token_kid(token: str) -> str:
    match = TOKEN_RE.fullmatch(token)
    if match is None:
        raise SealBoxError("not a sealed value", code="seal_invalid")
    return match.group(1)


def open_(ring: Mapping[str, bytes], token: str, *, context: str) -> bytes:
    """Open with whichever private key of `ring` (kid → private key) the token names."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    match = TOKEN_RE.fullmatch(token)
    if match is None:
        raise SealBoxError("not a sealed value", code="seal_invalid")
    kid, body = match.groups()
    private = ring.get(kid)
    if private is None:
        raise SealBoxError(f"sealed for a key this holder does not have ({kid})",
                           code="seal_key")
    raw = _unb64(body)
    if len(raw) < _PUB + _NONCE + 16:
        raise SealBoxError("a sealed value is cut short", code="seal_invalid")
    eph_pub, nonce, data = raw[:_PUB], raw[_PUB:_PUB + _NONCE], raw[_PUB + _NONCE:]
    priv = X25519PrivateKey.from_private_bytes(private)
    recipient_pub = _raw_public(priv.public_key())
    try:
        shared = priv.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        key = _derive(shared, eph_pub, recipient_pub)
        return AESGCM(key).decrypt(nonce, data, _aad(kid, context))
    except (InvalidTag, ValueError) as exc:
        raise SealBoxError("a sealed value does not open: altered, or of another context",
                           code="seal_invalid") from exc


def seal_json(recipient_public: bytes, value: Mapping[str, Any], *, context: str) -> str:
    return seal(recipient_public,
                json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
                context=context)


def open_json(ring: Mapping[str, bytes], token: str, *, context: str) -> dict[str, Any]:
    value = json.loads(open_(ring, token, context=context))
    if not isinstance(value, dict):
        raise SealBoxError("a sealed record is not an object", code="seal_invalid")
    return value
