"""Key files of a terminal, kept outside the database with owner-only rights.

Each key is a file `keys/<name>.key` in the data directory, 0600 inside a 0700 folder, written
atomically (temporary file, fsync, link or rename, fsync of the folder). A key being replaced
during a rotation sits beside it as `<name>.next.key` until the rotation is finished, so a kill
at any point leaves one of the two able to open what it protects (see hall/rotation.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_DIR = "keys"
STORE = "store"  # SQLCipher key of the whole store (this terminal only)
INDEX = "index"  # HMAC key of the blind index (hall-wide: lookups across terminals)
DATA = "data"  # AES-GCM key that seals personal fields (hall-wide: the back office opens them)
NEXT = ".next"  # suffix of the key a rotation is moving to
# The hall's X25519 key pair (hall/security/sealbox.py): writers that must not read (kiosk,
# display) seal with the public key; the hall's readers open with the private key; a travelling
# case is sealed for the destination hall's public key, published in the platform's directory.
HALL_PRIVATE = "hall-private"
HALL_PUBLIC = "hall-public"
# What a terminal of each role is handed at enrollment (sync/server/app.py `hall_keys`). The
# readers (desks; the hub and the back office hold them too) open every sealed field; a kiosk
# seals for the hall and keeps the blind index for its card lookups (check-in, 办件查询, the
# replay guard of codes) so they work while the hub is away; a display seals nothing it reads
# and looks nothing up. docs/security.md "Least keys" says what a stolen one reveals.
ROLE_KEYS: dict[str, tuple[str, ...]] = {
    "desk": (DATA, INDEX, HALL_PRIVATE, HALL_PUBLIC),
    "kiosk": (INDEX, HALL_PUBLIC),
    "display": (HALL_PUBLIC,),
}
OPENING = (DATA, DATA + NEXT, HALL_PRIVATE)  # the keys that open a sealed field


def role_keys(role: str) -> tuple[str, ...]:
    """The keys a terminal of `role` holds; a role this release does not know (a rating pad,
    a department's system) writes only, until it is given its own line."""
    return ROLE_KEYS.get(role, (HALL_PUBLIC,))


def writes_only(data_dir: Path) -> bool:
    """A terminal that seals for its hall and opens nothing: it holds the hall's public key and
    no key that opens (a kiosk or a display enrolled with its role). A terminal with no hall
    key at all is a hall of its own (a station, a terminal not yet enrolled): it makes a data
    key on its first seal, as before."""
    return (key_path(data_dir, HALL_PUBLIC).exists()
            and not any(key_path(data_dir, name).exists() for name in OPENING))


def key_path(data_dir: Path, name: str) -> Path:
    return data_dir / KEY_DIR / f"{name}.key"


def load(data_dir: Path, name: str) -> bytes | None:
    """A key if its file exists (its rights are tightened to 0600 if someone loosened them)."""
    path = key_path(data_dir, name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return data


def load_or_create(data_dir: Path, name: str, size: int = 32) -> bytes:
    """Read a key, or make it on first use; written 0600 and atomically."""
    existing = load(data_dir, name)
    if existing is not None:
        return existing
    create(data_dir, name, secrets.token_bytes(size), replace=False)
    return key_path(data_dir, name).read_bytes()


def create(data_dir: Path, name: str, key: bytes, *, replace: bool) -> None:
    """Write a key file atomically; without `replace`, a key another process made first wins."""
    folder = data_dir / KEY_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = key_path(data_dir, name)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # never replace a key another process made meanwhile
            except FileExistsError:
                pass
    finally:
        if tmp.exists():
            os.unlink(tmp)
    _fsync_dir(folder)


def promote(data_dir: Path, name: str) -> None:
    """Make `<name>.next.key` the key (the last step of a rotation); a no-op when done."""
    nxt = key_path(data_dir, name + NEXT)
    if nxt.exists():
        os.replace(nxt, key_path(data_dir, name))
        _fsync_dir(nxt.parent)


def discard(data_dir: Path, name: str) -> None:
    path = key_path(data_dir, name)
    if path.exists():
        path.unlink()
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
