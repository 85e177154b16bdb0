"""A terminal's configuration: who it is, its hall's timezone, the call policy, its windows.

Kept as `config.json` in the data directory so a hall's IT technician can read and edit it;
validated by the pydantic model in hall/config_schema.py whenever its content is new
(hall/checked_json.py), so a wrong value is refused as `config.json: field: reason`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hall import checked_json
from hall.errors import ConfigError

CONFIG_FILE = "config.json"
CONFIG_SPEC = checked_json.Spec(CONFIG_FILE, "hall.config_schema:ConfigFile",
                                tag="36df10a2626162e6")
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
    # member (every terminal unless set up --standalone, enrolled or not): numbers come from
    # hub leases, else from the terminal's own fallback series (A-K3-001);
    # standalone (a station with no hub, `setup --standalone`): plain numbers (A001).
    numbering: NumberingMode = "member"
    hub_url: str | None = None
    short_code: str = ""  # the fallback series' code; "" is the terminal id (unique in the hall)
    policy: CallPolicy = field(default_factory=CallPolicy)
    hall_name: str = ""  # shown on tickets and screens; the hall id when empty
    # Where a ticket's QR (follow the queue) and a receipt's QR (办件查询) point: the hall's own
    # service site. The default is an example domain, to be set by each hall.
    queue_url: str = "https://zwfw.example.gov.cn/q/{hall}/{day}/{number}"
    case_url: str = "https://zwfw.example.gov.cn/c/{hall}/{case}"
    ticket_footer: tuple[str, ...] = ("请留意叫号屏与语音提示", "过号请重新取号,谢谢配合!")
    accept_expired_cards: bool = True  # an expired card is reported; refused when False
    # a kiosk goes home and forgets what it read after this long without a touch (the last 10 s
    # a visible countdown with 继续)
    kiosk_idle_s: int = 60

    @property
    def fallback_code(self) -> str:
        return self.short_code or self.terminal_id

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
    """The code of a terminal's fallback series (A-K3-001): the terminal id itself, which no
    other terminal of the hall has. (A shorter code derived from it could be shared: DESK01 and
    KIOSK01 both gave SK01.)"""
    return terminal_id


def legacy_short_code(terminal_id: str) -> str:
    """The code setup wrote before: the last four letters and digits of the terminal id."""
    code = "".join(c for c in terminal_id.upper() if c.isalnum())
    return code[-4:] or "T"


def load(data_dir: Path) -> TerminalConfig:
    data = checked_json.load(data_dir, CONFIG_SPEC)
    if data is None:
        raise ConfigError(
            f"{data_dir} is not set up: run `python main.py setup --hall HALL --terminal ID`",
            code="not_set_up")
    return from_data(data)


def from_data(data: dict[str, Any]) -> TerminalConfig:
    """A TerminalConfig from validated, normalized content (ConfigFile's fields)."""
    fields = dict(data)
    policy = CallPolicy(**fields.pop("policy"))
    if "ticket_footer" in fields:
        fields["ticket_footer"] = tuple(fields["ticket_footer"])
    return TerminalConfig(policy=policy, **fields)


def save(data_dir: Path, config: TerminalConfig) -> None:
    """Write atomically: a kill mid-write leaves the old file or the new one, never half. What
    is written is validated (and remembered as such) before it replaces the old file."""
    config.validate()
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CONFIG_FILE
    tmp = path.with_suffix(".tmp")
    body = (json.dumps(asdict(config), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    data = checked_json.validate(path, body, CONFIG_SPEC)
    with open(tmp, "wb") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    checked_json.remember(data_dir, CONFIG_FILE, checked_json.key_of(CONFIG_SPEC, body), data)
