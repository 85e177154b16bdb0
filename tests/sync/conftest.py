"""Sync fixtures: the real server over HTTP on 127.0.0.1 (SQLite, and PostgreSQL), terminals."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.core import Core
from hall.store import Store
from sync.client import SyncClient
from sync.credential import SyncCredential
from sync.server import db
from sync.server.app import create_app
from sync.server.run import bound_socket, server
from sync.server.upstream import Upstream
from sync.tls import TlsFiles
from tests.sync import pg

_names = itertools.count()


class RunningServer:
    def __init__(self, data_dir: Path, url: str, role: str = "hub",
                 upstream: dict[str, Any] | None = None, *, tls: TlsFiles | None = None,
                 **limits: Any) -> None:
        self.data_dir = data_dir
        self.database_url = url  # where the database is (the engine's own URL may not say)
        self.engine = db.open_engine(url)
        self.upstream: Upstream | None = None
        if upstream is not None:  # {"server", "token", "hall", "hub", **Upstream options}
            opts = dict(upstream)
            cred = SyncCredential(opts.pop("server"), opts.pop("token"), opts.pop("hall"),
                                  opts.pop("hub"), ca=opts.pop("ca", None))
            self.upstream = Upstream(self.engine, cred, **opts)
        self.app = create_app(self.engine, role=role, data_dir=data_dir, upstream=self.upstream,
                              **limits)
        self.sock = bound_socket()
        self.port = self.sock.getsockname()[1]
        self.tls = tls
        extra: dict[str, Any] = {}
        if tls is not None:
            extra = {"ssl_certfile": str(tls.cert), "ssl_keyfile": str(tls.key)}
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.server = server(self.app, "127.0.0.1", self.port, **extra)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            assert self.thread.is_alive(), "server thread died"
            time.sleep(0.02)

    def token(self, hall_id: str, terminal_id: str, *, hub: bool = False,
              role: str = "desk", window: str | None = None) -> str:
        code = db.new_enroll_code(self.engine, hall_id, terminal_id, hub=hub, role=role,
                                  window=window)
        return db.enroll(self.engine, code)[1]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()
        self.engine.dispose()


def offset_clock(offset: timedelta) -> Callable[[], datetime]:
    return lambda: datetime.now(UTC) + offset


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster]:
    reason = pg.unavailable()
    if reason:
        pytest.skip(reason)
    cluster = pg.Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_server(tmp_path: Path, request: pytest.FixtureRequest, backend: str) -> Iterator[Any]:
    """Every test that starts a server runs on SQLite and on PostgreSQL (`backend`), unless it
    names its kind."""
    started: list[RunningServer] = []

    def make(kind: str | None = None, role: str = "hub",
             upstream: dict[str, Any] | None = None, **options: Any) -> RunningServer:
        kind = kind or backend
        folder = tmp_path / f"server{next(_names)}"
        if kind == "postgresql":
            cluster: pg.Cluster = request.getfixturevalue("pg_cluster")
            url = cluster.new_database(f"t{next(_names)}_{int(time.time() * 1000) % 10**8}")
        else:
            url = db.database_url(folder, None)
        srv = RunningServer(folder, url, role, upstream, **options)
        started.append(srv)
        return srv

    yield make
    for srv in reversed(started):  # a hub before the central platform it forwards to
        srv.stop()


@pytest.fixture
def make_terminal(tmp_path: Path) -> Iterator[Any]:
    opened: list[tuple[Hall, SyncClient]] = []

    def make(url: str, token: str, terminal_id: str, *, hall_id: str = "H1",
             wall: Callable[[], datetime] | None = None, numbering: str = "member",
             **options: Any) -> SyncClient:
        cfg = TerminalConfig(hall_id=hall_id, terminal_id=terminal_id, numbering=numbering,  # type: ignore[arg-type]
                             short_code=terminal_id[-4:].upper())
        store = Store.open(tmp_path / f"term-{terminal_id}-{next(_names)}")
        kw: dict[str, Any] = {} if wall is None else {"wall": wall}
        hall = Hall(Core(store, cfg, load_catalog(), index_key=b"k" * 32, **kw))
        options.setdefault("timeout", 5.0)
        # the protocol's tests count events exactly: no 预约 seat-share leases in their rounds
        # unless a test asks (tests/sync/test_booking_shares.py does, through its own clients)
        options.setdefault("booking_shares", False)
        client = SyncClient(hall, url, token, **options)
        opened.append((hall, client))
        return client

    yield make
    for hall, client in opened:
        client.close()
        hall.core.store.close()
