"""`GET /v1/health/ready`: may a load balancer send this process requests?

200 when this process reaches its database now (one `SELECT 1`, bounded by `TIMEOUT`) and, over
PostgreSQL, hears the other processes (its LISTEN connection is up: without it its long-polls
would not wake on pushes landing elsewhere, and it believes no cached credential); else 503 with
the reason. Unauthenticated, and it tells nothing but that (the reason names no address).
`/v1/health` stays "is the process up at all".
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

TIMEOUT = 2.0  # seconds: a balancer's check is short, and a database slower than this is down
CHECKS = 2  # readiness checks at once: they never crowd requests (db.connections_needed)
_limiter: dict[str, anyio.CapacityLimiter] = {}

router = APIRouter()


def _reach(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@router.get("/v1/health/ready")
async def ready(request: Request) -> JSONResponse:
    state = request.app.state.sync
    limiter = _limiter.setdefault("", anyio.CapacityLimiter(CHECKS))
    reason = None
    with anyio.move_on_after(TIMEOUT) as scope:
        try:
            await anyio.to_thread.run_sync(_reach, state.engine, limiter=limiter,
                                           abandon_on_cancel=True)
        except Exception as exc:  # any failure to reach it is "not ready", with its kind
            reason = f"database: {type(exc).__name__}"
    if scope.cancelled_caught:
        reason = f"database: no answer in {TIMEOUT:.0f} s"
    if reason is None and state.engine.dialect.name == "postgresql" and (
            state.listener is None or not state.listener.listening.is_set()):
        reason = "not listening for the other processes' pushes and revocations"
    if reason is not None:
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503,
                            headers={"Retry-After": "1"})
    return JSONResponse({"status": "ok"})
