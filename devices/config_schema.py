"""The pydantic model of `devices.json` (loaded through hall/checked_json.py, see config.py).

Every change here needs a new `DEVICES_SPEC.tag` in devices/config.py.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DevicesFile(BaseModel):
    """Each device is optional; "" (or leaving the key out) means none."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id_reader: str = Field(default="", max_length=500)
    sscard_reader: str = Field(default="", max_length=500)
    printer: str = Field(default="", max_length=500)
    scanner: str = Field(default="", max_length=500)
