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


def register(app: FastAPI, engine: Engine,
             auth: Callable[..., Awaitable[db.Credential]]) -> None:
    @app.get("/v1/figures", responses={403: {"description": "not a viewer or a hub"},
                                       422: {"description": "a bad day"}})
    async def hall_figures(
            cred: Annotated[db.Credential, Depends(auth)],
            day: Annotated[str, Query(min_length=10, max_length=10)],
            today: Annotated[str | None, Query(min_length=10, max_length=10)] = None,
    ) -> dict[str, Any]:
        for value in (day, today):
            if value is not None:
                try:
                    date.fromisoformat(value)
                except ValueError as exc:
                    raise HTTPException(422, f"{value!r} is not a day (YYYY-MM-DD)") from exc
        if cred.role == "viewer":
            scope = cred.hall_id
        elif cred.is_hub:
            scope = ""
        else:
            raise HTTPException(403, f"a {cred.role} terminal sees no figures: enroll a viewer")

        def counted() -> dict[str, Any]:
            halls = figures.halls_in(engine, scope) if scope else [cred.hall_id]
            return figures.count(engine, halls, day, today)

        out = await run_in_threadpool(counted)
        out["scope"] = scope or cred.hall_id
        return out
