"""The pydantic model of `config.json` (hall/config.py loads it through hall/checked_json.py).

Imported only when a file's content is new: never on the CLI's hot path. Every change here needs
a new `CONFIG_SPEC.tag` in hall/config.py (tests/hall/test_config_files.py says which).
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hall.config import DEFAULT_TIMEZONE, legacy_short_code

_ID = r"^[A-Za-z0-9_-]{1,32}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PolicyFile(_Strict):
    mode: Literal["strict", "interleave"] = "interleave"
    regular_per_priority: int = Field(default=2, ge=0, le=1000)
    max_wait_minutes: int = Field(default=60, ge=0, le=24 * 60)
    recall_limit: int = Field(default=2, ge=0, le=100)
    appointment_early_minutes: int = Field(default=10, ge=0, le=24 * 60)
    follow_up_days: int = Field(default=3, ge=0, le=365)
    elder_age: int = Field(default=60, ge=0, le=150)


class ConfigFile(_Strict):
    hall_id: str = Field(pattern=_ID)
    terminal_id: str = Field(pattern=_ID)
    timezone: str = DEFAULT_TIMEZONE
    numbering: Literal["standalone", "member"] = "member"
    hub_url: str | None = Field(default=None, max_length=2000)
    short_code: str = Field(default="", pattern=r"^[A-Za-z0-9_-]{0,32}$")
    policy: PolicyFile = Field(default_factory=lambda: PolicyFile())
    hall_name: str = Field(default="", max_length=200)
    queue_url: str = Field(default="https://zwfw.example.gov.cn/q/{hall}/{day}/{number}",
                           max_length=500)
    case_url: str = Field(default="https://zwfw.example.gov.cn/c/{hall}/{case}", max_length=500)
    ticket_footer: list[str] = Field(
        default_factory=lambda: ["请留意叫号屏与语音提示", "过号请重新取号,谢谢配合!"],
        max_length=8)
    accept_expired_cards: bool = True
    kiosk_idle_s: int = Field(default=60, ge=15, le=3600)

    @field_validator("queue_url", "case_url")
    @classmethod
    def _url_template(cls, value: str, info: object) -> str:
        import string

        allowed = {"queue_url": {"hall", "day", "number"}, "case_url": {"hall", "case"}}[
            getattr(info, "field_name", "")]
        try:
            names = {f[1] for f in string.Formatter().parse(value) if f[1] is not None}
        except ValueError as exc:
            raise ValueError(f"not a URL template: {exc}") from exc
        if names - allowed or not value.startswith(("https://", "http://")):
            raise ValueError(f"an http(s) URL using only {{{'}, {'.join(sorted(allowed))}}}")
        return value

    @field_validator("ticket_footer")
    @classmethod
    def _short_lines(cls, value: list[str]) -> list[str]:
        if any(len(line) > 48 for line in value):
            raise ValueError("each footer line fits the ticket: at most 48 characters")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _no_shared_fallback_code(self) -> ConfigFile:
        # Setup used to write the last four letters and digits of the terminal id, which two
        # terminals (DESK01, KIOSK01) could share: such a code gives way to the terminal id.
        if self.short_code != self.terminal_id and self.short_code == legacy_short_code(
                self.terminal_id):
            self.short_code = ""
        return self
