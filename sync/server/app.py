"""The HTTP face of the server (FastAPI): every body is size-limited, un-gzipped and validated.

Threads: a request's database work waits for the thread pool's default limiter; a credential's
lookup (when not cached) for a limiter of its own; pull queries for a limiter per hall and one
for all halls. Each is a queue apart, so neither a hall's long-polls nor anything else can queue
in front of another hall's push or authentication.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from hall.events import EventType
from sync.server import authority, db, log
from sync.server.answers import answers
from sync.server.auth import TTL, CredentialCache
from sync.server.cursor import Cursors
from sync.server.hub import CallDesk, CallRefused
from sync.server.limits import (
    AUTH_FAIL_BURST,
    AUTH_FAIL_RATE,
    BURST,
    EVENT_BURST,
    EVENT_RATE,
    MAX_KEYS,
    RATE,
    Buckets,
    SharedBuckets,
    TokenBuckets,
)
from sync.server.long_polls import MAX_LONG_POLLS, LongPolls
from sync.server.notify import HallNotifier, PgListener
from sync.server.peerlist import PeerAnnounce, PeerList, PeerRegistry
from sync.server.peers import Peer, Peers
from sync.server.tables import UPSTREAM
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
    OwnResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)

MAX_POLLS = 4  # long-polls held at once per credential (a terminal holds one; a few orphans)
POLL_QUERIES_PER_HALL = 4  # pull queries of one hall running at once
POLL_QUERIES = 12  # pull queries of all halls running at once (below the database pool)
AUTH_LOOKUPS = 8  # credential lookups running at once
PG_AUTH_TTL = 60.0  # seconds a cached credential is believed over PostgreSQL (NOTIFY on revoke)
AUDIT_EVERY_S = 60.0  # a refused window is audited once a minute per terminal and window
PAD_TICKETS = 500  # tickets of one rating pad's push looked up at the hub (a batch's bound)


class HallLocks:
    """The push lock of each hall in this process. On SQLite one lock serves every hall (the
    database has one writer, and a write that starts from a stale read fails there)."""

    def __init__(self, per_hall: bool) -> None:
        self.per_hall = per_hall
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, hall_id: str) -> threading.Lock:
        key = hall_id if self.per_hall else ""
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())


class Limiters:
    """anyio capacity limiters made on first use (on the event loop) and kept."""

    def __init__(self, per_key: int) -> None:
        self.per_key = per_key
        self._made: dict[str, anyio.CapacityLimiter] = {}

    def get(self, key: str) -> anyio.CapacityLimiter:
        limiter = self._made.get(key)
        if limiter is None:
            limiter = self._made[key] = anyio.CapacityLimiter(self.per_key)
        return limiter


@dataclass
class ServerState:
    engine: Engine
    role: str
    data_dir: Path
    epoch: str
    desk: CallDesk
    cursors: Cursors
    hall: str | None = None  # the one hall a hub serves (None: central, or not fixed yet)
    locks: HallLocks = field(default_factory=lambda: HallLocks(per_hall=False))
    notifier: HallNotifier = field(default_factory=HallNotifier)
    listener: PgListener | None = None
    polls: dict[tuple[str, str], int] = field(default_factory=dict)
    long_polls: LongPolls = field(default_factory=LongPolls)  # the process's cap (long_polls.py)

    @property
    def push_lock(self) -> threading.Lock:  # one hall's (a hub's) lock, as before
        return self.locks.get(self.hall or "")


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


def _body_doc(model: type[BaseModel], **fields: dict[str, Any]) -> dict[str, Any]:
    """The request body as the API document states it (the handlers read bodies themselves:
    after authenticating, bounded, gzip allowed); `fields`: a field's schema stated as the
    server's own rule (a validator the model's schema cannot show)."""
    schema = model.model_json_schema()
    schema["properties"].update(fields)
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": schema}}}}


_TEXT64 = {"type": "string", "maxLength": 64}
# 预约 online (sync/server/bookings.py): the service, the slot, and the applicant by ID number
# (turned into the hall's keyed hash at once) or by that hash
_BOOKING_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "required": ["service", "day", "time"],
        "properties": {"service": _TEXT64, "day": _TEXT64, "time": _TEXT64,
                       "id_number": _TEXT64, "holder_key": _TEXT64}}}}}}


# a hall's public key registered with the platform (sync/server/platform_bookings.py)
_HALL_KEY_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "required": ["public_key"],
        "properties": {"public_key": {"type": "string", "maxLength": 100}}}}}}}


_SHARES_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "required": ["day", "seats"],
        "anyOf": [{"required": ["service"]}, {"required": ["services"]}],
        "properties": {"service": _TEXT64, "day": _TEXT64,
                       "services": {"type": "array", "items": _TEXT64, "maxItems": 200},
                       "seats": {"type": "integer", "minimum": 0, "maximum": 20}}}}}}}


def _enroll_doc() -> dict[str, Any]:
    """A code alone, or a code with the enrolling terminal's hall and id (both or neither)."""
    props = EnrollRequest.model_json_schema()["properties"]
    ident = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "oneOf": [
            {"type": "object", "properties": {"code": props["code"]}, "required": ["code"],
             "additionalProperties": False},
            {"type": "object", "properties": {"code": props["code"], "hall_id": ident,
                                              "terminal_id": ident},
             "required": ["code", "hall_id", "terminal_id"], "additionalProperties": False}]}}}}}




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


