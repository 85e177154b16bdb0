"""The pydantic model of `security.json` (loaded through hall/checked_json.py, see config.py).

Every change here needs a new `SECURITY_SPEC.tag` in hall/security/config.py.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hall.security.config import DEFAULT_RETENTION_DAYS


class ResolverSpec(BaseModel):
    # A plug-in's own options (name, prefix, public_key, url, …) are its to check.
    model_config = ConfigDict(extra="allow", strict=True)

    plugin: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


class SecurityFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    retention_days: int = Field(default=DEFAULT_RETENTION_DAYS, ge=1, le=36500)
    code_resolvers: list[ResolverSpec] = Field(default_factory=list)
