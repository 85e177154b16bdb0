"""The directory's endpoints (issue 24): `GET /v1/directory` for any enrolled credential, and
`POST /v1/directory/key` by which a hall publishes its own public key.

On the central platform both answer from its database (sync/server/directory.py). A hub answers
its terminals from the copy it pinned (`directory.json` in its data dir), refreshed from its
upstream on each request when the upstream answers (its own hall key published first); a hub
without an upstream, or before its first refresh, has none (404).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from hall.errors import HallError
from sync import directory_pin
from sync.errors import NetworkError
from sync.server import db, directory, routing
from sync.server.answers import answers
from sync.server.long_polls import LongPolls
from sync.server.upstream import Upstream
from sync.transport import Http
from sync.wire import API


def _from_upstream(upstream: Upstream, data_dir: Path) -> dict[str, Any]:
    from hall.security.hall_pair import ensure as hall_keypair

    cred = upstream.cred
    http = Http(cred.server, cred.token, timeout=upstream.timeout, ca=cred.ca,
                insecure=cred.insecure)
    try:
        return directory_pin.refresh(http, data_dir, hall_keypair(data_dir).public)
    finally:
        http.close()


def add_routes(app: FastAPI, auth: Callable[[Request], Awaitable[db.Credential]], *,
               engine: Engine, role: str, data_dir: Path, upstream: Upstream | None,
               body: Callable[[Request], Awaitable[Any]], notifier: Any,
               long_polls: LongPolls | None = None) -> None:
    directory.ensure(engine)
    polls = long_polls or LongPolls()
    marked: dict[str, int] = {}  # read marks this process wrote: a repeated ask writes none

    @app.get(f"{API}/directory", responses=answers(401, 403, 404, 409, 429, 503))
    async def get_directory(request: Request) -> JSONResponse:
        """The halls (id, name, level, parent, public key) and the departments' seats."""
        await auth(request)
        if role != db.HUB:
            return JSONResponse(await run_in_threadpool(directory.read, engine))
        if upstream is not None:
            try:
                return JSONResponse(await run_in_threadpool(_from_upstream, upstream, data_dir))
            except NetworkError:
                pass  # the upstream is away: the pinned copy below
            except HallError as exc:
                return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        try:
            pinned = directory_pin.load(data_dir)
        except HallError as exc:  # the hub's pinned copy is damaged: say so, not a 500
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        if pinned is None:
            raise HTTPException(404, "this hub has not heard the platform's directory yet")
        return JSONResponse(pinned)

    @app.post(f"{API}/directory/key",
              responses=answers(400, 401, 403, 404, 409, 413, 422, 429, 503))
    async def publish_key(request: Request) -> JSONResponse:
        """A hall's public key, from its hub or a station of its own (a desk credential):
        pinned on first publication; another key later: 409 `hall_key_changed`."""
        cred = await auth(request)
        if role == db.HUB:
            raise HTTPException(404, "a hall's key is published to the central platform")
        if not (cred.is_hub or cred.role == "desk"):
            raise HTTPException(403, f"a {cred.role} terminal publishes no hall key")
        got = await body(request)
        key = got.get("public_key") if isinstance(got, dict) else None
        if not isinstance(key, str) or len(key) > 64:
            raise HTTPException(422, "public_key: the hall's X25519 public key in base64")
        try:
            kid = await run_in_threadpool(directory.publish_key, engine, cred.hall_id, key)
        except directory.DirectoryError as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        return JSONResponse({"hall": cred.hall_id, "kid": kid})

    @app.get(f"{API}/travel/inbox", responses=answers(401, 403, 404, 422, 429, 503))
    async def travel_inbox(request: Request, after: int = Query(0, ge=0, le=2**62),
                           limit: int = Query(200, ge=1, le=500),
                           wait: float = Query(0.0, ge=0.0, le=30.0)) -> JSONResponse:
        """What other halls routed to the caller's hall (sync/server/routing.py): for its hub,
        or a station syncing straight with the platform (a desk credential). `wait`: held
        until something is routed to that hall (a push in any process wakes it) or for that
        many seconds."""
        cred = await auth(request)
        if role == db.HUB:
            raise HTTPException(404, "travelling cases are routed by the central platform")
        if not (cred.is_hub or cred.role == "desk"):
            raise HTTPException(403, f"a {cred.role} terminal takes in no travelling case")
        hall_id = cred.hall_id
        mark = after > marked.get(hall_id, 0)  # read through `after`: frees it for retention
        held = wait > 0 and polls.hold()  # past the process's cap: answered at once
        key = routing.wake_key(hall_id)
        waiter = notifier.register(key, cred.terminal_id)  # before the query: nothing missed
        try:
            found = await run_in_threadpool(routing.inbox, engine, hall_id, after, limit,
                                            mark=mark)
            if mark:
                marked[hall_id] = after
            if not found["items"] and held and await notifier.wait(waiter, wait):
                found = await run_in_threadpool(routing.inbox, engine, hall_id, after,
                                                limit)
        finally:
            notifier.unregister(key, waiter)
            if held:
                polls.release()
        if wait > 0 and not held:
            return JSONResponse(found, headers={"Retry-After": polls.retry_after()})
        return JSONResponse(found)

