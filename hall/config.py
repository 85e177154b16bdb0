"""A terminal's configuration: who it is, its hall's timezone, the call policy, its windows.

Kept as `config.json` in the data directory so a hall's IT technician can read and edit it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hall.errors import ConfigError

CONFIG_FILE = "config.json"
DEFAULT_TIMEZONE = "Asia/Shanghai"
NumberingMode = Literal["standalone", "member"]


@dataclass(frozen=True)
class CallPolicy:
    mode: Literal["strict", "interleave"] = "interleave"
    regular_per_priority: int = 2  # interleave: k regular tickets, then one priority ticket
    max_wait_minutes: int = 60  # a ticket waiting longer is called before any other
    recall_limit: int = 2  # recalls allowed before the ticket becomes a no-show
    appointment_early_minutes: int = 10  # an appointment counts as priority from its slot - this
    follow_up_days: int = 3  # 差评 follow-up deadline
    elder_age: int = 60  # a card showing this age or more gives 老年人 priority and elder mode

    def validate(self) -> None:
        if self.mode not in ("strict", "interleave"):
            raise ConfigError(f"call policy mode must be strict or interleave, not {self.mode!r}")
        for name in ("regular_per_priority", "max_wait_minutes", "recall_limit", "follow_up_days",
                     "elder_age"):
            if int(getattr(self, name)) < 0:
                raise ConfigError(f"call policy {name} must not be negative")


@dataclass(frozen=True)
class TerminalConfig:
    hall_id: str
    terminal_id: str
    timezone: str = DEFAULT_TIMEZONE
    # standalone: this terminal is its own hub and issues plain numbers (A001);
    # member: numbers come from hub leases, else from the terminal's fallback series.
    numbering: NumberingMode = "standalone"
    hub_url: str | None = None
    short_code: str = ""
    policy: CallPolicy = field(default_factory=CallPolicy)
    hall_name: str = ""  # shown on tickets and screens; the hall id when empty
    # Where a ticket's QR (follow the queue) and a receipt's QR (办件查询) point: the hall's own
    # service site. The default is an example domain, to be set by each hall.
    queue_url: str = "https://zwfw.example.gov.cn/q/{hall}/{day}/{number}"
    case_url: str = "https://zwfw.example.gov.cn/c/{hall}/{case}"
    ticket_footer: tuple[str, ...] = ("请留意叫号屏与语音提示", "过号请重新取号,谢谢配合!")
    accept_expired_cards: bool = True  # an expired card is reported; refused when False

    @property
    def display_name(self) -> str:
        return self.hall_name or self.hall_id

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def validate(self) -> None:
        for name in ("hall_id", "terminal_id"):
            value = getattr(self, name)
            if not value or not all(c.isalnum() or c in "-_" for c in value) or len(value) > 32:
                raise ConfigError(f"{name} must be 1-32 letters, digits, '-' or '_': {value!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"unknown timezone {self.timezone!r}") from exc
        if self.numbering not in ("standalone", "member"):
            raise ConfigError(f"numbering must be standalone or member, not {self.numbering!r}")
        self.policy.validate()

    def with_policy(self, **changes: Any) -> TerminalConfig:
        return replace(self, policy=replace(self.policy, **changes))


def default_short_code(terminal_id: str) -> str:
    """A short code for the fallback series (A-K3-001): letters and digits of the terminal id."""
    code = "".join(c for c in terminal_id.upper() if c.isalnum())
    return code[-4:] or "T"


def load(data_dir: Path) -> TerminalConfig:
    path = data_dir / CONFIG_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{data_dir} is not set up: run `python main.py setup --hall HALL --terminal ID`",
            code="not_set_up",
        ) from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: unreadable configuration ({exc})") from exc
    try:
        policy = CallPolicy(**raw.pop("policy", {}))
        if isinstance(raw.get("ticket_footer"), list):
            raw["ticket_footer"] = tuple(raw["ticket_footer"])
        config = TerminalConfig(policy=policy, **raw)
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    config.validate()
    return config


def save(data_dir: Path, config: TerminalConfig) -> None:
    """Write atomically: a kill mid-write leaves the old file or the new one, never half."""
    config.validate()
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CONFIG_FILE
    tmp = path.with_suffix(".tmp")
    body = json.dumps(asdict(config), ensure_ascii=False, indent=2) + "\n"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
