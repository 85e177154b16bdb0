"""Windows (窗口) and the services each serves."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hall.actors import Actor
from hall.call_choice import window_services
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType

MAX_WINDOW = 16


@dataclass(frozen=True)
class WindowView:
    window: str
    services: tuple[str, ...] | None  # None: every service

    def to_json(self) -> dict[str, Any]:
        return {"window": self.window,
                "services": list(self.services) if self.services is not None else None}


def check_window_name(window: str) -> str:
    """One rule for window names everywhere (terminal, hub, display): 1–16 letters or digits,
    '-' or '_', as a call screen can show and a voice can read."""
    name = window.strip()
    if not name or len(name) > MAX_WINDOW or not all(
            c.isascii() and (c.isalnum() or c in "-_") for c in name):
        raise DomainError(f"a window is 1-{MAX_WINDOW} ASCII letters, digits, '-' or '_'",
                          code="bad_window", params={"max": MAX_WINDOW})
    return name


class Windows:
    def __init__(self, core: Core) -> None:
        self._core = core

    def configure(self, by: Actor, window: str, services: list[str] | None) -> Outcome[WindowView]:
        """`services` None means every service."""
        core = self._core
        core.require(by, "window", "configure_window")
        window = check_window_name(window)
        for sid in services or []:
            core.catalog.get(sid)
        with core.write() as conn:
            core.emit(conn, EventType.WINDOW_CONFIGURED, {"window": window, "services": services},
                      by)
        return core.outcome(self.get(window))

    def get(self, window: str) -> WindowView:
        services = window_services(self._core.conn, window)
        return WindowView(window, tuple(services) if services is not None else None)

    def list(self) -> list[WindowView]:
        rows = self._core.conn.execute("SELECT window, services FROM windows ORDER BY window")
        out = []
        for window, raw in rows.fetchall():
            services = json.loads(raw)
            out.append(WindowView(window, tuple(services) if services is not None else None))
        return out
