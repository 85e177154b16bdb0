"""The hub's list of its hall's terminals and where their peer endpoints listen
(sync/peering.py): each terminal's sync service announces its port at every round and takes the
list back, with the hall's peer key, so the hall keeps one queue when this hub is gone.

In memory: the announcements refill it within a round after a hub restart. The address is the
one the request came from (through trusted proxies only), never one the terminal names, so a
terminal cannot point its peers elsewhere."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

FORGET_S = 24 * 3600.0  # a terminal not heard from in a day leaves the list
MAX_PER_HALL = 64


class PeerAnnounce(BaseModel):
    model_config = ConfigDict(extra="forbid")
    port: int = Field(ge=1, le=65535)
    kind: str = Field(default="terminal", pattern=r"^[a-z]{1,16}$")  # "display": a call screen

    @field_validator("port", mode="before")
    @classmethod
    def _integral(cls, value: object) -> object:
        """A JSON number that is whole (1144.0 is an integer to JSON Schema), never text or a
        boolean."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("an integer")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("an integer")
        return int(value) if isinstance(value, float) else value


class PeerEntry(BaseModel):
    terminal_id: str
    url: str
    seen_ms: int
    kind: str = "terminal"


class PeerList(BaseModel):
    peers: list[PeerEntry]
    key: str | None = None  # base64: the hall's peer key, over TLS or loopback only


@dataclass
class _Seen:
    url: str
    at: float
    kind: str


class PeerRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._halls: dict[str, dict[str, _Seen]] = {}

    def announce(self, hall: str, terminal: str, address: str, port: int,
                 kind: str = "terminal") -> list[PeerEntry]:
        host = f"[{address}]" if ":" in address else address
        now = time.time()
        with self._lock:
            seen = self._halls.setdefault(hall, {})
            for t in [t for t, s in seen.items() if now - s.at > FORGET_S]:
                del seen[t]
            if terminal in seen or len(seen) < MAX_PER_HALL:
                seen[terminal] = _Seen(f"http://{host}:{port}", now, kind)
            return [PeerEntry(terminal_id=t, url=s.url, seen_ms=int(s.at * 1000), kind=s.kind)
                    for t, s in sorted(seen.items()) if t != terminal]
