"""The client end of one peer: signed requests to its peer endpoint (sync/peerserver.py)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx

from sync import peerauth
from sync.errors import NetworkError
from sync.peerserver import CLAIM, PULL
from sync.wire import PullResponse

CONNECT_S = 0.5  # a LAN peer answers at once or is away


class PeerLink:
    def __init__(self, url: str, me: str, key: bytes, timeout: float = 3.0) -> None:
        self.url = url.rstrip("/")
        if not self.url.startswith("http://"):
            raise NetworkError(f"peer {self.url}: peer endpoints speak plain HTTP (signed)")
        self.me = me
        self.key = key
        # verify=False: no TLS here at all (signed plain HTTP, sync/peerauth.py), and httpx
        # would otherwise load the system's CA bundle for each link (~1 s on a busy terminal)
        self.client = httpx.Client(base_url=self.url, verify=False,
                                   timeout=httpx.Timeout(timeout, connect=CONNECT_S))

    def close(self) -> None:
        self.client.close()

    def _request(self, method: str, target: str, body: bytes = b"",
                 timeout: float | None = None) -> Any:
        headers = {peerauth.HEADER: peerauth.sign(self.key, self.me, method, target, body)}
        if body:
            headers["Content-Type"] = "application/json"
        extra: dict[str, Any] = {} if timeout is None else {
            "timeout": httpx.Timeout(timeout, connect=CONNECT_S)}
        try:
            resp = self.client.request(method, target, content=body or None, headers=headers,
                                       **extra)
            payload = resp.json()
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # the peer is away, or cut off
            raise NetworkError(f"peer {self.url}: {type(exc).__name__}: {exc}",
                               code="peer_away") from exc
        except (httpx.HTTPError, ValueError) as exc:  # reached, but no answer we can read
            raise NetworkError(f"peer {self.url}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise NetworkError(f"peer {self.url} answered {resp.status_code}: "
                               f"{payload.get('detail') if isinstance(payload, dict) else ''}")
        return payload

    def pull(self, cursor: int, limit: int = 500, wait: float = 0.0) -> PullResponse:
        target = f"{PULL}?{urlencode({'cursor': cursor, 'limit': limit, 'wait': wait})}"
        return PullResponse.model_validate(self._request("GET", target, timeout=wait + 5.0))

    def claim(self, ticket_id: str, window: str, timeout: float = 1.5) -> dict[str, Any]:
        body = json.dumps({"ticket_id": ticket_id, "window": window}).encode()
        reply: dict[str, Any] = self._request("POST", CLAIM, body, timeout=timeout)
        return reply
