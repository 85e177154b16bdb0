"""Running the server under uvicorn until SIGINT/SIGTERM: one process, or (the central platform
on PostgreSQL, `--workers N`) N worker processes on one listening socket.

Several processes: the parent creates the schema once (under the migration lock, db.migrate),
binds the socket, and starts N workers (spawned: each a fresh interpreter with its own engine,
pool, listener and event loop), restarting one that dies. The kernel hands each new connection
to one of the workers accepting on the socket. Several hosts run the same command against one
database; everything the workers decide for the platform is in that database (docs/architecture.md).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from hall.errors import ConfigError, DomainError
from sync import credential
from sync.server.app import create_app
from sync.server.db import PoolError, database_url, default_pool, open_engine, per_process, sizing_rule
from sync.server.limits import BURST, RATE
from sync.server.long_polls import MAX_LONG_POLLS
from sync.server.upstream import Upstream
from sync.tls import check_bind, check_url

UPSTREAM_FILE = "upstream.json"  # a hub's credential with its upstream (serve enroll)


def build(data_dir: Path, database: str | None, role: str,
          upstream: str | None = None, *, rate: float = RATE, burst: int = BURST,
          hall: str | None = None, trusted_proxies: Sequence[str] = (),
          api_docs: bool = False, pool_size: int | None = None,
          max_overflow: int | None = None, max_long_polls: int = MAX_LONG_POLLS) -> FastAPI:
    link_cred = None
    if upstream is not None:
        cred = credential.load(data_dir, UPSTREAM_FILE)
        link_cred = replace(cred, server=upstream.rstrip("/"))
        check_url(link_cred.server, insecure=link_cred.insecure, ca=link_cred.ca)
    engine = open_engine(database_url(data_dir, database), pool_size=pool_size,
                         max_overflow=max_overflow)
    link = None if link_cred is None else Upstream(engine, link_cred)
    return create_app(engine, role=role, data_dir=data_dir, upstream=link, rate=rate,
                      burst=burst, hall=hall, trusted_proxies=trusted_proxies,
                      api_docs=api_docs, max_long_polls=max_long_polls)


class _Server(uvicorn.Server):
    """uvicorn's server that first ends the held long-polls when asked to stop: a poll waits up
    to a minute, longer than the graceful shutdown, and uvicorn cancelling it logs an ASGI
    CancelledError traceback for every terminal connected."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.state.sync.notifier.close()
        await super().shutdown(sockets)


def server(app: FastAPI, host: str, port: int, **extra: Any) -> uvicorn.Server:
    # uvicorn would believe X-Forwarded-For from 127.0.0.1 by default, handing any local
    # process a fresh rate-limit bucket per request: the app reads forwarded headers itself,
    # from the configured trusted proxies only (sync/server/peers.py).
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=2, lifespan="on", proxy_headers=False,
                            **extra)
    return _Server(config, app)


def serve(data_dir: Path, database: str | None, role: str, host: str, port: int,
          upstream: str | None = None, *, tls_cert: str | None = None,
          tls_key: str | None = None, insecure: bool = False, rate: float = RATE,
          burst: int = BURST, hall: str | None = None,
          trusted_proxies: Sequence[str] = (), api_docs: bool = False,
          workers: int = 1, pool_size: int | None = None,
          max_overflow: int | None = None, max_long_polls: int = MAX_LONG_POLLS) -> None:
    check_bind(host, tls_cert, tls_key, insecure)
    url = database_url(data_dir, database)
    if workers > 1:
        check_workers(url, role, upstream)
    if url.startswith("postgresql"):
        say_connections(url, workers, pool_size, max_overflow)
    elif pool_size is not None or max_overflow is not None:
        raise PoolError("--pool-size and --max-overflow size the PostgreSQL pool of the central "
                        "platform (--database postgresql+psycopg://…); a SQLite server has one "
                        "writer and a fixed pool")
    if url.startswith("sqlite"):
        with serving_alone(url):
            _serve_one(data_dir, database, role, host, port, upstream, tls_cert, tls_key, rate,
                       burst, hall, trusted_proxies, api_docs, pool_size, max_overflow,
                       max_long_polls)
        return
    if workers > 1:
        options = {"data_dir": data_dir, "database": database, "role": role, "rate": rate,
                   "burst": burst, "trusted_proxies": tuple(trusted_proxies),
                   "api_docs": api_docs, "host": host, "port": port, "tls_cert": tls_cert,
                   "tls_key": tls_key, "pool_size": pool_size, "max_overflow": max_overflow,
                   "max_long_polls": max_long_polls}
        check_port_free(host, port)
        serve_workers(workers, options)
        return
    _serve_one(data_dir, database, role, host, port, upstream, tls_cert, tls_key, rate, burst,
               hall, trusted_proxies, api_docs, pool_size, max_overflow, max_long_polls)


