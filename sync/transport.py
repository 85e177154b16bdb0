"""One HTTP client to a sync server: bearer credential, gzip JSON bodies, and the protocol's
answers mapped to errors (401/403 AuthError, 410 StaleCursor, busy or away NetworkError with its
Retry-After). Used by a terminal's SyncClient and by a hub forwarding to its upstream."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx

from hall.errors import DomainError, HallError
from sync.backoff import parse_retry_after
from sync.errors import AuthError, NetworkError, StaleCursor
from sync.tls import check_url, verify_for
from sync.wire import API


class Http:
    def __init__(self, server: str, token: str, *, transport: httpx.BaseTransport | None = None,
                 timeout: float = 15.0, ca: str | None = None, insecure: bool = False) -> None:
        check_url(server, insecure=insecure, ca=ca)
        self.client = httpx.Client(base_url=server.rstrip("/"), transport=transport,
                                   verify=verify_for(server, ca),
                                   headers={"Authorization": f"Bearer {token}"},
                                   timeout=httpx.Timeout(timeout, connect=5.0))
        # Retry-After of the last answer that was not an error: a long-poll the server did not
        # hold (its cap of held polls, sync/server/long_polls.py) says when to ask again
        self.pause: float | None = None

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, *, body: Any = None,
                params: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        headers: dict[str, str] = {}
        content: bytes | None = None
        if body is not None:
            content = gzip.compress(json.dumps(body, ensure_ascii=False,
                                               separators=(",", ":")).encode(), compresslevel=5)
            headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        try:
            resp = self.client.request(method, f"{API}{path}", content=content, params=params,
                                       headers=headers, **extra)
            payload = resp.json() if resp.content else {}
        except (httpx.HTTPError, ValueError) as exc:
            raise NetworkError(f"{self.client.base_url}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code < 300:
            self.pause = parse_retry_after(resp.headers.get("retry-after"))
            return payload
        detail = payload.get("detail") if isinstance(payload, dict) else payload
        if resp.status_code in (401, 403):
            raise AuthError(f"server refuses this terminal ({resp.status_code}): {detail}",
                            code="unauthorized" if resp.status_code == 401 else "forbidden")
        if resp.status_code == 410:
            raise StaleCursor(str(detail))
        if resp.status_code == 409:  # the server refuses this (a busy window, a conflict)
            code = payload.get("code") if isinstance(payload, dict) else None
            raise DomainError(str(detail), code=str(code or "conflict"))
        if resp.status_code in (408, 425, 429) or resp.status_code >= 500:
            raise NetworkError(f"server busy ({resp.status_code}): {detail}",
                               retry_after=parse_retry_after(resp.headers.get("retry-after")))
        raise HallError(f"server refused the request ({resp.status_code}): {detail}",
                        code="protocol")
