"""The server database: opening it, its epoch, credentials and one-time enrollment codes."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect, select, text, update

from sync.server.tables import code_seen, credentials, enroll_codes, metadata, server_meta

SERVER_DB = "server.db"
CODE_TTL_MS = 24 * 3600 * 1000


HUB = "hub"


@dataclass(frozen=True)
class Credential:
    hall_id: str
    terminal_id: str
    scope: str = "terminal"  # HUB: a hall's hub, enrolled with its upstream for the whole hall

    @property
    def is_hub(self) -> bool:
        return self.scope == HUB


class AuthFailure(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def database_url(data_dir: Path, url: str | None) -> str:
    """The default is a SQLCipher database in the data dir under its `keys/store.key`."""
    if url:
        return url
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"{CIPHER}:///{data_dir / SERVER_DB}"


CIPHER = "sqlite+pysqlcipher"


def _cipher_engine(url: str) -> Engine:
    """SQLCipher through SQLAlchemy: every pooled connection is opened (and checked) by the
    store's own key-aware connect. A plain SQLite server.db of an older version is encrypted
    in place first (atomically)."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.pool import QueuePool

    from hall.security import keys
    from hall.store import engine as store_engine

    raw = make_url(url).database
    if not raw:
        raise ValueError(f"{url}: a SQLCipher database needs a file path")
    path = Path(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    if store_engine.is_plain_sqlite(path):
        store_engine.encrypt_plain(path)
    key = keys.load_or_create(path.parent, keys.STORE)

    def creator() -> Any:
        conn: Any = store_engine.open_with_key(path, key)
        conn.isolation_level = ""  # the driver's implicit transactions, as SQLAlchemy expects
        return conn

    # The dialect re-states the same raw key on connect (its own PRAGMA key step).
    return create_engine(URL.create(CIPHER, password=f"x'{key.hex()}'", database=str(path)),
                         creator=creator, poolclass=QueuePool, pool_size=8, max_overflow=32)


def open_engine(url: str) -> Engine:
    """Create the engine and the tables; SQLite gets WAL and durable commits."""
    if url.startswith("sqlite"):
        if url.startswith(CIPHER):
            engine = _cipher_engine(url)
        else:
            engine = create_engine(url, connect_args={"check_same_thread": False,
                                                      "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: Engine) -> None:
    """Columns added after a database was created (all nullable): ALTER TABLE … ADD COLUMN."""
    found = inspect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            have = {c["name"] for c in found.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" '
                                      f"{kind}"))


def epoch(engine: Engine) -> str:
    """This database's identity: a cursor from another database is stale (410)."""
    with engine.begin() as conn:
        row = conn.execute(select(server_meta.c.value).where(server_meta.c.key == "epoch")).first()
        if row is not None:
            return str(row[0])
        value = uuid.uuid4().hex[:12]
        conn.execute(insert(server_meta).values(key="epoch", value=value))
        return value


def new_enroll_code(engine: Engine, hall_id: str, terminal_id: str, *,
                    hub: bool = False) -> str:
    """A one-time code; with `hub` the credential it buys may push for the whole hall."""
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    with engine.begin() as conn:
        conn.execute(insert(enroll_codes).values(
            code_hash=digest(code), hall_id=hall_id, terminal_id=terminal_id,
            expires_ms=now_ms() + CODE_TTL_MS, used_ms=None, scope=HUB if hub else None))
    return code


def enroll(engine: Engine, code: str, hall_id: str | None = None,
           terminal_id: str | None = None) -> tuple[Credential, str]:
    """Spend a one-time code; the terminal's earlier credentials are revoked. With the
    enrolling terminal's hall and id given, a code for another one is refused, not spent."""
    with engine.begin() as conn:
        row = conn.execute(
            select(enroll_codes.c.hall_id, enroll_codes.c.terminal_id, enroll_codes.c.expires_ms,
                   enroll_codes.c.used_ms, enroll_codes.c.scope)
            .where(enroll_codes.c.code_hash == digest(code.strip()))
            .with_for_update()
        ).first()
        if row is None or row.used_ms is not None or row.expires_ms < now_ms():
            raise AuthFailure(401, "unknown, used or expired enrollment code")
        if hall_id is not None and (hall_id, terminal_id) != (row.hall_id, row.terminal_id):
            raise AuthFailure(403, f"this code does not enroll terminal {terminal_id} of hall "
                              f"{hall_id}")
        conn.execute(update(enroll_codes).where(enroll_codes.c.code_hash == digest(code.strip()))
                     .values(used_ms=now_ms()))
        conn.execute(update(credentials).where(
            credentials.c.hall_id == row.hall_id, credentials.c.terminal_id == row.terminal_id
        ).values(revoked=True))
        token = secrets.token_urlsafe(32)
        conn.execute(insert(credentials).values(
            token_hash=digest(token), hall_id=row.hall_id, terminal_id=row.terminal_id,
            revoked=False, created_ms=now_ms(), scope=row.scope))
    return Credential(row.hall_id, row.terminal_id, row.scope or "terminal"), token


class DbReplayGuard:
    """The verify endpoint's replay guard (hall.security.codes.ReplayGuard) in the server database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def first_use(self, key: str, expires_at: int, now: float) -> bool:
        from sqlalchemy import delete
        from sqlalchemy.exc import IntegrityError

        try:
            with self.engine.begin() as conn:
                conn.execute(delete(code_seen).where(code_seen.c.expires_at <= int(now)))
                conn.execute(insert(code_seen).values(jti_hash=key, expires_at=expires_at))
        except IntegrityError:
            return False
        return True


def revoke(engine: Engine, hall_id: str, terminal_id: str) -> int:
    with engine.begin() as conn:
        result = conn.execute(update(credentials).where(
            credentials.c.hall_id == hall_id, credentials.c.terminal_id == terminal_id,
            credentials.c.revoked.is_(False)).values(revoked=True))
        return int(result.rowcount)


def authenticate(engine: Engine, authorization: str | None) -> Credential:
    if not authorization or not authorization.startswith("Bearer "):
        raise AuthFailure(401, "no bearer credential: enroll this terminal first")
    token = authorization.removeprefix("Bearer ").strip()
    with engine.connect() as conn:
        row = conn.execute(
            select(credentials.c.hall_id, credentials.c.terminal_id, credentials.c.revoked,
                   credentials.c.scope)
            .where(credentials.c.token_hash == digest(token))
        ).first()
    if row is None:
        raise AuthFailure(401, "unknown credential")
    if row.revoked:
        raise AuthFailure(403, f"terminal {row.terminal_id} of hall {row.hall_id} is revoked")
    return Credential(row.hall_id, row.terminal_id, row.scope or "terminal")
