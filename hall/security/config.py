"""`security.json` in the data dir: retention period and code resolvers (all optional).

    {"retention_days": 180, "code_resolvers": [ … see hall/codes.py … ]}

Validated by the pydantic model in hall/security/config_schema.py whenever its content is new
(hall/checked_json.py): a wrong value is refused as `security.json: field: reason`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hall import checked_json

SECURITY_FILE = "security.json"
DEFAULT_RETENTION_DAYS = 180
SECURITY_SPEC = checked_json.Spec(SECURITY_FILE, "hall.security.config_schema:SecurityFile",
                                  tag="be97b8118c1f1523")


def load(data_dir: Path) -> dict[str, Any]:
    data = checked_json.load(data_dir, SECURITY_SPEC)
    if data is None:
        return {"retention_days": DEFAULT_RETENTION_DAYS, "code_resolvers": []}
    return data
