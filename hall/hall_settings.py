"""Hall settings: one version for every terminal of a hall, signed by its hub.

What is the hall's (its name, notices and the display's ticker, the elder age, the kiosk's idle
time, the opening hours) is set once: a supervisor at any desk asks for a change
(`HallSettingsRequested`), the hub validates it, gives it the next version and signs it with its
settings key (Ed25519), and publishes it as `HallSettingsPublished`; every terminal applies the
newest version whose signature its pinned hub key verifies, keeps the last one it verified while
it hears nothing newer, and says which version it runs. A station without a hub
(`setup --standalone`) is its own hub: it signs with a key of its own.

What is truly the terminal's own (its printer, readers, window number, hub URL) stays in its
config.json. A settings version that is not signed by the pinned key (forged, or damaged) is
refused: it is recorded as a conflict and changes nothing.

The signed document is kept in the store's `meta` (key `hall_settings`), the pinned key beside it
(`settings_key`): a restart and a restore of the store keep both.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NoReturn

from hall.errors import ConfigError, DomainError
from hall.hours import Hours
from hall.hours import parse as parse_hours

if TYPE_CHECKING:
    from hall.config import TerminalConfig

SETTINGS_META = "hall_settings"
KEY_META = "settings_key"
SIGN_KEY = "settings_sign"  # the signer's seed in its keys/ folder (a hub, a standalone station)
MAX_NOTICES, MAX_NOTICE = 10, 200

# The keys a hall setting may have, and what each holds (ConfigError names the key otherwise).
KEYS = ("name", "notices", "elder_age", "kiosk_idle_s", "hours", "booking", "windows")
MAX_WINDOWS = 200  # `windows`: the hall's configured windows; the hub calls for no other


@dataclass(frozen=True)
class SignedSettings:
    version: int  # 0: none heard yet (the terminal's own config.json values)
    signed_by: str | None  # "hub:<fingerprint>" (or "station:<fingerprint>")
    settings: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "signed_by": self.signed_by, "settings": self.settings}


def check_value(key: str, value: Any) -> Any:
    """One setting, normalized; ConfigError (exit 2) naming the key when it is wrong."""
    if key not in KEYS:
        raise ConfigError(f"{key}: not a hall setting (one of {', '.join(KEYS)})",
                          code="bad_setting", params={"key": key, "reason": "unknown"})
    if key == "name":
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 40:
            _bad(key, "1-40 characters")
        return value.strip()
    if key == "notices":
        if isinstance(value, str):
            value = [value] if value.strip() else []
        if not isinstance(value, list) or len(value) > MAX_NOTICES or not all(
                isinstance(n, str) and 0 < len(n.strip()) <= MAX_NOTICE for n in value):
            _bad(key, f"up to {MAX_NOTICES} notices of 1-{MAX_NOTICE} characters")
        return [n.strip() for n in value]
    if key == "elder_age":
        if type(value) is not int or not 40 <= value <= 120:
            _bad(key, "a whole number of years, 40-120")
        return value
    if key == "kiosk_idle_s":
        if type(value) is not int or not 15 <= value <= 3600:
            _bad(key, "whole seconds, 15-3600")
        return value
    if key == "windows":
        return _windows(value)
    if key == "booking":
        from hall.booking_slots import parse as parse_booking

        parse_booking(value)  # raises naming the field
        return value
    parse_hours(value, key="hours")  # raises naming the field
    return value


def _windows(value: Any) -> list[str]:
    """The hall's windows (names by the hall's one rule, each once); [] lifts the check."""
    from hall.windows import check_window_name

    why = f"a list of up to {MAX_WINDOWS} window names (1-16 ASCII letters, digits, - or _)"
    if isinstance(value, str):
        value = [w for w in value.split(",") if w.strip()]
    if not isinstance(value, list) or len(value) > MAX_WINDOWS or not all(
            isinstance(w, str) for w in value):
        _bad("windows", why)
    try:
        names = [check_window_name(w) for w in value]
    except DomainError:
        _bad("windows", why)
    if len(set(names)) != len(names):
        _bad("windows", "each window once")
    return names


def _bad(key: str, why: str) -> NoReturn:
    raise ConfigError(f"{key}: {why}", code="bad_setting", params={"key": key, "reason": why})


def check_changes(changes: dict[str, Any]) -> dict[str, Any]:
    if not changes:
        raise ConfigError("no setting to change: --set KEY=VALUE", code="bad_setting",
                          params={"key": "", "reason": "empty"})
    return {k: check_value(k, v) for k, v in changes.items()}


def parse_assignment(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` from the command line: VALUE is JSON when it reads as JSON, else text."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"{text!r}: expected KEY=VALUE", code="bad_setting",
                          params={"key": key, "reason": "not KEY=VALUE"})
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return key, value


# -- signing ------------------------------------------------------------------------------------
def canonical(hall_id: str, version: int, settings: dict[str, Any]) -> bytes:
    return json.dumps({"hall": hall_id, "version": version, "settings": settings},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def public_key(seed: bytes) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(public_b64: str) -> str:
    return hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:16]


def sign(seed: bytes, hall_id: str, version: int, settings: dict[str, Any],
         signer: str = "hub") -> dict[str, Any]:
    """The published document: version, settings, its signature and who signed it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(
        canonical(hall_id, version, settings))
    return {"version": version, "settings": settings,
            "signature": base64.b64encode(signature).decode("ascii"),
            "signed_by": f"{signer}:{fingerprint(public_key(seed))}"}


