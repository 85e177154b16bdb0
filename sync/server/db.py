"""The server database: opening it, its epoch, credentials and one-time enrollment codes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect, select, text, update
from sqlalchemy import exc as sa_exc

from hall.clock import now_ms as now_ms  # the one wall clock in ms (log, upstream import it here)
from hall.errors import ConfigError, HallError, StoreError
from hall.event_rules import DEFAULT_ROLE, TERMINAL_ROLES
from hall.ids import normal_id
from sync.server.tables import code_seen, credentials, enroll_codes, metadata, server_meta

SERVER_DB = "server.db"
CODE_TTL_MS = 24 * 3600 * 1000


HUB = "hub"
# server_meta keys: the role the database was last served in, and the one hall a hub serves
# (fixed by `serve --hall`, by its upstream credential, or at its first enrollment).
ROLE_KEY = "role"
HUB_HALL_KEY = "hub_hall"


@dataclass(frozen=True)
class Credential:
    hall_id: str
    terminal_id: str
    scope: str = "terminal"  # HUB: a hall's hub, enrolled with its upstream for the whole hall
    role: str = DEFAULT_ROLE  # desk | kiosk | display: what it may emit (hall/event_rules.py)
    window: str | None = None  # a rater's: the one window whose visits it may rate

    @property
    def is_hub(self) -> bool:
        return self.scope == HUB


class AuthFailure(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


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
    """The server database as SQLCipher. A plain SQLite server.db of an older version is
    encrypted in place first (atomically)."""
    from sqlalchemy.engine import make_url

    from hall.security import keys
    from hall.store import engine as store_engine

    raw = make_url(url).database
    if not raw:
        raise ValueError(f"{url}: a SQLCipher database needs a file path")
    path = Path(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    if store_engine.is_plain_sqlite(path):
        store_engine.encrypt_plain(path)
    return cipher_engine(path, keys.load_or_create(path.parent, keys.STORE))


def cipher_engine(path: Path, key: bytes, *, read_only: bool = False) -> Engine:
    """SQLAlchemy over a SQLCipher file: every connection comes from the one factory of every
    SQLCipher file, `hall.store.engine.open_with_key` (key, page format, check). The dialect is
    SQLite's own over the sqlcipher3 driver (`module=`: its exceptions are the ones SQLAlchemy
    maps), so nothing after the factory states a key or a cipher setting again."""
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import NullPool, QueuePool
    from sqlcipher3 import dbapi2

    from hall.store import engine as store_engine

    def creator() -> Any:
        conn: Any = store_engine.open_with_key(path, key)
        if read_only:
            conn.execute("PRAGMA query_only = ON")
        conn.isolation_level = ""  # the driver's implicit transactions, as SQLAlchemy expects
        return conn

    # The URL names the file for logs and reprs; the creator alone opens it.
    url = URL.create("sqlite", database=str(path))
    if read_only:
        return create_engine(url, creator=creator, module=dbapi2, poolclass=NullPool)
    return create_engine(url, creator=creator, module=dbapi2, poolclass=QueuePool,
                         pool_size=8, max_overflow=32)


# What one server process can hold at once, each thread with one pooled connection: anyio's
# default thread limiter (40: the request work of push, lease, own…), and the app's own limiters
# beside it (sync/server/app.py: the shared-limit checks 8, credential lookups 8, pull queries
# 12, readiness checks 2, sync/server/ready.py). A pool smaller than their sum makes them queue
# on the pool, behind each other, which the separate limiters are there to prevent.
THREAD_POOL = 40
POOL_KEPT = 10  # connections kept open between bursts; the rest is overflow


def connections_needed() -> int:
    """Pooled connections one process's threads can hold at once (the default pool's whole)."""
    from sync.server.app import AUTH_LOOKUPS, POLL_QUERIES
    from sync.server.ready import CHECKS

    return THREAD_POOL + 2 * AUTH_LOOKUPS + POLL_QUERIES + CHECKS


def default_pool() -> tuple[int, int]:
    """(pool_size, max_overflow) of a server process on PostgreSQL by default."""
    need = connections_needed()
    return POOL_KEPT, need - POOL_KEPT


LISTEN_CONNECTIONS = 1  # each process's LISTEN connection (sync/server/notify.py), outside the pool


def per_process(pool_size: int, max_overflow: int) -> int:
    """The most connections to PostgreSQL one process opens: its pool and its listener."""
    return pool_size + max_overflow + LISTEN_CONNECTIONS


def sizing_rule(pool_size: int, max_overflow: int, processes: int | None = None) -> str:
    each = per_process(pool_size, max_overflow)
    need = "processes" if processes is None else f"{processes} processes = " \
        f"{processes * each}"
    return (f"max_connections >= processes x {each} per process (pool {pool_size} + overflow "
            f"{max_overflow} + 1 LISTEN) + superuser_reserved_connections + admin: {need}")


class PoolError(ConfigError):
    """A pool size asked where there is no pool to size (SQLite)."""

    code = "pool_sqlite"


def open_engine(url: str, *, pool_size: int | None = None,
                max_overflow: int | None = None) -> Engine:
    """Create the engine and the tables; SQLite gets WAL and durable commits. `pool_size` and
    `max_overflow` size a PostgreSQL pool (default: default_pool()); on SQLite they are refused."""
    if (pool_size is not None or max_overflow is not None) and url.startswith("sqlite"):
        raise PoolError("--pool-size and --max-overflow size the PostgreSQL pool of the central "
                        "platform; a SQLite server has one writer and a fixed pool")
    with database_errors(url):
        engine = _open(url, pool_size, max_overflow)
        try:
            migrate(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


def _open(url: str, pool_size: int | None, max_overflow: int | None) -> Engine:
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
        # Room for every thread that can hold a connection at once (connections_needed).
        kept, overflow = default_pool()
        engine = create_engine(url, pool_pre_ping=True,
                               pool_size=kept if pool_size is None else pool_size,
                               max_overflow=overflow if max_overflow is None else max_overflow)
    return engine


class DatabaseUnreachable(HallError):
    """The PostgreSQL server of `--database` does not answer or refuses us: exit 5 (network),
    like a hub that cannot be reached; nothing was written."""

    code = "database_unreachable"
    exit_code = 5


def _shown(url: str) -> str:
    """The URL as an error may show it: never its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return "(not a URL)"


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """A database that cannot be opened becomes a sentence with the exit code of its kind (a
    technician's typo in --database, PostgreSQL down) instead of a crash report."""
    try:
        yield
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError) as exc:
        raise ConfigError(f"--database {_shown(url)}: not a database this server can use "
                          "(sqlite:///FILE or postgresql+psycopg://USER@HOST/DB): "
                          f"{type(exc).__name__}: {exc}", code="database_url") from exc
    except sa_exc.OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        if url.startswith("sqlite"):
            raise StoreError(f"{_shown(url)}: the database cannot be opened ({reason})",
                             code="database_open") from exc
        raise DatabaseUnreachable(f"{_shown(url)}: the database does not answer ({reason}); "
                                  "nothing was written", code="database_unreachable") from exc


