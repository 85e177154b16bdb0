"""The HTTP face of the server (FastAPI): every body is size-limited, un-gzipped and validated."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import zlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from sync.server import db, log
from sync.server.hub import CallDesk, CallRefused
from sync.server.limits import BURST, RATE, TokenBuckets
from sync.server.upstream import Upstream
from sync.server.verify_api import router as verify_router
from sync.tls import is_loopback
from sync.wire import (
    API,
    MAX_BODY,
    CallRequest,
    CallResponse,
    EnrollRequest,
    EnrollResponse,
    Health,
    LeaseRequest,
    LeaseResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)


class Notifier:
    """Wakes long-polls when a push lands (lives on the event loop)."""

    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()

    def notify(self) -> None:
        self.version += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seen: int, timeout: float) -> None:
        if self.version != seen or timeout <= 0:
            return
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            pass


@dataclass
class ServerState:
    engine: Engine
    role: str
    data_dir: Path
    epoch: str
    desk: CallDesk
    push_lock: threading.Lock = field(default_factory=threading.Lock)
    notifier: Notifier = field(default_factory=Notifier)


async def _body(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"request body over {MAX_BODY} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise HTTPException(413, f"request body over {MAX_BODY} bytes")
    data = bytes(raw)
    if request.headers.get("content-encoding", "").lower() == "gzip":
        inflater = zlib.decompressobj(wbits=31)
        try:
            data = inflater.decompress(data, MAX_BODY + 1)
        except zlib.error as exc:
            raise HTTPException(400, f"bad gzip body: {exc}") from exc
        if len(data) > MAX_BODY or inflater.unconsumed_tail:
            raise HTTPException(413, f"request body over {MAX_BODY} bytes once inflated")
        if not inflater.eof:
            raise HTTPException(400, "truncated gzip body")
    try:
        return json.loads(data, parse_constant=_no_constant)
    except ValueError as exc:
        raise HTTPException(400, f"body is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise HTTPException(400, "body is not JSON this server takes: nested too deep") from exc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")  # NaN/Infinity: Python's json allows them


def _parse(model: type[BaseModel], body: Any) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        # Where and why, never the input itself: it may be personal data, or unencodable.
        raise HTTPException(422, _problems(exc.errors())) from exc


def _problems(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Where and why a body was refused, never the input itself."""
    return [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")),
             "type": str(e.get("type", ""))} for e in errors]


def _loopback(request: Request) -> bool:
    return request.client is not None and is_loopback(request.client.host)


def code_reader(engine: Engine, data_dir: Path) -> Any:
    """The verify endpoint's reader: resolvers from the server's security.json (none: the
    endpoint answers 503), code hashes under the hall's index key, used codes in the database."""
    from hall.security import codes, keys
    from hall.security import config as security_config

    specs = security_config.load(data_dir)["code_resolvers"]
    if not specs:
        return None
    return codes.CodeReader(codes.load_resolvers(specs),
                            keys.load_or_create(data_dir, keys.INDEX), db.DbReplayGuard(engine))


def hall_keys(data_dir: Path) -> dict[str, str]:
    """A hub's hall-wide keys (made on first use), for its terminals' enrollment."""
    from hall.security import keys

    return {name: base64.b64encode(keys.load_or_create(data_dir, name)).decode()
            for name in (keys.DATA, keys.INDEX)}


