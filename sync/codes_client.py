"""The terminal side of online code verification: an `OnlineVerifier` over HTTPS (httpx).

Configured as a resolver plug-in in security.json:
    {"plugin": "sync.codes_client:online_resolver", "name": "sfm", "prefix": "SFM1.",
     "url": "https://hub.example/v1/codes/verify", "ca": "/path/to/hall-ca.pem"}
A platform that cannot be reached gives an unverified identity (the person can still take a
ticket); a platform that refuses the code gives the person its message.
"""

from __future__ import annotations

from typing import Any

import httpx

from hall.codes import CodeError, CodeUnavailable, OnlineResolver


class HttpVerifier:
    def __init__(self, url: str, *, timeout: float = 3.0, ca: str | None = None,
                 client: httpx.Client | None = None) -> None:
        self.url = url
        self.client = client or httpx.Client(timeout=timeout, verify=ca or True)

    def verify(self, payload: str) -> dict[str, Any]:
        try:
            response = self.client.post(self.url, json={"payload": payload})
        except httpx.HTTPError as exc:
            raise CodeUnavailable(str(exc)) from exc
        if response.status_code >= 500:
            raise CodeUnavailable(f"the platform answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise CodeUnavailable("the platform's answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise CodeUnavailable("the platform's answer is not an object")
        if response.status_code != 200 or answer.get("verified") is not True:
            raise CodeError("the platform refused the code",
                            code=str(answer.get("error") or "code_refused"),
                            person=str(answer.get("message") or "此码未通过验证"))
        return answer


def online_resolver(name: str, prefix: str, url: str, *, ca: str | None = None,
                    timeout: float = 3.0, max_lifetime_s: int = 600) -> OnlineResolver:
    return OnlineResolver(name, prefix, HttpVerifier(url, timeout=timeout, ca=ca),
                          max_lifetime_s=max_lifetime_s)