MIGRATION_LOCK = (0x7464, 0)  # the advisory lock (namespace "td", 0) migrations run under


def migrate(engine: Engine) -> None:
    """Create what is missing. On PostgreSQL under a transaction-scoped advisory lock: N
    processes (on one host or many) starting at once run it one after another, the first does
    the work and the others find it done; DDL is transactional there, so a process killed
    half-way leaves nothing half-made."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                         {"a": MIGRATION_LOCK[0], "b": MIGRATION_LOCK[1]})
            from sync.server import limits

            limits.make_table(conn)
        metadata.create_all(conn)
        _add_missing_columns(conn)
        for table in metadata.sorted_tables:  # indexes added after a table was made
            for index in table.indexes:
                index.create(conn, checkfirst=True)


def _add_missing_columns(conn: Any) -> None:
    """Columns added after a database was created (all nullable): ALTER TABLE … ADD COLUMN."""
    found = inspect(conn)
    for table in metadata.sorted_tables:
        have = {c["name"] for c in found.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have and column.nullable:
                kind = column.type.compile(dialect=conn.dialect)
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" '
                                  f"{kind}"))


def _meta_once(engine: Engine, key: str, make: str) -> str:
    """The value under `key`, set to `make` if there is none yet. Several processes starting
    at once on one database agree on one value (insert-or-nothing, then read)."""
    with engine.begin() as conn:
        stmt = _insert(conn, server_meta).values(key=key, value=make).on_conflict_do_nothing()
        conn.execute(stmt)
        return str(conn.execute(select(server_meta.c.value).where(
            server_meta.c.key == key)).scalar_one())


def _insert(conn: Any, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def epoch(engine: Engine) -> str:
    """This database's identity: a cursor from another database is stale (410)."""
    return _meta_once(engine, "epoch", uuid.uuid4().hex[:12])


def cursor_key(engine: Engine) -> bytes:
    """The key pull cursors are sealed under (sync/server/cursor.py), shared by every process."""
    return bytes.fromhex(_meta_once(engine, "cursor_key", secrets.token_hex(16)))


