"""The platform's directory as a hall holds it (issue 24): fetched through its hub, or straight
from the platform by a station, and pinned in `directory.json` in the data dir.

A hall's public key, once heard, is pinned: a fetched directory naming another key for a hall
already pinned is refused whole (`hall_key_changed`) and the pinned copy stays, the way a
terminal pins its hall CA. A travelling case is sealed for the key pinned here, never for one
just fetched and not checked.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from hall.errors import DomainError
from sync.transport import Http

PINNED_FILE = "directory.json"


def load(data_dir: Path) -> dict[str, Any] | None:
    """The pinned directory, None when never fetched; damaged: ConfigError directory_damaged."""
    from hall.travel import pinned

    return pinned(data_dir)


def _save(data_dir: Path, value: dict[str, Any]) -> None:
    path = data_dir / PINNED_FILE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _checked(fetched: Any) -> dict[str, Any]:
    if (not isinstance(fetched, dict) or not isinstance(fetched.get("halls"), list)
            or not isinstance(fetched.get("seats"), dict)):
        raise DomainError("the directory the server sent is not one", code="bad_directory")
    for hall in fetched["halls"]:
        if not isinstance(hall, dict) or not isinstance(hall.get("hall"), str):
            raise DomainError("the directory the server sent is not one", code="bad_directory")
    return fetched


def pin(data_dir: Path, fetched: Any) -> dict[str, Any]:
    """Keep `fetched` as the directory unless it changes a pinned hall key; a hall's key heard
    once stays pinned even if a later directory leaves it out."""
    checked: dict[str, Any] = _checked(fetched)
    old = load(data_dir) or {"halls": [], "seats": {}}
    pinned = {h["hall"]: h.get("public_key") for h in old.get("halls", [])
              if isinstance(h, dict) and h.get("public_key")}
    for hall in checked["halls"]:
        was = pinned.get(hall["hall"])
        now = hall.get("public_key")
        if was and now and now != was:
            raise DomainError(f"the directory names another public key for hall {hall['hall']} "
                              "than the one pinned here: refused (ask the platform's operator)",
                              code="hall_key_changed", params={"hall": hall["hall"]})
        if was and not now:
            hall["public_key"] = was
    _save(data_dir, checked)
    return checked


def public_key(data_dir: Path, hall_id: str) -> bytes | None:
    """The pinned public key of a hall (None: not heard yet)."""
    for hall in (load(data_dir) or {}).get("halls", []):
        if isinstance(hall, dict) and hall.get("hall") == hall_id and hall.get("public_key"):
            return base64.b64decode(str(hall["public_key"]))
    return None


def seat(data_dir: Path, department: str) -> str | None:
    """The hall a department sits in, as pinned (None: not seated, or no directory yet)."""
    seats = (load(data_dir) or {}).get("seats", {})
    found = seats.get(department) if isinstance(seats, dict) else None
    return found if isinstance(found, str) else None


def refresh(http: Http, data_dir: Path, own_public: bytes | None) -> dict[str, Any]:
    """Publish this hall's public key (when it holds its pair), then fetch and pin."""
    if own_public is not None:
        http.request("POST", "/directory/key",
                     body={"public_key": base64.b64encode(own_public).decode()})
    return pin(data_dir, http.request("GET", "/directory"))


def refresh_station(http: Http, data_dir: Path) -> dict[str, Any]:
    """A terminal's refresh: straight with the platform it is its hall's only machine, so it
    publishes its hall's key (made here where missing); through a hub (which answers the key's
    POST with 404: the hub publishes the hall's key) it only fetches and pins."""
    from hall.security.hall_pair import ensure as hall_keypair

    health = http.request("GET", "/health")
    from sync import travel

    central = isinstance(health, dict) and health.get("role") == "central"
    travel.save_state(data_dir, {**travel.state(data_dir), "central": central})
    if central:
        return refresh(http, data_dir, hall_keypair(data_dir).public)
    return refresh(http, data_dir, None)
