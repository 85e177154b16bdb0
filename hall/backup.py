"""Encrypted backups of a data directory (a terminal's, a hub's) and their restore.

A backup is one file: a fixed header, then a tar stream cut into 1 MiB chunks, each sealed with
AES-256-GCM under a key derived from the recovery passphrase with scrypt (the `cryptography`
library for both). The chunk nonce is a random prefix, the chunk's counter and a last-chunk flag
(the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár), and every chunk
authenticates the header as associated data: a chunk moved, dropped, altered or cut off, or a
file cut at a chunk boundary, fails to open. A key-check tag in the header tells a wrong
passphrase from a damaged file before anything is read. Big stores stream: memory is a few MiB
whatever the size.

What goes in: each database (the terminal store `hall.db`, a hub's `server.db`) as a consistent
copy taken online with SQLite's backup API while other processes keep writing (one step, one
read transaction on the WAL, so writers never wait), keyed as the live one; then every other
file of the data directory — config.json, keys/, sync.json and the pinned CA, devices.json,
security.json, a hub's upstream.json and tls/ — except logs, the print spool and leftovers.
The keys that opened each copy are the ones stored, so a rotation racing the backup cannot
leave a copy without its key.

A restore writes into a fresh sibling folder and renames it into place only once the last chunk
has been authenticated and each database opens with its restored key: a wrong passphrase, a
damaged or a truncated file writes nothing.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import struct
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from hall.errors import HallError
from hall.security import keys
from hall.store import engine

MAGIC = b"TDBACKUP"
FORMAT = 1
CHUNK = 1 << 20  # plaintext bytes per sealed chunk
TAG = 16
SCRYPT_LOG2_N = 17  # 128 MiB and ~0.3 s per derivation: dear for a guesser, cheap for a restore
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 10
# magic, format, kdf id, log2 n, r, p, three spare bytes, salt, nonce prefix
_HEAD = struct.Struct(">8sBBBBB3x16s7s")
HEADER_SIZE = _HEAD.size + TAG  # + the key-check tag
_CHECK_COUNTER = 0xFFFFFFFF  # never a chunk's counter
DATABASES = ("hall.db", "server.db")  # the terminal store, a hub's database
MANIFEST = "manifest.json"
# Not worth carrying to a replacement PC, or being rewritten right now.
SKIP_DIRS = {"logs", "spool", "__pycache__"}
SKIP_SUFFIXES = (".tmp", ".encrypting", ".migrating", "-wal", "-shm", "-journal", ".lock")


class BackupError(HallError):
    """A backup file that cannot be opened (wrong passphrase, damaged, truncated) or a target
    that cannot take it. Exit 3: refused, nothing written."""

    code = "backup"
    exit_code = 3


@dataclass(frozen=True)
class BackupReport:
    file: Path
    kind: str
    bytes: int
    files: int
    databases: dict[str, int]  # name -> size of the consistent copy
    seconds: float


@dataclass(frozen=True)
class RestoreReport:
    data_dir: Path
    kind: str
    files: int
    databases: dict[str, int]
    created_ms: int
    seconds: float
    recovering: bool = False  # a member terminal: it takes back its own events at its next sync


# -- the sealed stream -----------------------------------------------------------------------------

def derive(passphrase: str, salt: bytes, log2_n: int = SCRYPT_LOG2_N, r: int = SCRYPT_R,
           p: int = SCRYPT_P) -> bytes:
    if not 10 <= log2_n <= 22 or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise BackupError("the backup header names key-derivation settings out of range: "
                          "not a 厅端 backup, or damaged", code="backup_damaged")
    return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase.encode())


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class SealingWriter(io.RawIOBase):
    """A write-only stream that seals what it is given, chunk by chunk, into `out`."""

    def __init__(self, out: IO[bytes], passphrase: str, *, log2_n: int = SCRYPT_LOG2_N) -> None:
        super().__init__()
        salt = secrets.token_bytes(16)
        self._prefix = secrets.token_bytes(7)
        head = _HEAD.pack(MAGIC, FORMAT, 1, log2_n, SCRYPT_R, SCRYPT_P, salt, self._prefix)
        self._aead = AESGCM(derive(passphrase, salt, log2_n))
        check = self._aead.encrypt(_nonce(self._prefix, _CHECK_COUNTER, True), b"", head)
        self._aad = head + check
        self._out = out
        out.write(self._aad)
        self._buf = bytearray()
        self._counter = 0
        self.written = len(self._aad)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._buf += view
        # a chunk leaves only when more follows, so the last one always carries the flag
        while len(self._buf) > CHUNK:
            self._seal(bytes(self._buf[:CHUNK]), last=False)
            del self._buf[:CHUNK]
        return len(view)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        if self._counter >= _CHECK_COUNTER:
            raise BackupError("backup too large for one file", code="backup_too_large")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), plain, self._aad)
        self._out.write(sealed)
        self.written += len(sealed)
        self._counter += 1

    def finish(self) -> None:
        self._seal(bytes(self._buf), last=True)
        self._buf.clear()


class OpeningReader(io.RawIOBase):
    """Reads a sealed backup back; raises BackupError on the first chunk that does not open."""

    def __init__(self, src: IO[bytes], passphrase: str) -> None:
        super().__init__()
        self._src = src
        raw = _read_exact(src, HEADER_SIZE)
        if len(raw) < HEADER_SIZE or raw[:8] != MAGIC:
            raise BackupError("not a 厅端 backup file (no backup header)", code="backup_damaged")
        _magic, fmt, kdf, log2_n, r, p, salt, prefix = _HEAD.unpack(raw[:_HEAD.size])
        if fmt != FORMAT or kdf != 1:
            raise BackupError(f"backup format {fmt} is not one this version reads; restore it "
                              "with a newer 厅端", code="backup_format")
        aead = AESGCM(derive(passphrase, salt, log2_n, r, p))
        try:
            aead.decrypt(_nonce(prefix, _CHECK_COUNTER, True), raw[_HEAD.size:], raw[:_HEAD.size])
        except InvalidTag:
            raise BackupError("wrong passphrase (or the backup file's header is damaged); "
                              "nothing was restored", code="backup_passphrase") from None
        self._aead = aead
        self._prefix = prefix
        self._aad = raw
        self._counter = 0
        self._plain = b""
        self._pos = 0
        self._ahead = _read_exact(src, CHUNK + TAG)
        self.finished = False  # the last chunk was authenticated

    def readable(self) -> bool:
        return True

    def _next(self) -> bool:
        if self.finished:
            return False
        block = self._ahead
        self._ahead = _read_exact(self._src, CHUNK + TAG)
        last = not self._ahead
        try:
            self._plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), block,
                                             self._aad)
        except InvalidTag:
            where = "ends early (truncated)" if last else "is damaged"
            raise BackupError(f"the backup file {where} at chunk {self._counter}: it cannot be "
                              "trusted; nothing was restored", code="backup_damaged") from None
        self._pos = 0
        self._counter += 1
        self.finished = last
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while self._pos >= len(self._plain):
            if not self._next():
                return 0
        n = min(len(view), len(self._plain) - self._pos)
        view[:n] = self._plain[self._pos:self._pos + n]
        self._pos += n
        return n

    def drain(self) -> None:
        """Read to the end: the tar stream stops at its end marker, the proof of an untruncated
        file is the last chunk."""
        while self._next():
            pass


def _read_exact(src: IO[bytes], size: int) -> bytes:
    parts = bytearray()
    while len(parts) < size:
        got = src.read(size - len(parts))
        if not got:
            break
        parts += got
    return bytes(parts)


# -- taking a backup --------------------------------------------------------------------------

def kind_of(data_dir: Path) -> str:
    found = [name for name in DATABASES if (data_dir / name).is_file()]
    if found == ["hall.db"]:
        return "terminal"
    if found == ["server.db"]:
        return "hub"
    if found:
        return "terminal+hub"
    raise BackupError(f"{data_dir} holds no terminal store (hall.db) and no hub database "
                      "(server.db): point --data-dir at a terminal's or a hub's data directory",
                      code="backup_nothing")


def snapshot(path: Path, target: Path) -> tuple[bytes, int]:
    """A consistent copy of a live SQLCipher database, keyed as the original; returns the key
    that opened both and the copy's size. One backup step reads the whole database inside one
    read transaction: in WAL mode writers carry on meanwhile and the copy is a single instant."""
    key = keys.load(path.parent, keys.STORE)
    if key is None:
        raise BackupError(f"{path}: its key {keys.key_path(path.parent, keys.STORE)} is missing",
                          code="backup_key")
    src = engine.open_with_key(path, key)
    try:
        size = engine.copy_database(src, target)
    finally:
        src.close()
    return key, size


def _identity_files(data_dir: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not (here == data_dir and d in SKIP_DIRS))
        for name in sorted(files):
            path = here / name
            rel = path.relative_to(data_dir)
            if here == data_dir and name.split("-")[0] in DATABASES:
                continue  # the databases (and their WAL) go in as consistent copies
            if name.endswith(SKIP_SUFFIXES) or ".before-" in name or not path.is_file():
                continue
            yield rel


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def backup(data_dir: Path, target: Path, passphrase: str, *,
           log2_n: int = SCRYPT_LOG2_N) -> BackupReport:
    """Write an encrypted backup of `data_dir` to `target` (atomically, mode 0600)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the recovery passphrase must have at least {MIN_PASSPHRASE} "
                          "characters", code="backup_passphrase_short")
    started = time.monotonic()
    data_dir = data_dir.resolve()
    kind = kind_of(data_dir)
    target = target.absolute()
    if target.is_relative_to(data_dir):
        raise BackupError("write the backup outside the data directory it saves",
                          code="backup_inside")
    if not target.parent.is_dir():
        # never made here: /media/usb/… with the stick not mounted would put the backup on the
        # PC's own disk, under the mount point, while the technician carries an empty stick away
        raise BackupError(f"{target.parent} does not exist (is the USB stick mounted?): make "
                          "the folder or name another; nothing was written",
                          code="backup_folder_missing", params={"folder": str(target.parent)})
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    databases: dict[str, int] = {}
    copies: dict[str, tuple[Path, bytes]] = {}
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=target.parent))
    try:
        for name in DATABASES:
            if (data_dir / name).is_file():
                copy = work / name
                key, size = snapshot(data_dir / name, copy)
                copies[name] = (copy, key)
                databases[name] = size
        files = list(_identity_files(data_dir))
        manifest = {"format": FORMAT, "kind": kind, "created_ms": time.time_ns() // 1_000_000,
                    "source": str(data_dir), "databases": databases,
                    "files": [p.as_posix() for p in files]}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            sealer = SealingWriter(out, passphrase, log2_n=log2_n)
            with tarfile.open(fileobj=sealer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
                for name, (copy, _key) in copies.items():
                    tar.add(copy, arcname=name, recursive=False)
                for rel in files:
                    arc = rel.as_posix()
                    if arc == f"{keys.KEY_DIR}/{keys.STORE}.key" and copies:
                        # the key that opened the copies, whatever the file says now
                        key = next(iter(copies.values()))[1]
                        _add_bytes(tar, arc, key)
                        continue
                    tar.add(data_dir / rel, arcname=arc, recursive=False)
            sealer.finish()
            out.flush()
            os.fsync(out.fileno())
            size = sealer.written
        os.replace(partial, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return BackupReport(target, kind, size, len(files), databases,
                        time.monotonic() - started)


# -- restoring ----------------------------------------------------------------------------------

def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"the backup names a file outside its folder ({name!r}): refused",
                          code="backup_damaged")
    return path


def _open_check(path: Path) -> None:
    key = keys.load(path.parent, keys.STORE)
    if key is None:
        raise BackupError(f"the backup holds {path.name} but not its key", code="backup_damaged")
    conn = engine.open_with_key(path, key)
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()
    if verdict != "ok":
        raise BackupError(f"{path.name} in the backup fails its check ({verdict})",
                          code="backup_damaged")


def restore(source: Path, data_dir: Path, passphrase: str) -> RestoreReport:
    """Bring a backup back into `data_dir`, which must not exist or be empty."""
    started = time.monotonic()
    data_dir = data_dir.absolute()
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(f"{data_dir} is not empty: restore into a new folder (nothing of the "
                          "old one is overwritten)", code="restore_target")
    try:
        fh = open(source, "rb")  # noqa: SIM115 - closed below, after the reader is drained
    except OSError as exc:
        raise BackupError(f"{source}: cannot read the backup ({exc.strerror})",
                          code="backup_unreadable") from exc
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restoring-", dir=data_dir.parent))
    try:
        with fh:
            reader = OpeningReader(fh, passphrase)
            manifest, count = _extract(io.BufferedReader(reader, CHUNK), work)
            reader.drain()
        if not reader.finished:
            raise BackupError("the backup file ends early (truncated): nothing was restored",
                              code="backup_damaged")
        databases = {}
        for name in DATABASES:
            if (work / name).exists():
                _open_check(work / name)
                databases[name] = (work / name).stat().st_size
        guarded = (work / "hall.db").exists() and _guard_restored(work)
        os.chmod(work, 0o700)
        if data_dir.exists():
            data_dir.rmdir()  # empty, checked above
        os.replace(work, data_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return RestoreReport(data_dir, str(manifest.get("kind", "?")), count, databases,
                         int(manifest.get("created_ms", 0)), time.monotonic() - started,
                         recovering=guarded)


def _guard_restored(folder: Path) -> bool:
    """Mark a member terminal's restored store (hall/restore_guard.py): until its sync has taken
    back from the hub what the old PC pushed after the backup, and for the rest of today, it
    issues nothing the old PC may have issued. Written before the folder is renamed into place,
    so no program ever opens the restored store unmarked. False: nothing to guard (a standalone
    station has no hub to recover from: see README, "Backup and restore")."""
    from hall import config as config_file
    from hall import restore_guard
    from hall.timefmt import local_day

    try:
        config = config_file.load(folder)
    except HallError:
        return False  # no readable config.json: it is opened (and refused) as any such folder
    if config.numbering != "member":
        return False
    key = keys.load(folder, keys.STORE)
    assert key is not None  # _open_check found it
    conn = engine.open_with_key(folder / "hall.db", key)
    try:
        conn.execute("BEGIN IMMEDIATE")
        restore_guard.mark_restored(conn, local_day(datetime.now(UTC), config.zone),
                                    recovering=True)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return True


def _extract(stream: IO[bytes], work: Path) -> tuple[dict[str, Any], int]:
    """Regular files and folders only, inside `work`, written owner-only."""
    manifest: dict[str, Any] | None = None
    count = 0
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                rel = _safe_name(member.name)
                dest = work.joinpath(*rel.parts)
                if member.isdir():
                    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
                    continue
                if not member.isfile():
                    raise BackupError(f"the backup holds {member.name!r}, which is not a plain "
                                      "file: refused", code="backup_damaged")
                body = tar.extractfile(member)
                assert body is not None  # a regular file always has a body
                if member.name == MANIFEST:
                    manifest = json.loads(body.read().decode("utf-8"))
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(body, out, CHUNK)
                    out.flush()
                    os.fsync(out.fileno())
                count += 1
    except tarfile.TarError as exc:
        raise BackupError(f"the backup's contents are not readable ({exc})",
                          code="backup_damaged") from exc
    if manifest is None or manifest.get("format") != FORMAT:
        raise BackupError("the backup has no manifest: not a 厅端 backup", code="backup_damaged")
    return manifest, count
