"""The wire format, shared by the client and the server: every input is validated here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

API = "/v1"
MAX_BATCH = 1000  # events in one push
MAX_BODY = 8 * 1024 * 1024  # bytes of a request body, after decompression
MAX_FUTURE_MS = 5 * 60 * 1000  # an event further ahead of the receiver's clock is refused

_ID = r"^[A-Za-z0-9_-]{1,32}$"
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireEvent(_Model):
    event_id: str = Field(pattern=_UUID)
    hall_id: str = Field(pattern=_ID)
    terminal_id: str = Field(pattern=_ID)
    terminal_seq: int = Field(ge=1)
    hlc: int = Field(ge=0, lt=1 << 63)
    type: str = Field(min_length=1, max_length=64)
    schema_version: int = Field(ge=1)
    payload: dict[str, Any]


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


class LeaseRequest(_Model):
    day: str = Field(pattern=_DAY)
    series: str = Field(pattern=r"^[A-Z]$")
    size: int = Field(ge=1, le=1000)
    # The same id on a retry (the answer was lost) gets the same block back.
    request_id: str | None = Field(default=None, pattern=_ID)


class LeaseResponse(_Model):
    day: str
    series: str
    first: int
    last: int


class CallRequest(_Model):
    window: str = Field(pattern=_ID)


class CallResponse(_Model):
    ticket_id: str | None
    label: str | None
    reason: str | None = None


class EnrollRequest(_Model):
    code: str = Field(min_length=4, max_length=64)
    # Who is enrolling: a code for another hall or terminal is refused and stays unspent.
    hall_id: str | None = Field(default=None, pattern=_ID)
    terminal_id: str | None = Field(default=None, pattern=_ID)


class EnrollResponse(_Model):
    hall_id: str
    terminal_id: str
    token: str
    scope: str = "terminal"  # "hub": a hall's hub, may push for every terminal of its hall
    # A hub's hall-wide keys (base64: "data", "index"), sent over TLS or loopback only.
    keys: dict[str, str] | None = None


class Health(_Model):
    status: str
    role: str
    server_time_ms: int
    epoch: str
    upstream: dict[str, Any] | None = None  # a hub's forwarding to its upstream