def _meta(conn: Any, key: str) -> str | None:
    value = conn.execute(select(server_meta.c.value).where(server_meta.c.key == key)).scalar()
    return None if value is None else str(value)


def _put_meta(conn: Any, key: str, value: str) -> None:
    stmt = _insert(conn, server_meta).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


class HubHallError(ConfigError):
    """A hub serves one hall: a code, a credential or a start for another hall is refused."""

    code = "hub_hall"


def serve_as(engine: Engine, role: str, hall: str | None = None) -> str | None:
    """Record the role this database is served in; for a hub, fix or check its one hall and
    return it (None: not known yet, it is fixed by the first enrollment). A hub database from
    before halls were fixed takes the hall of its terminals' credentials; credentials of
    several halls need `hall` to say which one it serves."""
    hall = None if hall is None else normal_id(hall)
    with engine.begin() as conn:
        _put_meta(conn, ROLE_KEY, role)
        if role != HUB:
            return None
        fixed = _meta(conn, HUB_HALL_KEY)
        if fixed is not None and hall is not None and fixed != hall:
            raise HubHallError(f"this hub serves hall {fixed} (fixed at its first enrollment); "
                               f"it cannot serve hall {hall}: use a hub of its own for that "
                               "hall, or the central platform")
        if fixed is not None:
            return fixed
        if hall is None:
            found = sorted({str(r[0]) for r in conn.execute(
                select(credentials.c.hall_id).where(credentials.c.revoked.is_(False))
                .distinct())})
            if len(found) > 1:
                raise HubHallError(f"this hub holds credentials of halls {', '.join(found)}; a "
                                   "hub serves one hall: start it with --hall HALL (the other "
                                   "halls' terminals are then refused)")
            hall = found[0] if found else None
        if hall is not None:
            _put_meta(conn, HUB_HALL_KEY, hall)
        return hall


def hub_hall(engine: Engine) -> str | None:
    """The hall this database serves as a hub (None: not a hub, or no hall fixed yet)."""
    with engine.connect() as conn:
        return _meta(conn, HUB_HALL_KEY) if _meta(conn, ROLE_KEY) == HUB else None


def _foreign_to_hub(conn: Any, hall_id: str) -> str | None:
    """On a hub: the hall it serves if `hall_id` is another one (else None)."""
    if _meta(conn, ROLE_KEY) != HUB:
        return None
    fixed = _meta(conn, HUB_HALL_KEY)
    return fixed if fixed is not None and fixed != hall_id else None


def new_enroll_code(engine: Engine, hall_id: str, terminal_id: str, *,
                    hub: bool = False, role: str = DEFAULT_ROLE,
                    window: str | None = None) -> str:
    """A one-time code; with `hub` the credential it buys may push for the whole hall. On a hub,
    a code for a hall other than the one it serves is refused (HubHallError). `role`: what the
    terminal is (desk, kiosk, display), which bounds what it may emit; a rating pad (`rater`)
    is bound to its `window` (required for it, refused for the others)."""
    if role not in (*TERMINAL_ROLES, "department"):  # department: sync/server/department_api.py
        raise ValueError(f"a terminal's role is one of {', '.join(TERMINAL_ROLES)}, not {role!r}")
    if (role == "rater") != (window is not None) or (hub and window is not None):
        raise ValueError("a rating pad (--role rater) is enrolled for its --window, and only a "
                         "rating pad is")
    if window is not None:
        from hall.windows import check_window_name

        window = check_window_name(window)  # DomainError bad_window
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    hall_id, terminal_id = normal_id(hall_id), normal_id(terminal_id)  # SY-ZW01 = sy-zw01
    with engine.begin() as conn:
        serves = _foreign_to_hub(conn, hall_id)
        if serves is not None:
            raise HubHallError(f"this hub serves hall {serves}; a terminal of hall {hall_id} "
                               "enrolls with its own hall's hub (or the central platform)")
        conn.execute(insert(enroll_codes).values(
            code_hash=digest(code), hall_id=hall_id, terminal_id=terminal_id,
            expires_ms=now_ms() + CODE_TTL_MS, used_ms=None, scope=HUB if hub else None,
            role=role, window=window))
    return code


