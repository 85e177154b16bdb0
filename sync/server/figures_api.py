"""GET /v1/figures?day=YYYY-MM-DD: the halls' figures a credential may see (sync/server/figures.py).

A viewer credential (`serve enroll-code --hall SY --terminal CITY --role viewer`) sees every hall
whose id is its scope or starts with it and a '-'; a hub's credential its own hall; other
terminals nothing (403). Registered by create_app with `register(app, engine, auth)`.
"""

# No `from __future__ import annotations`: FastAPI reads the route's annotations at run time,
# and `Depends(auth)` names a variable of register()'s scope.
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine

from sync.server import db, figures
from sync.server.answers import answers


def register(app: FastAPI, engine: Engine,
             auth: Callable[..., Awaitable[db.Credential]]) -> None:
    @app.get("/v1/figures", responses=answers(401, 403, 422, 429, 503))
    async def hall_figures(
            cred: Annotated[db.Credential, Depends(auth)],
            day: Annotated[date, Query(description="the day counted (YYYY-MM-DD)")],
            today: Annotated[date | None, Query(
                description="when a follow-up counts as overdue (default: day)")] = None,
    ) -> dict[str, Any]:
        if cred.role == "viewer":
            scope = cred.hall_id
        elif cred.is_hub:
            scope = ""
        else:
            raise HTTPException(403, f"a {cred.role} terminal sees no figures: enroll a viewer")

        def counted() -> dict[str, Any]:
            halls = figures.halls_in(engine, scope) if scope else [cred.hall_id]
            return figures.count(engine, halls, day.isoformat(),
                                 today.isoformat() if today else None)

        out = await run_in_threadpool(counted)
        out["scope"] = scope or cred.hall_id
        return out
