"""Running the server under uvicorn until SIGINT/SIGTERM."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from sync import credential
from sync.server.app import create_app
from sync.server.db import database_url, open_engine
from sync.server.limits import BURST, RATE
from sync.server.upstream import Upstream
from sync.tls import check_bind, check_url

UPSTREAM_FILE = "upstream.json"  # a hub's credential with its upstream (serve enroll)


def build(data_dir: Path, database: str | None, role: str,
          upstream: str | None = None, *, rate: float = RATE, burst: int = BURST,
          hall: str | None = None, trusted_proxies: Sequence[str] = (),
          api_docs: bool = False) -> FastAPI:
    link_cred = None
    if upstream is not None:
        cred = credential.load(data_dir, UPSTREAM_FILE)
        link_cred = replace(cred, server=upstream.rstrip("/"))
        check_url(link_cred.server, insecure=link_cred.insecure, ca=link_cred.ca)
    engine = open_engine(database_url(data_dir, database))
    link = None if link_cred is None else Upstream(engine, link_cred)
    return create_app(engine, role=role, data_dir=data_dir, upstream=link, rate=rate,
                      burst=burst, hall=hall, trusted_proxies=trusted_proxies,
                      api_docs=api_docs)


def server(app: FastAPI, host: str, port: int, **extra: Any) -> uvicorn.Server:
    # uvicorn would believe X-Forwarded-For from 127.0.0.1 by default, handing any local
    # process a fresh rate-limit bucket per request: the app reads forwarded headers itself,
    # from the configured trusted proxies only (sync/server/peers.py).
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=2, lifespan="on", proxy_headers=False,
                            **extra)
    return uvicorn.Server(config)


def serve(data_dir: Path, database: str | None, role: str, host: str, port: int,
          upstream: str | None = None, *, tls_cert: str | None = None,
          tls_key: str | None = None, insecure: bool = False, rate: float = RATE,
          burst: int = BURST, hall: str | None = None,
          trusted_proxies: Sequence[str] = (), api_docs: bool = False) -> None:
    check_bind(host, tls_cert, tls_key, insecure)
    app = build(data_dir, database, role, upstream, rate=rate, burst=burst, hall=hall,
                trusted_proxies=trusted_proxies, api_docs=api_docs)
    extra: dict[str, Any] = {}
    if tls_cert is not None:
        extra = {"ssl_certfile": tls_cert, "ssl_keyfile": tls_key}
    try:
        server(app, host, port, **extra).run()
    finally:
        app.state.sync.engine.dispose()


def bound_socket(host: str = "127.0.0.1") -> socket.socket:
    """A listening socket on a free port, handed to uvicorn (no race for the port). Made with
    IPPROTO_TCP named: asyncio sets TCP_NODELAY only on connections of such a socket, and
    without it each answer written in two parts waits on the client's delayed ACK (40 ms)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock
