"""The client side of enrollment: spend a one-time code with the server (pinned TLS, or plain
HTTP on loopback / with --insecure), and keep the hall keys a hub hands its terminals."""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from hall import config as config_file
from hall.errors import DomainError
from hall.security import hall_pair, keys
from sync.errors import AuthError, NetworkError
from sync.tls import check_url, verify_for

if TYPE_CHECKING:
    from hall.app import Hall
from sync.wire import API, EnrollResponse

# hall-wide: the same on every terminal of a hall (each role holds some: keys.ROLE_KEYS)
HALL_KEYS = (keys.DATA, keys.INDEX, keys.HALL_PRIVATE, keys.HALL_PUBLIC)


def spend(server: str, code: str, *, ca: str | None = None, insecure: bool = False,
          hall_id: str | None = None, terminal_id: str | None = None,
          timeout: float = 15.0) -> EnrollResponse:
    """POST /v1/enroll. With hall and terminal given, the server refuses (and keeps the code
    unspent) when the code is for another hall or terminal."""
    import httpx

    url = server.rstrip("/")
    check_url(url, insecure=insecure, ca=ca)
    body: dict[str, str] = {"code": code}
    if hall_id is not None and terminal_id is not None:
        body |= {"hall_id": hall_id, "terminal_id": terminal_id}
    try:
        with httpx.Client(timeout=timeout, verify=verify_for(url, ca)) as http:
            resp = http.post(f"{url}{API}/enroll", json=body)
    except httpx.HTTPError as exc:
        raise NetworkError(f"{url}: {type(exc).__name__}: {exc}") from exc
    try:
        detail = resp.json().get("detail")
    except (ValueError, AttributeError):
        detail = resp.text[:200]
    if resp.status_code in (401, 403):
        raise AuthError(f"enrollment refused: {detail}")
    if resp.status_code == 429:
        raise NetworkError(f"enrollment: too many attempts; retry after "
                           f"{resp.headers.get('retry-after', '?')} s")
    if resp.status_code != 200:
        raise NetworkError(f"enrollment failed ({resp.status_code}): {detail}")
    return EnrollResponse.model_validate(resp.json())


def differing_keys(data_dir: Path, got: EnrollResponse) -> list[str]:
    """Hall keys this data dir holds that differ from the hub's."""
    out = []
    for name, value in (got.keys or {}).items():
        have = keys.load(data_dir, name)
        if have is not None and have != base64.b64decode(value):
            out.append(name)
    return out


def install_keys(data_dir: Path, got: EnrollResponse, *, replace: bool) -> list[str]:
    """Write the hall keys the hub sent (0600); returns their names."""
    sent: dict[str, bytes] = {}
    for name, value in (got.keys or {}).items():
        if name not in HALL_KEYS:
            raise DomainError(f"the server sent an unknown key {name!r}", code="hall_keys")
        key = base64.b64decode(value)
        if len(key) != 32:
            raise DomainError(f"the server sent a damaged {name} key", code="hall_keys")
        sent[name] = key
    if keys.HALL_PRIVATE in sent:
        hall_pair.check(sent[keys.HALL_PRIVATE], sent.get(keys.HALL_PUBLIC, b""))
    for name, key in sent.items():
        keys.create(data_dir, name, key, replace=replace)
    return list(sent)


def surplus_keys(data_dir: Path, got: EnrollResponse) -> list[str]:
    """Hall keys this data dir holds that its enrolled role must not (a kiosk's or a display's
    data key, private key, a display's index key): `drop_surplus` removes them."""
    if got.keys is None or got.role is None:
        return []  # no keys handed out (plain HTTP on a LAN), or a server of an older release
    held = set(keys.role_keys(got.role))
    return [name for name in (*HALL_KEYS, keys.DATA + keys.NEXT)
            if name not in held and keys.load(data_dir, name) is not None]


def drop_surplus(data_dir: Path, names: list[str]) -> None:
    for name in names:
        keys.discard(data_dir, name)


def holds_sealed_data(hall: Hall) -> bool:
    """Whether the terminal's store holds sealed fields or blind-index keys already (so taking
    other hall keys would strand them)."""
    row = hall.core.conn.execute(
        "SELECT 1 FROM events WHERE payload LIKE '%ts1:%' OR payload LIKE '%ts2:%' "
        "OR payload LIKE '%\"key\":%' LIMIT 1").fetchone()
    return row is not None


def join_hall(data_dir: Path, server: str) -> config_file.TerminalConfig:
    """A terminal enrolled with a hub is a member of its hall, however it was set up: a
    standalone station that joins keeps its history and issues leased numbers (or its
    fallback series) from its next ticket on; its old plain numbers that another terminal
    also issued are kept and labelled apart at sync (hall/numbering.py)."""
    cfg = config_file.load(data_dir)
    if cfg.numbering != "member" or cfg.hub_url != server:
        cfg = replace(cfg, numbering="member", hub_url=server)
        config_file.save(data_dir, cfg)
    return cfg
