"""The hall's X25519 key pair in a data directory: `keys/hall-private.key`, `keys/hall-public.key`.

The hub makes the pair once (`ensure`) and hands it out by role at enrollment: the public key to
every terminal (writers seal with it, hall/security/opener.py), the private key only to readers.
The same public key is what the central platform's directory publishes for the hall, so cases
travelling to it are sealed for the same pair. The pair is hall-wide and is not rotated by
`admin rotate-key` (that rotates a terminal's store key and the symmetric data key): every
terminal and the directory hold the public key.
"""

from __future__ import annotations

from pathlib import Path

from hall.errors import StoreError
from hall.security import keys, sealbox


def ensure(data_dir: Path) -> sealbox.KeyPair:
    """The pair, made on first use; the public file always matches the private one."""
    private = keys.load(data_dir, keys.HALL_PRIVATE)
    if private is None:
        keys.create(data_dir, keys.HALL_PRIVATE, sealbox.generate().private, replace=False)
        private = keys.load(data_dir, keys.HALL_PRIVATE)  # another process may have won
        assert private is not None
    public = sealbox.public_of(private)
    if keys.load(data_dir, keys.HALL_PUBLIC) != public:
        keys.create(data_dir, keys.HALL_PUBLIC, public, replace=True)
    return sealbox.KeyPair(private, public)


def public(data_dir: Path) -> bytes | None:
    return keys.load(data_dir, keys.HALL_PUBLIC)


def ring(data_dir: Path) -> dict[str, bytes]:
    """kid → private key for what this holder may open (empty for a writer)."""
    private = keys.load(data_dir, keys.HALL_PRIVATE)
    if private is None:
        return {}
    try:
        pub = sealbox.public_of(private)
    except ValueError as exc:
        raise StoreError(f"{keys.key_path(data_dir, keys.HALL_PRIVATE)} is damaged",
                         code="seal_key", params={"key": keys.HALL_PRIVATE}) from exc
    return {sealbox.public_kid(pub): private}


def check(private: bytes, public_key: bytes) -> None:
    """A pair received (enrollment): the public key must be the private key's."""
    if sealbox.public_of(private) != public_key:
        raise sealbox.SealBoxError("the hall's public key does not match its private key",
                                   code="hall_keys")
