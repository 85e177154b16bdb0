"""POST /v1/codes/verify: the platform side of online code verification (身份码 / 企业码).

Mount with `app.include_router(router)` and put a `hall.security.codes.CodeReader` on
`app.state.code_reader` (tests sign sample codes with a key of their own; a province's real
issuer keys go in the same place). Answers are JSON; a refused code is
a 422 with {"verified": false, "error": code, "message": text}, never a 500 or a traceback; the
payload is not logged or stored, only the reader's replay guard keeps a keyed hash of its id.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from hall.security.codes import MAX_CODE_CHARS, CodeError, CodeReader

router = APIRouter()


class VerifyRequest(BaseModel):
    payload: str = Field(max_length=MAX_CODE_CHARS)


MAX_VERIFY_BODY = 4 * MAX_CODE_CHARS + 1024  # the code, JSON-escaped at worst, and its key


async def _bounded_json(request: Request) -> Any:
    """The body, read only after the credential was checked (a route dependency) and only up
    to its limit: a 300 MB body costs the server 64 KiB, never its memory."""
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_VERIFY_BODY:
            raise HTTPException(413, f"request body over {MAX_VERIFY_BODY} bytes")
    try:
        return json.loads(bytes(raw))
    except (ValueError, RecursionError) as exc:
        raise HTTPException(400, "body is not JSON") from exc


@router.post("/v1/codes/verify", response_model=None, openapi_extra={"requestBody": {
    "required": True, "content": {"application/json": {
        "schema": VerifyRequest.model_json_schema()}}}})
async def verify(request: Request) -> dict[str, Any] | JSONResponse:
    try:
        body = VerifyRequest.model_validate(await _bounded_json(request))
    except ValidationError as exc:
        return JSONResponse({"detail": [{"loc": list(e["loc"]), "msg": e["msg"]}
                                        for e in exc.errors()]}, status_code=422)
    return await run_in_threadpool(_verify, body, request)


def _verify(body: VerifyRequest, request: Request) -> dict[str, Any] | JSONResponse:
    reader: CodeReader | None = getattr(request.app.state, "code_reader", None)
    if reader is None:
        return JSONResponse({"verified": False, "error": "code_unavailable",
                             "message": "no code issuer is configured on this server"},
                            status_code=503)
    try:
        identity = reader.read(body.payload)
    except CodeError as exc:
        return JSONResponse({"verified": False, "error": exc.code, "message": exc.person},
                            status_code=422)
    if not identity.verified:
        return JSONResponse({"verified": False, "error": "code_unavailable",
                             "message": "the issuer cannot be asked now"}, status_code=503)
    return {"verified": True, "kind": identity.kind, "typ": identity.kind,
            "name": identity.name, "id": identity.id_number, "exp": identity.expires_at,
            "jti": identity.jti, "resolver": identity.resolver}
