"""The wire format, shared by the client and the server: every input is validated here."""

from __future__ import annotations

import datetime
import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

API = "/v1"
MAX_BATCH = 1000  # events in one push
MAX_BODY = 8 * 1024 * 1024  # bytes of a request body, after decompression
MAX_FUTURE_MS = 5 * 60 * 1000  # an event further ahead of the receiver's clock is refused
# Bounds of the columns that hold them (PostgreSQL INTEGER and BIGINT; SQLite holds both):
# a bigger number is refused with a reason instead of overflowing at the insert.
MAX_SCHEMA_VERSION = 2**31 - 1
MAX_BIGINT = 2**63 - 1
MAX_DEPTH = 32  # nesting of a payload; events are flat records, a deeper one is not ours

# Explicit ASCII classes: `\d` and `\w` match every script's digits in the validator's regex.
_ID = r"^[A-Za-z0-9_-]{1,32}$"
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

def unstorable(text: str) -> str | None:
    """Why a string cannot be stored as database text, or None. JSON may carry a lone UTF-16
    surrogate (`"\\ud800"`), which no UTF-8 database accepts; PostgreSQL text holds no NUL."""
    if text.isascii():
        return "a NUL character" if "\x00" in text else None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone UTF-16 surrogate (not Unicode text)"
    return "a NUL character" if "\x00" in text else None


def escaped(text: str) -> str:
    """Text safe to store and to send back: lone surrogates and NUL as visible escapes."""
    if unstorable(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def payload_problem(payload: Any) -> str | None:
    """Why a payload cannot be stored and served back as JSON, or None. Walked without
    recursion, so a deep body cannot exhaust the stack."""
    todo: list[tuple[Any, int, str]] = [(payload, 0, "payload")]
    seen = 0
    while todo:
        value, depth, where = todo.pop()
        seen += 1
        if depth > MAX_DEPTH:
            return f"{where}: nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, str):
            if "\x00" not in value and unstorable(value) is not None:  # NUL is JSON-escaped
                return f"{where}: a string holds a lone UTF-16 surrogate (not Unicode text)"
        elif isinstance(value, float):
            if not math.isfinite(value):  # 1e400 parses as inf, which JSON cannot carry back
                return f"{where}: a number out of range"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str) or ("\x00" not in key
                                                and unstorable(key) is not None):
                    return f"{where}: a key holds a lone UTF-16 surrogate (not Unicode text)"
                todo.append((item, depth + 1, f"{where}.{escaped(key)[:32]}"))
        elif isinstance(value, list):
            todo.extend((item, depth + 1, f"{where}[{i}]") for i, item in enumerate(value))
        elif value is not None and not isinstance(value, int | bool):
            return f"{where}: not a JSON value"
    return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireEvent(_Model):
    event_id: str = Field(pattern=_UUID)
    hall_id: str = Field(pattern=_ID)
    terminal_id: str = Field(pattern=_ID)
    # Strict: JSON `true` or `1.0` is no sequence number (a bool would reach PostgreSQL as one).
    terminal_seq: int = Field(strict=True, ge=1, le=MAX_BIGINT)
    hlc: int = Field(strict=True, ge=0, le=MAX_BIGINT)
    type: str = Field(min_length=1, max_length=64)
    schema_version: int = Field(strict=True, ge=1, le=MAX_SCHEMA_VERSION)
    payload: dict[str, Any]

    @field_validator("type")
    @classmethod
    def _storable_type(cls, value: str) -> str:
        problem = unstorable(value)
        if problem is not None:
            raise ValueError(f"holds {problem}")
        return value

    @model_validator(mode="after")
    def _storable_payload(self) -> WireEvent:
        problem = payload_problem(self.payload)
        if problem is not None:
            raise ValueError(problem)
        return self


class PushRequest(_Model):
    # Items are checked one by one on the server so one bad event never sinks the batch.
    events: list[dict[str, Any]] = Field(max_length=MAX_BATCH)


