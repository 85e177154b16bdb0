"""display.json in the data directory: the ticker's notices and how many last calls to show,
{"notices": ["…", "…"], "last_calls": 8}."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from hall.text_limits import DISPLAY_NOTICE

log = logging.getLogger("tingduan.display")

DISPLAY_FILE = "display.json"


def load_display_config(data_dir: Path | None) -> dict[str, Any]:
    """display.json: {"notices": [str, …], "last_calls": n}; missing means none and 8."""
    out: dict[str, Any] = {"notices": [], "last_calls": 8}
    if data_dir is None:
        return out
    try:
        raw = json.loads((data_dir / DISPLAY_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return out
    except (OSError, ValueError) as exc:
        log.warning("display.json unreadable (%s): no notices", type(exc).__name__)
        return out
    if isinstance(raw, dict):
        notices = raw.get("notices", [])
        if isinstance(notices, list):
            out["notices"] = [str(n)[:DISPLAY_NOTICE] for n in notices if str(n).strip()][:20]
        last = raw.get("last_calls")
        if isinstance(last, int) and 1 <= last <= 20:
            out["last_calls"] = last
    return out
