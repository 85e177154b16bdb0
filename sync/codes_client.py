"""The terminal side of online code verification: an `OnlineVerifier` over HTTPS (httpx).

Configured as a resolver plug-in in security.json. Through the terminal's own sync server (the
hall hub, or the central platform), with its pinned hall CA and its enrollment credential:
    {"plugin": "sync.codes_client:online_resolver", "name": "sfm", "prefix": "SFM1.",
     "data_dir": "/path/to/terminal/data"}
(`data_dir` may be left out when $TINGDUAN_DATA_DIR names it.) Or any platform by address:
    {"plugin": "sync.codes_client:online_resolver", "name": "sfm", "prefix": "SFM1.",
     "url": "https://hub.example/v1/codes/verify", "ca": "/path/to/hall-ca.pem"}
A platform that cannot be reached gives an unverified identity (the person can still take a
ticket); a platform that refuses the code gives the person its message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from hall.errors import ConfigError
from hall.security.codes import CodeError, CodeUnavailable, OnlineResolver
from sync.tls import check_url, verify_for
from sync.wire import API

VERIFY = f"{API}/codes/verify"


class HttpVerifier:
    def __init__(self, url: str, *, timeout: float = 3.0, ca: str | None = None,
                 client: httpx.Client | None = None, token: str | None = None,
                 insecure: bool = False) -> None:
        self.url = url
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if client is None:
            check_url(url, insecure=insecure, ca=ca)
            client = httpx.Client(timeout=timeout, verify=verify_for(url, ca), headers=headers)
        elif headers:
            client.headers.update(headers)
        self.client = client

    def close(self) -> None:
        self.client.close()

    def verify(self, payload: str) -> dict[str, Any]:
        try:
            response = self.client.post(self.url, json={"payload": payload})
        except httpx.HTTPError as exc:
            raise CodeUnavailable(str(exc)) from exc
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
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


def sync_verifier(data_dir: Path, *, timeout: float = 3.0) -> HttpVerifier:
    """The verifier of a terminal's own sync server: its pinned CA and its credential."""
    from sync import credential

    cred = credential.load(data_dir)
    return HttpVerifier(f"{cred.server}{VERIFY}", timeout=timeout, ca=cred.ca, token=cred.token,
                        insecure=cred.insecure)


def online_resolver(name: str, prefix: str, url: str | None = None, *, ca: str | None = None,
                    timeout: float = 3.0, max_lifetime_s: int = 600,
                    data_dir: str | None = None) -> OnlineResolver:
    if url is None:
        folder = data_dir or os.environ.get("TINGDUAN_DATA_DIR")
        if not folder:
            raise ConfigError(f"code resolver {name}: give `url`, or `data_dir` (the terminal's "
                              "data dir, whose sync server verifies the code)",
                              code="code_resolver")
        verifier = sync_verifier(Path(folder), timeout=timeout)
    else:
        verifier = HttpVerifier(url, timeout=timeout, ca=ca)
    return OnlineResolver(name, prefix, verifier, max_lifetime_s=max_lifetime_s)