class Rejection(_Model):
    event_id: str
    terminal_seq: int
    type: str
    reason: str


class PushResponse(_Model):
    accepted_through_seq: int  # the pushing terminal's own stream
    inserted: int
    rejected: list[Rejection]
    # A hub pushes for its whole hall: the mark of every terminal stream in the batch.
    accepted: dict[str, int] = Field(default_factory=dict)


class PullResponse(_Model):
    events: list[WireEvent]
    cursor: str
    more: bool


class OwnResponse(_Model):
    """A terminal's own events the server holds after a sequence number (`GET /sync/own`): how a
    terminal restored from an older backup takes back what it wrote after the backup."""

    events: list[WireEvent]
    # Sequence numbers the server consumed by refusing the event (dead letters), in the same
    # range as `events`, with the refused event's id: the terminal keeps those as they are.
    refused: list[Rejection] = Field(default_factory=list)
    through: int  # the stream's last sequence number the server consumed (refused ones too)
    more: bool


class LeaseRequest(_Model):
    day: str = Field(pattern=_DAY)
    series: str = Field(pattern=r"^[A-Z]$")
    # An integer as JSON Schema counts them (957.0 is one); never a string or true.
    size: int = Field(ge=1, le=1000)
    # The same id on a retry (the answer was lost) gets the same block back; the same id with
    # another day, series or size is refused (409), never answered with the old block.
    request_id: str | None = Field(default=None, pattern=_ID)

    @field_validator("size", mode="before")
    @classmethod
    def _integral(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("an integer")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("an integer")
        return int(value) if isinstance(value, float) else value

    @field_validator("day")
    @classmethod
    def _calendar_day(cls, value: str) -> str:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a calendar date (YYYY-MM-DD)") from None
        return value


class LeaseResponse(_Model):
    day: str
    series: str
    first: int
    last: int


class CallRequest(_Model):
    window: str = Field(max_length=64)

    @field_validator("window")
    @classmethod
    def _window_name(cls, value: str) -> str:
        """The hall's one rule for window names (hall/windows.py), the same as on a desk."""
        from hall.errors import DomainError
        from hall.windows import check_window_name

        try:
            return check_window_name(value)
        except DomainError as exc:
            raise ValueError(exc.message) from None


class CallResponse(_Model):
    ticket_id: str | None
    label: str | None
    reason: str | None = None


class EnrollRequest(_Model):
    # Codes are printed and typed: printable ASCII (spaces around are ignored).
    code: str = Field(min_length=4, max_length=64, pattern=r"^[ -~]+$")
    # Who is enrolling: a code for another hall or terminal is refused and stays unspent.
    hall_id: str | None = Field(default=None, pattern=_ID)
    terminal_id: str | None = Field(default=None, pattern=_ID)


class EnrollResponse(_Model):
    hall_id: str
    terminal_id: str
    token: str
    scope: str = "terminal"  # "hub": a hall's hub, may push for every terminal of its hall
    # A hub's hall-wide keys (base64, by name: "data", "index", "hall-private", "hall-public"),
    # only those the terminal's role holds (hall/security/keys.py ROLE_KEYS), sent over TLS or
    # loopback only.
    keys: dict[str, str] | None = None
    role: str | None = None  # desk | kiosk | display: the enrolled credential's (not a hub's)
    window: str | None = None  # a rating pad's: the window its credential rates (issue 27)


class Health(_Model):
    status: str
    # Only for those allowed (sync/server/app.py `health`): anyone else learns up or down.
    role: str | None = None
    server_time_ms: int | None = None
    epoch: str | None = None
    upstream: dict[str, Any] | None = None  # a hub's forwarding to its upstream
    # this process's long-polls: held now, its cap, the most held, asks answered at once past
    # the cap (sync/server/long_polls.py)
    long_polls: dict[str, int] | None = None