def create_app(engine: Engine, *, role: str, data_dir: Path,
               upstream: Upstream | None = None, rate: float = RATE,
               burst: int = BURST) -> FastAPI:
    """`upstream`: a hub forwarding its hall to the central platform (started with the app);
    `rate`/`burst`: each terminal's token bucket (requests per second, and at once)."""
    state = ServerState(engine=engine, role=role, data_dir=data_dir, epoch=db.epoch(engine),
                        desk=CallDesk(engine, data_dir))
    buckets = TokenBuckets(rate, burst)

    def throttle(key: str) -> None:
        wait = buckets.take(key)
        if wait > 0:
            raise HTTPException(429, "too many requests from this terminal; slow down",
                                headers={"Retry-After": TokenBuckets.retry_after(wait)})

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if upstream is not None:
            loop = asyncio.get_running_loop()

            def wake_pollers() -> None:
                loop.call_soon_threadsafe(state.notifier.notify)

            upstream.start(state.push_lock, wake_pollers)
        try:
            yield
        finally:
            if upstream is not None:
                await asyncio.to_thread(upstream.stop)
            state.desk.close()

    app = FastAPI(title="厅端 sync", lifespan=lifespan)
    app.state.sync = state

    @app.exception_handler(db.AuthFailure)
    async def _auth(_r: Request, exc: db.AuthFailure) -> JSONResponse:
        return JSONResponse({"detail": exc.reason}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own answer echoes the input: personal data, or NaN that cannot be encoded.
        return JSONResponse({"detail": _problems(exc.errors())}, status_code=422)

    @app.exception_handler(OperationalError)
    async def _busy(_r: Request, exc: OperationalError) -> JSONResponse:
        return JSONResponse({"detail": f"database busy: {exc.orig}"}, status_code=503,
                            headers={"Retry-After": "1"})

    async def auth(request: Request) -> db.Credential:
        header = request.headers.get("authorization")
        cred = await run_in_threadpool(db.authenticate, engine, header)
        throttle(f"t\x00{cred.hall_id}\x00{cred.terminal_id}")
        return cred

    @app.get(f"{API}/health", response_model=Health)
    async def health() -> Health:
        link = None if upstream is None else await run_in_threadpool(upstream.status)
        return Health(status="ok", role=role, server_time_ms=db.now_ms(), epoch=state.epoch,
                      upstream=link)

    @app.post(f"{API}/enroll", response_model=EnrollResponse)
    async def enroll(request: Request) -> EnrollResponse:
        throttle(f"e\x00{request.client.host if request.client else ''}")
        req: EnrollRequest = _parse(EnrollRequest, await _body(request))
        if (req.hall_id is None) != (req.terminal_id is None):
            raise HTTPException(422, "hall_id and terminal_id go together")
        cred, token = await run_in_threadpool(db.enroll, engine, req.code, req.hall_id,
                                              req.terminal_id)
        sent = None
        # A hub hands its terminals the hall's keys, never in clear over the LAN.
        if role == "hub" and not cred.is_hub and (request.url.scheme == "https"
                                                  or _loopback(request)):
            sent = await run_in_threadpool(hall_keys, data_dir)
        return EnrollResponse(hall_id=cred.hall_id, terminal_id=cred.terminal_id, token=token,
                              scope=cred.scope, keys=sent)

    def _push_locked(cred: db.Credential, events: list[dict[str, Any]]) -> PushResponse:
        with state.push_lock:
            return log.push(engine, cred, events)

    @app.post(f"{API}/sync/push", response_model=PushResponse)
    async def push(request: Request) -> PushResponse:
        cred = await auth(request)
        req: PushRequest = _parse(PushRequest, await _body(request))
        result = await run_in_threadpool(_push_locked, cred, req.events)
        if result.inserted:
            state.notifier.notify()
            if upstream is not None:
                upstream.poke()
        return result

    @app.get(f"{API}/sync/pull", response_model=PullResponse)
    async def pull(request: Request, cursor: str = Query("", max_length=80),
                   limit: int = Query(500, ge=1, le=2000),
                   wait: float = Query(0.0, ge=0.0, le=60.0)) -> PullResponse:
        cred = await auth(request)
        deadline = time.monotonic() + wait
        while True:
            seen = state.notifier.version
            try:
                result: PullResponse = await run_in_threadpool(
                    log.pull, engine, cred, state.epoch, cursor, limit)
            except log.StaleCursor as exc:
                raise HTTPException(410, "stale cursor: push, then pull from the start") from exc
            left = deadline - time.monotonic()
            if result.events or left <= 0:
                return result
            await state.notifier.wait(seen, left)

    @app.post(f"{API}/leases", response_model=LeaseResponse)
    async def leases(request: Request) -> LeaseResponse:
        cred = await auth(request)
        req: LeaseRequest = _parse(LeaseRequest, await _body(request))
        first, last = await run_in_threadpool(log.lease, engine, cred, req.day, req.series,
                                              req.size, req.request_id)
        return LeaseResponse(day=req.day, series=req.series, first=first, last=last)

    @app.post(f"{API}/calls/next", response_model=CallResponse)
    async def call_next(request: Request) -> CallResponse | JSONResponse:
        cred = await auth(request)
        req: CallRequest = _parse(CallRequest, await _body(request))
        if role != "hub":
            raise HTTPException(404, "call-next is decided by a hall hub, not the central platform")
        try:
            result: CallResponse = await run_in_threadpool(state.desk.call_next, cred.hall_id,
                                                           req.window)
        except CallRefused as exc:  # refused (window busy) or conflicting: 409 with the reason
            return JSONResponse({"detail": exc.message, "code": exc.code},
                                status_code=exc.status,
                                headers={"Retry-After": "1"} if exc.status == 503 else None)
        return result

    app.state.code_reader = code_reader(engine, data_dir)
    app.include_router(verify_router, dependencies=[Depends(auth)])
    return app