def _serve_one(data_dir: Path, database: str | None, role: str, host: str, port: int,
               upstream: str | None, tls_cert: str | None, tls_key: str | None, rate: float,
               burst: int, hall: str | None, trusted_proxies: Sequence[str], api_docs: bool,
               pool_size: int | None, max_overflow: int | None,
               max_long_polls: int) -> None:
    check_port_free(host, port)
    app = build(data_dir, database, role, upstream, rate=rate, burst=burst, hall=hall,
                trusted_proxies=trusted_proxies, api_docs=api_docs, pool_size=pool_size,
                max_overflow=max_overflow, max_long_polls=max_long_polls)
    extra: dict[str, Any] = {}
    if tls_cert is not None:
        extra = {"ssl_certfile": tls_cert, "ssl_keyfile": tls_key}
    try:
        server(app, host, port, **extra).run()
    finally:
        app.state.sync.engine.dispose()


class ServerRunning(DomainError):
    """A second server process on one SQLite database: refused, exit 3. A hub decides its
    hall's numbers, calls and seats in one process (its call offers live in that process), so
    two on one data dir would each offer the same ticket to a different desk."""

    code = "server_running"


SERVING_LOCK = ".serving.lock"  # beside the database file: held while a process serves it


@contextmanager
def serving_alone(url: str) -> Iterator[None]:
    """Hold an exclusive lock beside the SQLite database while this process serves it; another
    `serve` on the same database is refused at once (the lock goes with the process, even -9)."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if not name or name == ":memory:":
        yield
        return
    db_file = Path(name)
    db_file.parent.mkdir(parents=True, exist_ok=True)
    lock = db_file.with_name(db_file.name + SERVING_LOCK)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise ServerRunning(
                f"another server process (pid {holder}) already serves {db_file}: stop it "
                "first (one process serves a SQLite database; a hub decides its hall's calls "
                "in one process)", code="server_running",
                params={"pid": holder, "database": str(db_file)}) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def check_port_free(host: str, port: int) -> None:
    """`serve` on a port another program holds: a sentence (exit 2) instead of uvicorn's log
    line. Port 0 (any free port) always binds."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
    try:
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"{host}:{port} is already in use by another program: stop it "
                              "or choose another --port", code="port_in_use",
                              params={"port": port}) from exc
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ConfigError(f"--host {host}: not an address of this machine",
                              code="bad_host", params={"host": host}) from exc
        raise
    finally:
        probe.close()


def say_connections(url: str, workers: int, pool_size: int | None,
                    max_overflow: int | None) -> None:
    """At start, on stderr: what this command's processes may open, against the database's
    max_connections (the docs' sizing rule); a database that cannot take them is said so."""
    import sys

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    kept, overflow = default_pool()
    kept = kept if pool_size is None else pool_size
    overflow = overflow if max_overflow is None else max_overflow
    probe = create_engine(url, poolclass=NullPool)
    try:
        with probe.connect() as conn:
            allowed = int(conn.execute(text("SHOW max_connections")).scalar_one())
    except SQLAlchemyError as exc:  # the start itself says what is wrong with the database
        print(f"connections: {sizing_rule(kept, overflow, workers)}; max_connections not read "
              f"({type(exc).__name__})", file=sys.stderr)
        return
    finally:
        probe.dispose()
    need = workers * per_process(kept, overflow)
    verdict = "fits" if need < allowed else "DOES NOT FIT: raise max_connections or lower " \
        "--pool-size/--max-overflow"
    print(f"connections: {sizing_rule(kept, overflow, workers)}; this database allows "
          f"max_connections={allowed}: {verdict} (other hosts on this database count too)",
          file=sys.stderr)