def enroll(engine: Engine, code: str, hall_id: str | None = None,
           terminal_id: str | None = None) -> tuple[Credential, str]:
    """Spend a one-time code; the terminal's earlier credentials are revoked. With the
    enrolling terminal's hall and id given, a code for another one is refused, not spent."""
    with engine.begin() as conn:
        row = conn.execute(
            select(enroll_codes.c.hall_id, enroll_codes.c.terminal_id, enroll_codes.c.expires_ms,
                   enroll_codes.c.used_ms, enroll_codes.c.scope, enroll_codes.c.role,
                   enroll_codes.c.window)
            .where(enroll_codes.c.code_hash == digest(code.strip()))
            .with_for_update()
        ).first()
        if row is None or row.used_ms is not None or row.expires_ms < now_ms():
            raise AuthFailure(401, "unknown, used or expired enrollment code")
        if hall_id is not None and (hall_id, terminal_id) != (row.hall_id, row.terminal_id):
            raise AuthFailure(403, f"this code does not enroll terminal {terminal_id} of hall "
                              f"{hall_id}")
        serves = _foreign_to_hub(conn, row.hall_id)
        if serves is not None:  # refused, and the code stays unspent
            raise AuthFailure(403, f"this hub serves hall {serves}; a terminal of hall "
                              f"{row.hall_id} enrolls with its own hall's hub")
        if _meta(conn, ROLE_KEY) == HUB and _meta(conn, HUB_HALL_KEY) is None:
            # A hub's first enrollment fixes its hall; of two first ones at once, one wins.
            conn.execute(_insert(conn, server_meta).values(key=HUB_HALL_KEY, value=row.hall_id)
                         .on_conflict_do_nothing())
            serves = _foreign_to_hub(conn, row.hall_id)
            if serves is not None:
                raise AuthFailure(403, f"this hub serves hall {serves}; a terminal of hall "
                                  f"{row.hall_id} enrolls with its own hall's hub")
        conn.execute(update(enroll_codes).where(enroll_codes.c.code_hash == digest(code.strip()))
                     .values(used_ms=now_ms()))
        earlier = conn.execute(update(credentials).where(
            credentials.c.hall_id == row.hall_id, credentials.c.terminal_id == row.terminal_id,
            credentials.c.revoked.is_(False)).values(revoked=True))
        if earlier.rowcount:
            _announce_revoked(conn, row.hall_id, row.terminal_id)
        token = secrets.token_urlsafe(32)
        conn.execute(insert(credentials).values(
            token_hash=digest(token), hall_id=row.hall_id, terminal_id=row.terminal_id,
            revoked=False, created_ms=now_ms(), scope=row.scope, role=row.role,
            window=row.window))
    return Credential(row.hall_id, row.terminal_id, row.scope or "terminal",
                      row.role or DEFAULT_ROLE, row.window), token


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


REVOKED_CHANNEL = "tingduan_revoked"  # NOTIFY payload "HALL TERMINAL": caches forget it


def _announce_revoked(conn: Any, hall_id: str, terminal_id: str) -> None:
    """Inside the revoking transaction on PostgreSQL: on commit every server process on the
    database hears it (sync/server/notify.py PgListener) and drops that terminal's cached
    credentials, so the next request anywhere looks the credential up and is refused."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                     {"channel": REVOKED_CHANNEL, "payload": f"{hall_id} {terminal_id}"})


def revoke(engine: Engine, hall_id: str, terminal_id: str) -> int:
    hall_id, terminal_id = normal_id(hall_id), normal_id(terminal_id)
    with engine.begin() as conn:
        result = conn.execute(update(credentials).where(
            credentials.c.hall_id == hall_id, credentials.c.terminal_id == terminal_id,
            credentials.c.revoked.is_(False)).values(revoked=True))
        if result.rowcount:
            _announce_revoked(conn, hall_id, terminal_id)
        return int(result.rowcount)


def bearer(authorization: str | None) -> str:
    """The token's digest from an Authorization header (AuthFailure if there is none)."""
    if not authorization or not authorization.startswith("Bearer "):
        raise AuthFailure(401, "no bearer credential: enroll this terminal first")
    return digest(authorization.removeprefix("Bearer ").strip())


def authenticate(engine: Engine, authorization: str | None) -> Credential:
    return lookup(engine, bearer(authorization))


def lookup(engine: Engine, token_hash: str) -> Credential:
    with engine.connect() as conn:
        row = conn.execute(
            select(credentials.c.hall_id, credentials.c.terminal_id, credentials.c.revoked,
                   credentials.c.scope, credentials.c.role, credentials.c.window)
            .where(credentials.c.token_hash == token_hash)
        ).first()
    if row is None:
        raise AuthFailure(401, "unknown credential")
    if row.revoked:
        raise AuthFailure(403, f"terminal {row.terminal_id} of hall {row.hall_id} is revoked")
    return Credential(row.hall_id, row.terminal_id, row.scope or "terminal",
                      row.role or DEFAULT_ROLE, row.window)
