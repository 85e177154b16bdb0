"""A station syncing straight with the central platform takes in what other halls route to it
(issue 24): `PartRouted` and `PartUpdate` addressed to its hall, from `GET /v1/travel/inbox`,
each recorded once in its own log (hall/travel.py `record`).

`travel.json` in the data dir says whether this terminal's server is the central platform
(written by `sync directory`) and the inbox position taken through. Losing it loses nothing: a
replayed inbox records nothing twice (records are keyed by the routed event's id).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sync.transport import Http

STATE_FILE = "travel.json"


def state(data_dir: Path) -> dict[str, Any]:
    try:
        raw = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def save_state(data_dir: Path, value: dict[str, Any]) -> None:
    path = data_dir / STATE_FILE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value), encoding="utf-8")
    os.replace(tmp, path)


def straight_with_platform(data_dir: Path) -> bool:
    return bool(state(data_dir).get("central"))


def take_inbox(hall: Any, http: Http, max_pages: int = 1000) -> int:
    """Record what the platform routed to this station's hall; the number recorded."""
    from hall import travel

    data_dir: Path = hall.data_dir
    now = state(data_dir)
    after = int(now.get("after", 0))
    took = 0
    for _ in range(max_pages):
        page = http.request("GET", "/travel/inbox", params={"after": after})
        for item in page["items"]:
            if travel.record(hall.core, item["event"]):
                took += 1
        if int(page["next"]) == after:
            break
        after = int(page["next"])
        save_state(data_dir, {**now, "after": after})
    return took
