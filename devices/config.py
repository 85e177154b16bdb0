"""Which devices a terminal uses: `devices.json` in the data directory, edited by hall IT.

{"id_reader": "/dev/ttyUSB0", "sscard_reader": "ACS ACR39U 00 00",
 "printer": "tcp://192.168.1.50:9100", "scanner": "/dev/ttyACM0"}  (every key optional)
"""

from __future__ import annotations

import json
from pathlib import Path

from devices.errors import DeviceError

DEVICES_FILE = "devices.json"
KINDS = ("id_reader", "sscard_reader", "printer", "scanner")


def load_device_config(data_dir: Path | None) -> dict[str, str]:
    if data_dir is None:
        return {}
    path = data_dir / DEVICES_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise DeviceError(f"{path}: unreadable device configuration ({exc})",
                          code="device_config") from exc
    if not isinstance(raw, dict):
        raise DeviceError(f"{path}: expected a JSON object", code="device_config")
    return {k: str(v) for k, v in raw.items() if k in KINDS and v}
