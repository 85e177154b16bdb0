"""Key files of a terminal, kept outside the database with owner-only rights."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_DIR = "keys"


def load_or_create(data_dir: Path, name: str, size: int = 32) -> bytes:
    """Read a key, or make it on first use; written 0600 and atomically."""
    folder = data_dir / KEY_DIR
    path = folder / f"{name}.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(size)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # never replace a key another process made meanwhile
    except FileExistsError:
        pass
    os.unlink(tmp)
    return path.read_bytes()