def verify(public_b64: str, hall_id: str, doc: dict[str, Any]) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
        key.verify(base64.b64decode(str(doc["signature"])),
                   canonical(hall_id, int(doc["version"]), dict(doc["settings"])))
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False
    return str(doc.get("signed_by", "")).endswith(":" + fingerprint(public_b64))


def merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {**current, **changes}


# -- the store ----------------------------------------------------------------------------------
def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _put_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                 "value = excluded.value", (key, value))


def pinned_key(conn: sqlite3.Connection) -> str | None:
    return _meta(conn, KEY_META)


def pin_key(conn: sqlite3.Connection, public_b64: str) -> None:
    """Pin the hub's settings key (first heard over the enrolled, CA-pinned channel); a
    different key later is refused, as a different hall CA is."""
    held = pinned_key(conn)
    if held is not None and held != public_b64:
        raise DomainError("the hub's settings key differs from the one this terminal pinned: "
                          "a different hub, or a forged one (re-enroll the terminal if the hub "
                          "was replaced on purpose)", code="settings_key_changed")
    if held is None:
        _put_meta(conn, KEY_META, public_b64)


def stored(conn: sqlite3.Connection, hall_id: str) -> SignedSettings:
    """The version this terminal runs: the newest it verified (verified again as it is read,
    so a document changed in the store behind the hall's back is not applied)."""
    raw = _meta(conn, SETTINGS_META)
    key = pinned_key(conn)
    if raw is None or key is None:
        return SignedSettings(0, None, {})
    doc = json.loads(raw)
    if not verify(key, hall_id, doc):
        return SignedSettings(0, None, {})
    return SignedSettings(int(doc["version"]), str(doc["signed_by"]), dict(doc["settings"]))


def absorb(conn: sqlite3.Connection, hall_id: str, doc: dict[str, Any]) -> str:
    """A published version reaching this store: "applied", "old" (not newer than what runs),
    or "refused" (no pinned key, or the signature does not verify)."""
    key = pinned_key(conn)
    if key is None or not verify(key, hall_id, doc):
        return "refused"
    if int(doc["version"]) <= stored(conn, hall_id).version:
        return "old"
    _put_meta(conn, SETTINGS_META, json.dumps(
        {k: doc[k] for k in ("version", "settings", "signature", "signed_by")},
        ensure_ascii=False, sort_keys=True))
    return "applied"


def apply_to(config: TerminalConfig, settings: dict[str, Any]) -> TerminalConfig:
    """A terminal's configuration with the hall's settings over its config.json values."""
    out = config
    if "name" in settings:
        out = replace(out, hall_name=str(settings["name"]))
    if "kiosk_idle_s" in settings:
        out = replace(out, kiosk_idle_s=int(settings["kiosk_idle_s"]))
    if "elder_age" in settings:
        out = out.with_policy(elder_age=int(settings["elder_age"]))
    return out


def hours_of(settings: dict[str, Any]) -> Hours | None:
    try:
        return parse_hours(settings.get("hours"))
    except ConfigError:  # verified and signed, yet unreadable (a newer release's form): open
        return None
