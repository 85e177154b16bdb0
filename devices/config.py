"""Which devices a terminal uses: `devices.json` in the data directory, edited by hall IT.

{"id_reader": "/dev/ttyUSB0", "sscard_reader": "ACS ACR39U 00 00",
 "printer": "tcp://192.168.1.50:9100", "scanner": "/dev/ttyACM0"}  (every key optional)

Validated by the pydantic model in devices/config_schema.py whenever its content is new
(hall/checked_json.py): a wrong value is refused as `devices.json: field: reason` (exit 2).
"""

from __future__ import annotations

from pathlib import Path

from hall import checked_json

DEVICES_FILE = "devices.json"
KINDS = ("id_reader", "sscard_reader", "printer", "scanner")
DEVICES_SPEC = checked_json.Spec(DEVICES_FILE, "devices.config_schema:DevicesFile",
                                  tag="2ab94f84fbc83713")


def load_device_config(data_dir: Path | None) -> dict[str, str]:
    """The configured devices by kind (a kind left out or "" is not configured)."""
    if data_dir is None:
        return {}
    data = checked_json.load(data_dir, DEVICES_SPEC)
    if data is None:
        return {}
    return {k: str(v) for k, v in data.items() if k in KINDS and v}
