"""`hall.settings`: the hall's settings as this terminal runs them, and asking for a change.

The signed document and its checks are hall/hall_settings.py; this part applies the version the
store holds over the terminal's own config.json (`Core.config`), answers the opening hours, and
records a supervisor's change: on a station without a hub it signs the change itself; on a
member terminal the hub signs it when the request reaches it (sync), and every terminal applies
the version the hub publishes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hall import hall_settings
from hall import hours as opening
from hall.actors import Actor
from hall.booking_slots import Booking
from hall.booking_slots import parse as parse_booking
from hall.changes import Changes
from hall.config import TerminalConfig
from hall.core import Core, Outcome
from hall.errors import ConfigError
from hall.events import EventType
from hall.hall_settings import SignedSettings
from hall.security import audit

_CONFIG = Changes(config=True)


class Settings:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._base: TerminalConfig = core.config  # config.json: what is the terminal's own
        self._seen: tuple[str | None, str | None] | None = None
        self._current = SignedSettings(0, None, {})
        self._hours: opening.Hours | None = None  # parsed once per version (asked per ticket)

    def current(self) -> SignedSettings:
        """The version this terminal runs (0: none heard yet), applied to `Core.config`."""
        conn = self._core.conn
        rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                                 (hall_settings.SETTINGS_META, hall_settings.KEY_META)).fetchall())
        seen = (rows.get(hall_settings.SETTINGS_META), rows.get(hall_settings.KEY_META))
        if seen != self._seen:  # verified once per document, not on every ticket
            self._current = hall_settings.stored(conn, self._core.config.hall_id)
            self._hours = hall_settings.hours_of(self._current.settings)
            self._core.config = hall_settings.apply_to(self._base, self._current.settings)
            self._core.zone = self._core.config.zone
            self._seen = seen
        return self._current

    def view(self) -> SignedSettings:
        """What runs, with the values config.json gives for what the hall has not set."""
        signed = self.current()
        cfg = self._core.config
        shown: dict[str, Any] = {"name": cfg.display_name, "notices": [],
                                 "elder_age": cfg.policy.elder_age,
                                 "kiosk_idle_s": cfg.kiosk_idle_s, "hours": None}
        return SignedSettings(signed.version, signed.signed_by, {**shown, **signed.settings})

    def hours(self) -> opening.Hours | None:
        self.current()
        return self._hours

    def booking(self) -> Booking:
        """The hall's `booking` setting (hall/booking_slots.py), its defaults when unset."""
        raw = self.current().settings.get("booking")
        try:
            return parse_booking(raw)
        except ConfigError:  # verified and signed, yet unreadable (a newer release's form)
            return parse_booking(None)

    def standing(self, service_id: str | None = None,
                 at: datetime | None = None) -> opening.Standing:
        own = self.hours()
        if own is not None:
            own = own.for_service(service_id)
        return opening.standing(own, at or self._core.now(), self._core.zone)

    def check_take(self, service_id: str) -> None:
        """取号 outside the hall's (or the service's) hours: `hall_closed` (hall/hours.py)."""
        opening.check_take(self.hours(), service_id, self._core.now(), self._core.zone)

    def request(self, by: Actor, changes: dict[str, Any]) -> Outcome[SignedSettings]:
        """A supervisor's change. Signed here on a station without a hub; else recorded for
        the hub, which signs and publishes it (the value returned is then what runs now)."""
        core = self._core
        core.require(by, "settings", "change_settings")
        checked = hall_settings.check_changes(changes)
        with core.write(extra=_CONFIG) as conn:
            core.emit(conn, EventType.HALL_SETTINGS_REQUESTED,
                      {"changes": checked, "at": core.now_iso()}, by)
            audit.record_in(core, conn, actor=by, action="config_change",
                            target="hall_settings", detail={"keys": sorted(checked)})
            if not self._base.hub_url:
                self._sign_here(conn, checked, by)
        return core.outcome(self.view())

    def _sign_here(self, conn: Any, checked: dict[str, Any], by: Actor) -> None:
        """A station without a hub is its own: its key signs, and it pins that key."""
        from hall.security import keys

        core = self._core
        seed = keys.load_or_create(core.data_dir, hall_settings.SIGN_KEY)
        own = hall_settings.public_key(seed)
        if hall_settings.pinned_key(conn) is None:
            hall_settings.pin_key(conn, own)
        if hall_settings.pinned_key(conn) != own:
            return  # a hub's key is pinned: only the hub signs for this hall
        held = hall_settings.stored(conn, core.config.hall_id)
        doc = hall_settings.sign(seed, core.config.hall_id, held.version + 1,
                                 hall_settings.merged(held.settings, checked), signer="station")
        core.emit(conn, EventType.HALL_SETTINGS_PUBLISHED, {**doc, "at": core.now_iso()}, by)