def bound_socket(host: str = "127.0.0.1") -> socket.socket:
    """A listening socket on a free port, handed to uvicorn (no race for the port). Made with
    IPPROTO_TCP named: asyncio sets TCP_NODELAY only on connections of such a socket, and
    without it each answer written in two parts waits on the client's delayed ACK (40 ms)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


class WorkersError(ConfigError):
    """Several worker processes asked where one process must decide alone."""

    code = "workers_hub"  # or workers_sqlite, as raised


def check_workers(url: str, role: str, upstream: str | None) -> None:
    """Only the central platform on PostgreSQL runs as several processes: a hub decides calls
    and keeps its peer list in its process's memory, and SQLite has one writer."""
    if role != "central" or upstream is not None:
        raise WorkersError("--workers is for the central platform (--role central): a hub "
                           "decides its hall's calls in one process", code="workers_hub")
    if not url.startswith("postgresql"):
        raise WorkersError("--workers needs --database postgresql+psycopg://…: on SQLite the "
                           "server is one process", code="workers_sqlite")


RESTART_PAUSE = (1.0, 30.0)  # a dead worker is started again after 1 s, doubling up to 30 s


def _worker(sock: socket.socket, options: dict[str, Any]) -> None:
    """One worker process: its own app (engine, pool, listener) on the shared socket."""
    app = build(options["data_dir"], options["database"], options["role"],
                rate=options["rate"], burst=options["burst"],
                trusted_proxies=options["trusted_proxies"], api_docs=options["api_docs"],
                pool_size=options["pool_size"], max_overflow=options["max_overflow"],
                max_long_polls=options["max_long_polls"])
    extra: dict[str, Any] = {}
    if options["tls_cert"] is not None:
        extra = {"ssl_certfile": options["tls_cert"], "ssl_keyfile": options["tls_key"]}
    try:
        server(app, options["host"], options["port"], **extra).run(sockets=[sock])
    finally:
        app.state.sync.engine.dispose()


def serve_workers(count: int, options: dict[str, Any]) -> None:
    """The parent of `count` workers, until SIGINT/SIGTERM (passed on to every worker)."""
    open_engine(database_url(options["data_dir"], options["database"])).dispose()  # migrate once
    sock = socket.socket(socket.AF_INET6 if ":" in options["host"] else socket.AF_INET,
                         socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((options["host"], options["port"]))
    sock.listen(2048)
    sock.set_inheritable(True)
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()
    log = logging.getLogger(__name__)

    def start() -> Any:
        proc = spawn.Process(target=_worker, args=(sock, options), daemon=False)
        proc.start()
        return proc

    def stopping(_sig: int, _frame: Any) -> None:
        stop.set()

    old = {sig: signal.signal(sig, stopping) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs = [start() for _ in range(count)]
    pauses = [RESTART_PAUSE[0]] * count
    try:
        while not stop.wait(0.5):
            for i, proc in enumerate(procs):
                if proc.is_alive() or stop.is_set():
                    continue
                log.warning("worker %d (pid %s) ended with %s; starting it again in %.0f s",
                            i, proc.pid, proc.exitcode, pauses[i])
                if stop.wait(pauses[i]):
                    break
                pauses[i] = min(pauses[i] * 2, RESTART_PAUSE[1])
                procs[i] = start()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()  # SIGTERM: uvicorn's graceful stop, held polls answered
        deadline = time.monotonic() + 10
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        sock.close()
        for sig, handler in old.items():
            signal.signal(sig, handler)