async def _gone(request: Request) -> None:
    """Returns when the client disconnects (a GET has no body left to receive)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _json(model: BaseModel) -> Response:
    """A model as it is (a pull's events were validated when pushed: not again on the way out)."""
    return Response(model.model_dump_json(), media_type="application/json")


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


def hall_keys(data_dir: Path, role: str) -> dict[str, str]:
    """The hub's hall-wide keys (made on first use) a terminal of `role` is handed at
    enrollment, and no more (hall/security/keys.py ROLE_KEYS): a kiosk or a display gets the
    hall's public key to seal with, never a key that opens."""
    from hall.security import hall_pair, keys

    pair = hall_pair.ensure(data_dir)
    made = {keys.HALL_PRIVATE: pair.private, keys.HALL_PUBLIC: pair.public}
    return {name: base64.b64encode(made[name] if name in made
                                   else keys.load_or_create(data_dir, name)).decode()
            for name in keys.role_keys(role)}


def peer_key(data_dir: Path) -> str:
    """The hub's hall-wide peer key (made on first use): terminals sign peer requests with it."""
    from hall.security import keys

    return base64.b64encode(keys.load_or_create(data_dir, "peer")).decode()


def create_app(engine: Engine, *, role: str, data_dir: Path,
               upstream: Upstream | None = None, rate: float = RATE,
               burst: int = BURST, hall: str | None = None,
               trusted_proxies: Iterable[str] = (), event_rate: float = EVENT_RATE,
               event_burst: int = EVENT_BURST, auth_fail_rate: float = AUTH_FAIL_RATE,
               auth_fail_burst: int = AUTH_FAIL_BURST, max_keys: int = MAX_KEYS,
               max_polls: int = MAX_POLLS, auth_ttl: float | None = None,
               api_docs: bool = False, travel_every: float = 1.0,
               max_long_polls: int = MAX_LONG_POLLS) -> FastAPI:
    """`upstream`: a hub forwarding its hall to the central platform (started with the app);
    `rate`/`burst`: each terminal's token bucket (requests per second, and at once), and
    `event_rate`/`event_burst` the same for events pushed; `auth_fail_*`: failed
    authentications (and enrollments) per source address; `max_keys`: buckets kept per table;
    `hall`: the one hall a hub serves (else its upstream's, else fixed at its first enrollment);
    `trusted_proxies`: addresses or networks whose X-Forwarded-For/-Proto are believed;
    `max_polls`: long-polls one credential may hold at once (more: 429); `max_long_polls`:
    long-polls this process holds at once (more: answered at once, long_polls.py); `api_docs`: serve
    /openapi.json, /docs and /redoc (off: they tell anyone the whole API)."""
    if upstream is not None:
        if hall is not None and hall != upstream.hall_id:
            raise db.HubHallError(f"--hall {hall}, but the upstream credential is for hall "
                                  f"{upstream.hall_id}")
        hall = upstream.hall_id
        from sync.server import bookings as _bookings

        hub_hall = hall  # the platform's bookings of this hall, pulled: booked here (预约)
        upstream.after_pull = lambda: _bookings.adopt_online(engine, data_dir, hub_hall)
        upstream.hall_key = lambda: _bookings.hall_public_key(data_dir)  # registered by the link
    fixed = db.serve_as(engine, role, hall)
    if role == db.HUB:  # the hall's key pair, there from the start (the directory publishes it)
        from hall.security import hall_pair

        hall_pair.ensure(data_dir)
    postgres = engine.dialect.name == "postgresql"
    state = ServerState(engine=engine, role=role, data_dir=data_dir, epoch=db.epoch(engine),
                        desk=CallDesk(engine, data_dir),
                        cursors=Cursors(db.epoch(engine), db.cursor_key(engine)), hall=fixed,
                        locks=HallLocks(per_hall=postgres),
                        long_polls=LongPolls(max_long_polls))
    peers = Peers(trusted_proxies)
    buckets: Buckets
    event_buckets: Buckets
    enroll_buckets: Buckets
    failures: Buckets
    if postgres:  # one budget for every process on the database (limits.py)
        buckets = SharedBuckets(engine, "request", rate, burst)
        event_buckets = SharedBuckets(engine, "event", event_rate, event_burst)
        enroll_buckets = SharedBuckets(engine, "enroll", rate, burst)
        failures = SharedBuckets(engine, "authfail", auth_fail_rate, auth_fail_burst)
    else:
        buckets = TokenBuckets(rate, burst, max_keys)
        event_buckets = TokenBuckets(event_rate, event_burst, max_keys)
        enroll_buckets = TokenBuckets(rate, burst, max_keys)
        failures = TokenBuckets(auth_fail_rate, auth_fail_burst, max_keys)
    # Over PostgreSQL revocations reach the cache by NOTIFY (auth.py): an entry may be believed
    # longer, which spares a lookup per held long-poll every `auth_ttl` (2,000 hubs: 1,000 a
    # second); held polls are still re-checked every `auth_ttl`, against the cache.
    # (`auth_ttl` given: as given, everywhere.)
    known = CredentialCache(auth_ttl or (PG_AUTH_TTL if postgres else TTL))
    poll_slice = auth_ttl or TTL  # a held poll checks its credential again this often
    limit_checks = Limiters(AUTH_LOOKUPS)
    auth_limiter = Limiters(AUTH_LOOKUPS)
    hall_queries = Limiters(POLL_QUERIES_PER_HALL)
    all_queries = Limiters(POLL_QUERIES)
    from sync.server import routing

    routing.ensure(engine)
    # a hub takes in what the platform routes to its hall (issue 24: sync/server/routing.py)
    inbox = (routing.HubInbox(engine, data_dir, upstream, every=travel_every)
             if upstream is not None and role == db.HUB else None)

    def limited(wait: float, why: str) -> None:
        if wait > 0:
            raise HTTPException(429, why, headers={"Retry-After": TokenBuckets.retry_after(wait)})

    async def take(table: Buckets, key: str, cost: float = 1.0) -> float:
        if isinstance(table, TokenBuckets):
            return table.take(key, cost)
        return await anyio.to_thread.run_sync(table.take, key, cost,
                                              limiter=limit_checks.get(""))

    async def peek(table: Buckets, key: str) -> float:
        if isinstance(table, TokenBuckets):
            return table.peek(key)
        return await anyio.to_thread.run_sync(table.peek, key, limiter=limit_checks.get(""))

    async def throttle(key: str) -> None:
        limited(await take(buckets, key), "too many requests from this terminal; slow down")

    def cached(token_hash: str) -> db.Credential | None:
        """A cached credential, believed only while this process hears revocations (over
        PostgreSQL: its listener is connected; auth.py)."""
        if postgres and (state.listener is None or not state.listener.listening.is_set()):
            return None
        return known.get(token_hash)

    def peer(request: Request) -> Peer:
        return peers.peer(request.client.host if request.client else "", request.url.scheme,
                          request.headers.getlist("x-forwarded-for"),
                          request.headers.get("x-forwarded-proto"))

    def wake(hall_id: str, pusher: str) -> None:
        state.notifier.notify(hall_id, pusher)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()

        def from_thread(hall_id: str, pusher: str) -> None:
            loop.call_soon_threadsafe(wake, hall_id, pusher)

        def resync() -> None:
            known.clear()  # revocations sent while the listener was away are lost with it
            loop.call_soon_threadsafe(state.notifier.notify_all)

        if role == db.HUB and state.hall is not None:
            # a request stored before a stop, not yet published
            await run_in_threadpool(_publish_locked, state.hall)
        if postgres:
            state.listener = PgListener(engine, from_thread, resync,
                                        revoked=known.forget_terminal)
            state.listener.start()
        if upstream is not None:
            upstream.start(state.locks.get(upstream.hall_id),
                           lambda: from_thread(upstream.hall_id, UPSTREAM))
        if inbox is not None and upstream is not None:
            hall_id = upstream.hall_id

            def taken() -> None:
                from_thread(hall_id, authority.HUB_STREAM)
                upstream.poke()

            inbox.start(state.locks.get(hall_id), taken)
        try:
            yield
        finally:
            if inbox is not None:
                await asyncio.to_thread(inbox.stop)
            if upstream is not None:
                await asyncio.to_thread(upstream.stop)
            if state.listener is not None:
                await asyncio.to_thread(state.listener.stop)
            state.desk.close()

    def landed(hall_id: str, pusher: str) -> None:
        """Events of a hall were stored by this process: wake its pollers here (over
        PostgreSQL the NOTIFY sent with the push does it, in every process)."""
        if state.listener is None or not state.listener.listening.is_set():
            wake(hall_id, pusher)

    app = FastAPI(title="厅端 sync", lifespan=lifespan,
                  openapi_url="/openapi.json" if api_docs else None,
                  docs_url="/docs" if api_docs else None,
                  redoc_url="/redoc" if api_docs else None)
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

    async def refused_source(who: Peer) -> None:
        limited(await peek(failures, who.source),
                "too many failed authentications from this address; slow down")

    async def auth(request: Request) -> db.Credential:
        who = peer(request)
        try:
            token_hash = db.bearer(request.headers.get("authorization"))
            cred = cached(token_hash)
            if cred is None:
                if not known.vouched(token_hash):
                    await refused_source(who)  # before the lookup: bad tokens in a flood cost nothing
                try:
                    cred = await anyio.to_thread.run_sync(
                        db.lookup, engine, token_hash, limiter=auth_limiter.get(""))
                except db.AuthFailure:
                    known.forget(token_hash)  # revoked: no longer vouched for
                    raise
                known.put(token_hash, cred)
        except db.AuthFailure:
            await take(failures, who.source)
            raise
        if state.hall is not None and cred.hall_id != state.hall:
            raise db.AuthFailure(403, f"this hub serves hall {state.hall}, not hall "
                                 f"{cred.hall_id}")
        if cred.role == "department" and not request.url.path.startswith(
                f"{API}/department/"):
            # a department's system reads its own parts through its API, never the hall's log
            raise db.AuthFailure(403, "a department's credential opens the department API only")
        await throttle(f"t\x00{cred.hall_id}\x00{cred.terminal_id}")
        return cred

    @app.get(f"{API}/health", response_model=Health, response_model_exclude_none=True)
    async def health(request: Request) -> Health:
        """Up or down for anyone; the role, epoch and upstream link (its URL, hall and last
        error) only for the hub's own machine (loopback: `serve status`) or a desk's or hub's
        credential."""
        if not is_loopback(peer(request).address):
            try:
                cred = await auth(request) if request.headers.get("authorization") else None
            except db.AuthFailure:
                cred = None
            if cred is None or not (cred.is_hub or cred.role == "desk"):
                return Health(status="ok")
        link = None if upstream is None else await run_in_threadpool(upstream.status)
        return Health(status="ok", role=role, server_time_ms=db.now_ms(), epoch=state.epoch,
                      upstream=link, long_polls=state.long_polls.figures())

    @app.post(f"{API}/enroll", response_model=EnrollResponse,
              openapi_extra=_enroll_doc(),
              responses=answers(400, 401, 403, 413, 422, 429, 503))
    async def enroll(request: Request) -> EnrollResponse:
        who = peer(request)
        limited(await take(enroll_buckets, who.source),
                "too many enrollments from this address; slow down")
        await refused_source(who)
        req: EnrollRequest = _parse(EnrollRequest, await _body(request))
        if (req.hall_id is None) != (req.terminal_id is None):
            raise HTTPException(422, "hall_id and terminal_id go together")
        try:
            cred, token = await run_in_threadpool(db.enroll, engine, req.code, req.hall_id,
                                                  req.terminal_id)
        except db.AuthFailure:
            await take(failures, who.source)
            raise
        if role == db.HUB and state.hall is None:
            state.hall = cred.hall_id  # the hub's first enrollment fixed its hall (db.enroll)
        sent = None
        # A hub hands the keys of its one hall to that hall's terminals, never in clear over
        # the LAN; a central platform serves many halls and hands out none.
        if (role == db.HUB and not cred.is_hub and cred.hall_id == state.hall
                and (who.https or is_loopback(who.address))):
            sent = await run_in_threadpool(hall_keys, data_dir, cred.role)
        return EnrollResponse(hall_id=cred.hall_id, terminal_id=cred.terminal_id, token=token,
                              scope=cred.scope, keys=sent,
                              role=None if cred.is_hub else cred.role,
                              window=None if cred.is_hub else cred.window)

    def _push_locked(cred: db.Credential, events: list[dict[str, Any]]) -> PushResponse:
        served = None
        if role == db.HUB and cred.role == "rater":
            # a pad rates its window's visits: the hub knows which window served each ticket
            rated = [e["payload"]["ticket_id"] for e in events if isinstance(e, dict)
                     and e.get("type") == EventType.RATING_GIVEN
                     and isinstance(e.get("payload"), dict)
                     and isinstance(e["payload"].get("ticket_id"), str)
                     and len(e["payload"]["ticket_id"]) <= 64][:PAD_TICKETS]
            served = state.desk.served_windows(cred.hall_id, rated) if rated else None
        with state.locks.get(cred.hall_id):
            return log.push(engine, cred, events, served)

    def _publish_locked(hall_id: str) -> int:
        with state.locks.get(hall_id):
            return authority.publish_requests(engine, data_dir, hall_id)

    @app.get(f"{API}/hall/settings-key", responses=answers(401, 403, 404, 429))
    async def settings_key(request: Request) -> dict[str, str]:
        """The hub's settings key: a terminal pins it over its enrolled, CA-pinned channel."""
        await auth(request)
        if role != db.HUB:
            raise HTTPException(404, "hall settings are signed by a hall hub")
        return await run_in_threadpool(authority.settings_key, data_dir)

    @app.post(f"{API}/sync/push", response_model=PushResponse,
              openapi_extra=_body_doc(PushRequest),
              responses=answers(400, 401, 403, 413, 422, 429, 503))
    async def push(request: Request) -> PushResponse:
        cred = await auth(request)
        req: PushRequest = _parse(PushRequest, await _body(request))
        limited(await take(event_buckets, f"{cred.hall_id}\x00{cred.terminal_id}",
                           len(req.events)),
                "too many events from this terminal; slow down")
        result = await run_in_threadpool(_push_locked, cred, req.events)
        # The hub signs the hall's settings: a supervisor's request is published at once.
        if result.inserted and role == db.HUB and any(
                isinstance(e, dict) and e.get("type") == EventType.HALL_SETTINGS_REQUESTED
                for e in req.events) and await run_in_threadpool(_publish_locked, cred.hall_id):
            landed(cred.hall_id, authority.HUB_STREAM)
        if result.inserted:
            landed(cred.hall_id, cred.terminal_id)
            for to_hall in routing.destinations(req.events):  # issue 24: their inbox polls
                wake(routing.wake_key(to_hall), "")
            if upstream is not None:
                upstream.poke()
        return result

    async def _pull_once(cred: db.Credential, cursor: str, limit: int) -> PullResponse:
        async with hall_queries.get(cred.hall_id):
            result: PullResponse = await anyio.to_thread.run_sync(
                log.pull, engine, cred, state.cursors, cursor, limit,
                limiter=all_queries.get(""))
        return result

    @app.get(f"{API}/sync/pull", response_model=PullResponse,
             responses=answers(401, 403, 410, 422, 429, 503))
    async def pull(request: Request, cursor: str = Query("", max_length=80),
                   limit: int = Query(500, ge=1, le=2000),
                   wait: float = Query(0.0, ge=0.0, le=60.0)) -> Response:
        cred = await auth(request)
        me = (cred.hall_id, cred.terminal_id)
        if wait > 0 and state.polls.get(me, 0) >= max_polls:
            raise HTTPException(429, f"this terminal already holds {max_polls} long-polls; "
                                "poll again when one answers", headers={"Retry-After": "1"})
        # past the process's cap: answered at once, held nowhere (long_polls.py)
        held = wait > 0 and state.long_polls.hold()
        if held:
            state.polls[me] = state.polls.get(me, 0) + 1
        try:
            answer = _json(await _long_poll(cred, cursor, limit, wait if held else 0.0,
                                            request))
            if wait > 0 and not held:
                answer.headers["Retry-After"] = state.long_polls.retry_after()
            return answer
        except log.StaleCursor as exc:
            raise HTTPException(410, "stale cursor: push, then pull from the start") from exc
        finally:
            if held:
                state.long_polls.release()
                left = state.polls[me] - 1
                if left:
                    state.polls[me] = left
                else:
                    del state.polls[me]

    async def _still_valid(request: Request) -> None:
        """A long-poll's credential, checked again each cache period: a revoked one's polls end
        (AuthFailure: 403) within the time `serve revoke` takes everywhere else."""
        token_hash = db.bearer(request.headers.get("authorization"))
        if cached(token_hash) is not None:
            return
        try:
            fresh = await anyio.to_thread.run_sync(db.lookup, engine, token_hash,
                                                   limiter=auth_limiter.get(""))
        except db.AuthFailure:
            known.forget(token_hash)
            raise
        known.put(token_hash, fresh)

    async def _long_poll(cred: db.Credential, cursor: str, limit: int, wait: float,
                         request: Request) -> PullResponse:
        deadline = time.monotonic() + wait
        if wait <= 0:
            return await _pull_once(cred, cursor, limit)
        gone = asyncio.ensure_future(_gone(request))
        try:
            while True:
                # Registered before the query: a push landing between the query and the wait
                # still wakes this poll.
                waiter = state.notifier.register(cred.hall_id, cred.terminal_id)
                try:
                    result = await _pull_once(cred, cursor, limit)
                    while True:
                        left = deadline - time.monotonic()
                        if result.events or left <= 0:
                            return result
                        if await state.notifier.wait(waiter, min(left, poll_slice),
                                                     asyncio.shield(gone)):
                            break  # woken: query again
                        # the client gave up (timed out, went away), or the server is stopping
                        if gone.done() or state.notifier.closing:
                            return result
                        await _still_valid(request)
                finally:
                    state.notifier.unregister(cred.hall_id, waiter)
        finally:
            gone.cancel()

    @app.get(f"{API}/sync/own", response_model=OwnResponse,
             responses=answers(401, 403, 422, 429, 503))
    async def own(request: Request, after: int = Query(0, ge=0, le=2**62),
                  limit: int = Query(500, ge=1, le=2000)) -> Response:
        """The caller's own events after `after` (a terminal restored from an older backup
        takes back what it wrote since): its own stream only, in its own hall."""
        cred = await auth(request)
        async with hall_queries.get(cred.hall_id):
            result: OwnResponse = await anyio.to_thread.run_sync(
                log.own, engine, cred, after, limit, limiter=all_queries.get(""))
        return _json(result)

    @app.post(f"{API}/leases", response_model=LeaseResponse,
              openapi_extra=_body_doc(LeaseRequest, day={
                  "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                  "description": "today (within a day of the server's UTC date)"}),
              responses=answers(400, 401, 403, 409, 413, 422, 429, 503))
    async def leases(request: Request) -> LeaseResponse:
        cred = await auth(request)
        req: LeaseRequest = _parse(LeaseRequest, await _body(request))
        try:
            first, last = await run_in_threadpool(log.lease, engine, cred, req.day, req.series,
                                                  req.size, req.request_id)
        except log.LeaseConflict as exc:
            raise HTTPException(409, str(exc)) from exc
        except log.LeaseRefused as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        return LeaseResponse(day=req.day, series=req.series, first=first, last=last)

    @app.post(f"{API}/calls/next", response_model=CallResponse,
              openapi_extra=_body_doc(CallRequest, window={
                  "type": "string", "pattern": "^[A-Za-z0-9_-]{1,16}$"}),
              responses=answers(400, 401, 403, 404, 409, 413, 422, 429, 503))
    async def call_next(request: Request) -> CallResponse | JSONResponse:
        cred = await auth(request)
        body = await _body(request)
        try:
            req = CallRequest.model_validate(body)
        except ValidationError as exc:
            window = [e for e in exc.errors() if tuple(e.get("loc", ())) == ("window",)]
            if window and window[0].get("type") == "value_error":  # the hall's rule: its words
                reason = str(window[0].get("ctx", {}).get("error", "")) or "bad window name"
                return JSONResponse({"detail": reason, "code": "bad_window"}, status_code=422)
            raise HTTPException(422, _problems(exc.errors())) from exc
        if role != "hub":
            raise HTTPException(404, "call-next is decided by a hall hub, not the central platform")
        if cred.role != "desk" and not cred.is_hub:
            raise HTTPException(403, f"a {cred.role} terminal calls no tickets")
        # 409 with a code, as a busy window: the desk shows it (a 403 would read as its
        # credential refused, sync/transport.py)
        if not await run_in_threadpool(_window_configured, cred, req.window):
            return JSONResponse({"detail": f"window {req.window} is not one of the hall's "
                                 "configured windows (hall settings `windows`)",
                                 "code": "window_not_configured"}, status_code=409)
        try:
            result: CallResponse = await run_in_threadpool(state.desk.call_next, cred.hall_id,
                                                           req.window, cred.terminal_id)
        except CallRefused as exc:  # refused (window busy) or conflicting: 409 with the reason
            return JSONResponse({"detail": exc.message, "code": exc.code},
                                status_code=exc.status,
                                headers={"Retry-After": "1"} if exc.status == 503 else None)
        return result

    audited_windows: dict[tuple[str, str, str], float] = {}
    audited_lock = threading.Lock()

    def _window_configured(cred: db.Credential, window: str) -> bool:
        """Whether the hall configured this window (or lists none); a refusal is audited in
        the hub's stream, once a minute per terminal and window (a loop asking is one entry)."""
        with engine.connect() as conn:
            windows = log.configured_windows(conn, cred.hall_id)
        if windows is None or window in windows:
            return True
        key, now = (cred.hall_id, cred.terminal_id, window), time.monotonic()
        with audited_lock:
            due = now - audited_windows.get(key, -AUDIT_EVERY_S) >= AUDIT_EVERY_S
            if due:
                if len(audited_windows) > 1000:  # bounded: forget the oldest half
                    for old in sorted(audited_windows, key=audited_windows.__getitem__)[:500]:
                        del audited_windows[old]
                audited_windows[key] = now
        if due:
            with state.locks.get(cred.hall_id):
                authority.refuse_window(engine, cred.hall_id, cred.terminal_id, window)
        return False

    registry = PeerRegistry()

    @app.post(f"{API}/peers", response_model=PeerList,
              openapi_extra=_body_doc(PeerAnnounce),
              responses=answers(400, 401, 403, 404, 413, 422, 429, 503))
    async def peer_list(request: Request) -> PeerList:
        """A terminal's peer endpoint announced; the hall's others and its peer key back
        (sync/server/peerlist.py). The key goes over TLS or loopback only, as the hall keys."""
        cred = await auth(request)
        req: PeerAnnounce = _parse(PeerAnnounce, await _body(request))
        if role != db.HUB or cred.is_hub:
            raise HTTPException(404, "peer lists are handed out by a hall hub to its terminals")
        who = peer(request)
        listed = registry.announce(cred.hall_id, cred.terminal_id, who.address, req.port,
                                   req.kind)
        key = None
        if who.https or is_loopback(who.address):
            key = await run_in_threadpool(peer_key, data_dir)
        return PeerList(peers=listed, key=key)

    @app.post(f"{API}/appointments", openapi_extra=_BOOKING_DOC,
              responses=answers(400, 401, 403, 404, 409, 413, 422, 429, 503))
    async def book_appointment(request: Request) -> JSONResponse:
        """预约 online (issue 26): the hub decides the seat hall-wide (sync/server/bookings.py).
        Body {service, day, time, id_number | holder_key}; 409 with `code` when refused."""
        from hall.errors import DomainError
        from sync.server import bookings, platform_bookings

        cred = await auth(request)
        if cred.role in ("rater", "viewer"):  # a rating pad rates, a viewer reads figures
            raise HTTPException(403, f"a {cred.role} books nothing")
        body = await _body(request)
        if not isinstance(body, dict) or not all(
                isinstance(body.get(k, ""), str) and len(body.get(k, "")) <= 64
                for k in ("service", "day", "time", "id_number", "holder_key")):
            raise HTTPException(422, "service, day, time and id_number (or holder_key), as text")

        def locked() -> dict[str, Any]:
            with state.locks.get(cred.hall_id):
                if role != db.HUB:  # the platform's own share, the applicant sealed for the hall
                    return platform_bookings.book(
                        engine, cred.hall_id, body.get("service", ""), body.get("day", ""),
                        body.get("time", ""), body.get("id_number", ""))
                return bookings.book(engine, data_dir, cred.hall_id, body.get("service", ""),
                                     body.get("day", ""), body.get("time", ""),
                                     body.get("id_number", ""),
                                     holder_key=body.get("holder_key", ""),
                                     terminal_id=None if cred.is_hub else cred.terminal_id,
                                     online=upstream is not None)

        try:
            booked = await run_in_threadpool(locked)
        except DomainError as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        landed(cred.hall_id, authority.HUB_STREAM if role == db.HUB else platform_bookings.STREAM)
        return JSONResponse({"appointment": booked})

    @app.post(f"{API}/appointments/{{appointment_id}}/cancel",
              responses=answers(400, 401, 403, 404, 409, 429, 503))
    async def cancel_appointment(appointment_id: str, request: Request) -> JSONResponse:
        """The citizen cancels online a booking the platform made (issue 26); 409 with `code`."""
        from hall.errors import DomainError
        from sync.server import platform_bookings

        cred = await auth(request)
        if cred.role in ("rater", "viewer"):
            raise HTTPException(403, f"a {cred.role} cancels nothing")
        if role == db.HUB:
            raise HTTPException(404, "online bookings are cancelled on the platform")
        if len(appointment_id) > 64:
            raise HTTPException(422, "an appointment id")

        def locked() -> dict[str, Any]:
            with state.locks.get(cred.hall_id):
                return platform_bookings.cancel(engine, cred.hall_id, appointment_id)

        try:
            done = await run_in_threadpool(locked)
        except DomainError as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        landed(cred.hall_id, platform_bookings.STREAM)
        return JSONResponse({"appointment": done})

    @app.post(f"{API}/appointments/shares", openapi_extra=_SHARES_DOC,
              responses=answers(400, 401, 403, 404, 409, 413, 422, 429, 503))
    async def lease_booking_shares(request: Request) -> JSONResponse:
        """A member terminal's share of a day's slots, for booking while the hub is away: one
        `service` ({"shares": {HH:MM: n}}) or many `services` at once, as a terminal's sync
        round asks ({"shares_of": {service: {HH:MM: n}}})."""
        from hall.errors import DomainError
        from sync.server import bookings

        cred = await auth(request)
        if role != db.HUB:
            raise HTTPException(404, "shares are leased by a hall hub")
        if cred.is_hub or cred.role not in ("desk", "kiosk"):  # no display, pad or viewer
            raise HTTPException(403, "a desk or a kiosk books")
        body = await _body(request)
        seats = body.get("seats") if isinstance(body, dict) else None
        many = body.get("services") if isinstance(body, dict) else None
        one = body.get("service") if isinstance(body, dict) else None
        wanted = many if many is not None else [one]
        whole = isinstance(seats, int | float) and not isinstance(seats, bool) and float(
            seats).is_integer()  # 17.0 is an integer to JSON Schema
        if not isinstance(body, dict) or not whole or not isinstance(
                body.get("day"), str) or len(body["day"]) > 64 or not isinstance(
                wanted, list) or len(wanted) > 200 or not all(
                isinstance(k, str) and len(k) <= 64 for k in wanted):
            raise HTTPException(422, "service (or services) and day as text, seats a whole "
                                "number")
        count = int(float(seats))  # type: ignore[arg-type]  # checked whole above

        def locked() -> dict[str, dict[str, int]]:
            with state.locks.get(cred.hall_id):
                return bookings.lease_many(engine, cred.hall_id, cred.terminal_id,
                                           [str(k) for k in wanted], body["day"], count,
                                           online=upstream is not None)

        try:
            shares = await run_in_threadpool(locked)
        except DomainError as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        landed(cred.hall_id, authority.HUB_STREAM)
        if many is not None:
            return JSONResponse({"shares_of": shares})
        return JSONResponse({"shares": shares[str(one)]})

    @app.post(f"{API}/appointments/hall-key", openapi_extra=_HALL_KEY_DOC,
              responses=answers(400, 401, 403, 404, 409, 413, 422, 429, 503))
    async def register_hall_key(request: Request) -> JSONResponse:
        """A hall's hub registers the hall's public key, for the platform to seal applicants."""
        from hall.errors import DomainError
        from sync.server import platform_bookings

        cred = await auth(request)
        if role == db.HUB:
            raise HTTPException(404, "the platform keeps the halls' keys")
        if not cred.is_hub:
            raise HTTPException(403, "only the hall's hub registers its key")
        body = await _body(request)
        key = body.get("public_key") if isinstance(body, dict) else None
        if not isinstance(key, str) or len(key) > 100:
            raise HTTPException(422, "public_key: base64 text")
        try:
            kid = await run_in_threadpool(platform_bookings.register_key, engine, cred.hall_id,
                                          key)
        except DomainError as exc:
            return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=409)
        return JSONResponse({"kid": kid})

    from sync.server import directory_api

    directory_api.add_routes(app, auth, engine=engine, role=role, data_dir=data_dir,
                             upstream=upstream, body=_body, notifier=state.notifier,
                             long_polls=state.long_polls)

    def department_moved(hall_id: str) -> None:
        landed(hall_id, authority.HUB_STREAM)
        if upstream is not None:
            upstream.poke()

    from sync.server import department_api

    department_api.add_routes(app, auth, engine=engine, role=role, data_dir=data_dir,
                              body=_body, lock_for=state.locks.get, landed=department_moved)

    from sync.server.ready import router as ready_router

    app.include_router(ready_router)  # /v1/health/ready: for a load balancer (ready.py)
    from sync.server import figures_api  # 好差评 and cases across halls (issue 27)

    figures_api.register(app, engine, auth)
    app.state.code_reader = code_reader(engine, data_dir)
    app.include_router(verify_router, dependencies=[Depends(auth)],
                       responses=answers(400, 401, 403, 413, 422, 429, 503))
    return app
