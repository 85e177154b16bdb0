"""The refusals an endpoint documents in the API document (`/openapi.json`), each with its
reason in `detail` and, where the server names one, a `code`: one table for every router, so a
status the server gives is never one the document does not list (tests/security/
test_api_document.py runs Schemathesis against it)."""

from __future__ import annotations

from typing import Any

PROBLEM = {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"detail": {}, "code": {"type": "string"}}}}}}


def answers(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The refusals an endpoint gives, each with its reason in `detail`."""
    why = {400: "the body is not JSON (or a bad gzip body)", 401: "no or an unknown credential",
           403: "a revoked credential, another hall's, or a role that may not do this",
           404: "not on this server (call-next on a central platform)",
           409: "refused as asked (a lease's terms, a quota, a busy window, an offer cap)",
           410: "a stale cursor: push, then pull from the start",
           413: "the body is over the limit", 422: "the body or a parameter is invalid",
           429: "too many requests: wait Retry-After seconds",
           503: "busy or not available now: retry after Retry-After seconds"}
    return {c: {"description": why[c], **PROBLEM} for c in codes}
