"""`security.json` in the data dir: retention period and code resolvers (all optional).

    {"retention_days": 180, "code_resolvers": [ … see hall/codes.py … ]}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hall.errors import ConfigError

SECURITY_FILE = "security.json"
DEFAULT_RETENTION_DAYS = 180


def load(data_dir: Path) -> dict[str, Any]:
    path = data_dir / SECURITY_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raw = {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: unreadable ({exc})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: must hold a JSON object")
    days = raw.get("retention_days", DEFAULT_RETENTION_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ConfigError(f"{path}: retention_days must be a whole number of days ≥ 1")
    resolvers = raw.get("code_resolvers", [])
    if not isinstance(resolvers, list) or not all(isinstance(r, dict) for r in resolvers):
        raise ConfigError(f"{path}: code_resolvers must be a list of objects")
    return {"retention_days": days, "code_resolvers": resolvers}
