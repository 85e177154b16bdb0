"""Setting a terminal up: its identity in its hall, its timezone, how it numbers tickets.

A data directory belongs to one terminal of one hall for good: setting it up again as another is
refused (use another data directory), and so is claiming a store that belongs to another.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hall import config as config_file
from hall.config import NumberingMode, TerminalConfig
from hall.errors import ConfigError, DomainError
from hall.ids import normal_id
from hall.security.keys import INDEX, load_or_create
from hall.store import Store


def setup_terminal(data_dir: Path, hall_id: str, terminal_id: str, *,
                   timezone: str | None = None, hall_name: str | None = None,
                   standalone: bool = False, hub_url: str | None = None) -> TerminalConfig:
    """Set a terminal up, or change the settings of one set up before (its ids stay).

    Hall and terminal ids are kept upper-case (`sy-zw01` is hall SY-ZW01: one hall, however
    typed). `hub_url` is the hall hub this terminal will enroll with: checked here (an
    http(s) URL naming a host), kept in config.json, and used by `sync enroll` when it is given
    no --server; the terminal is a member of its hall either way, and syncs once enrolled."""
    hall_id, terminal_id = normal_id(hall_id), normal_id(terminal_id)
    if hub_url is not None:
        hub_url = check_hub_url(hub_url)
    try:
        old: TerminalConfig | None = config_file.load(data_dir)
    except ConfigError as exc:
        if exc.code != "not_set_up":
            raise
        old = None
    if old is not None and (normal_id(old.hall_id), normal_id(old.terminal_id)) == (
            hall_id, terminal_id):
        hall_id, terminal_id = old.hall_id, old.terminal_id  # set up before in another case
    if old is not None and (old.hall_id, old.terminal_id) != (hall_id, terminal_id):
        raise DomainError(
            f"{data_dir} already belongs to hall {old.hall_id}, terminal {old.terminal_id}; "
            "use another --data-dir for another terminal", code="already_set_up",
            params={"hall": old.hall_id, "terminal": old.terminal_id})
    base = old or TerminalConfig(hall_id=hall_id, terminal_id=terminal_id)
    # Every terminal is a member of its hall (numbers that cannot collide, even before it meets
    # a hub) unless it is set up --standalone: a station with no hub, issuing plain numbers.
    numbering: NumberingMode = "standalone" if standalone else "member"
    new = replace(
        base,
        timezone=timezone or base.timezone,
        numbering=numbering,
        hub_url=hub_url or base.hub_url,
        short_code=config_file.default_short_code(terminal_id),
        hall_name=hall_name if hall_name is not None else base.hall_name,
    )
    new.validate()
    from hall.core import claim_store

    store = Store.open(data_dir)
    try:
        claim_store(store, new)  # a store of another terminal is refused, never taken over
    finally:
        store.close()
    load_or_create(data_dir, INDEX)
    config_file.save(data_dir, new)
    return new


def check_hub_url(url: str) -> str:
    """A hub's address as `sync enroll --server` takes it: http:// or https://, a host, an
    optional port, nothing after the path. Refused with the reason otherwise."""
    from urllib.parse import urlsplit

    text = url.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        _ = parts.port  # a port beyond 0-65535 raises here
    except ValueError as exc:
        raise ConfigError(f"--hub {url!r}: {exc}", code="hub_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text or (
            parts.query or parts.fragment):
        raise ConfigError(f"--hub {url!r} is not a hub address: use https://HOST[:PORT] (or "
                          "http:// on loopback or a trusted network), as `serve` prints it",
                          code="hub_url")
    return text
