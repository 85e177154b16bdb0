"""A station syncing straight with the central platform takes in what other halls route to it
(issue 24): `PartRouted` and `PartUpdate` addressed to its hall, from `GET /v1/travel/inbox`,
each recorded once in its own log (hall/travel.py `record`).

`travel.json` in the data dir says whether this terminal's server is the central platform
(written by `sync directory`) and the inbox number taken through. Losing it loses nothing: a
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


DIRECTORY_EVERY_MS = 10 * 60 * 1000  # a terminal refreshes its pinned directory this often


def refresh_directory_if_due(core: Any, http: Http) -> bool:
    """Every ten minutes at most, fetch and pin the directory again (through the hub, or
    straight from the platform, publishing a station's hall key), once a terminal pinned one;
    a failure waits for the next round (the pinned copy stays), never fails the sync round."""
    from hall.clock import now_ms
    from hall.errors import HallError
    from sync import directory_pin

    data_dir: Path = core.data_dir
    if not (data_dir / directory_pin.PINNED_FILE).exists():
        return False  # a terminal that never asked for the directory (`sync directory`)
    now = state(data_dir)
    if now_ms() - int(now.get("directory_ms", 0)) < DIRECTORY_EVERY_MS:
        return False
    try:
        directory_pin.refresh_station(http, data_dir)
    except HallError:
        return False
    finally:
        save_state(data_dir, {**state(data_dir), "directory_ms": now_ms()})
    return True


def take_inbox(core: Any, http: Http, max_pages: int = 1000) -> int:
    """Record what the platform routed to this station's hall (`core`: its hall.core.Core);
    the number recorded."""
    from hall import travel

    data_dir: Path = core.data_dir
    now = state(data_dir)
    # the platform's inbox number for this hall taken through (`after`, from before numbers per
    # destination, held a global pos: not read, so the inbox is taken again, once each)
    after = int(now.get("inbox_seq", 0))
    took = 0
    for _ in range(max_pages):
        page = http.request("GET", "/travel/inbox", params={"after": after})
        for item in page["items"]:
            if travel.record(core, item["event"]):
                took += 1
        if int(page["next"]) == after:
            break
        after = int(page["next"])
        save_state(data_dir, {**now, "inbox_seq": after})
    return took
