"""The hub's peer list (`POST /v1/peers`, sync/server/peerlist.py): each terminal of the hall
announces its peer endpoint and gets the others back, with the hall's peer key over TLS or
loopback only; strangers, hub credentials and a central platform get none."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # no database behind the list


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_terminals_of_a_hall_find_each_other(make_server) -> None:  # type: ignore[no-untyped-def]
    hub = make_server(trusted_proxies=["127.0.0.1"])
    k1, d1 = hub.token("H1", "K1"), hub.token("H1", "D1")
    x9 = hub.token("H1", "X9")
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        assert http.post("/v1/peers", json={"port": 4000}).status_code == 401
        first = http.post("/v1/peers", json={"port": 4001}, headers=_auth(k1)).json()
        assert first["peers"] == [] and first["key"]
        got = http.post("/v1/peers", json={"port": 4002, "kind": "display"},
                        headers=_auth(d1)).json()
        assert [(p["terminal_id"], p["url"], p["kind"]) for p in got["peers"]] == [
            ("K1", "http://127.0.0.1:4001", "terminal")]
        assert got["key"] == first["key"]  # one key for the hall
        # through a trusted proxy from a LAN address: the list, but no key in clear
        lan = http.post("/v1/peers", json={"port": 4003}, headers={
            **_auth(x9), "X-Forwarded-For": "10.0.0.7"}).json()
        assert lan["key"] is None
        assert {p["terminal_id"] for p in lan["peers"]} == {"K1", "D1"}
        again = http.post("/v1/peers", json={"port": 4001}, headers=_auth(k1)).json()
        assert ("X9", "http://10.0.0.7:4003") in {(p["terminal_id"], p["url"])
                                                   for p in again["peers"]}
        for bad in ({"port": 0}, {"port": "80"}, {"port": 80, "kind": "Display!"},
                    {"port": 80, "url": "http://evil"}):
            assert http.post("/v1/peers", json=bad, headers=_auth(k1)).status_code == 422
        hub_token = hub.token("H1", "HUBX", hub=True)
        assert http.post("/v1/peers", json={"port": 4005},
                         headers=_auth(hub_token)).status_code == 404


def test_a_central_platform_hands_out_no_peers(make_server) -> None:  # type: ignore[no-untyped-def]
    central = make_server(role="central")
    token = central.token("H1", "K1")
    with httpx.Client(base_url=central.url, timeout=10) as http:
        assert http.post("/v1/peers", json={"port": 4001},
                         headers=_auth(token)).status_code == 404
