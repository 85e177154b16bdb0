"""A hall's first admin made on its hub and heard at once by one of its terminals: what a
technician does with `serve user add` then `sync --once`, for the demos, benches and tests that
run a hub in their own process (a terminal of a hall with a hub makes no admin of its own:
hall/security/access.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.session import Session


def hub_admin(engine: Any, hall: Hall, user: str, password: str) -> Session:
    """`user` an admin of `hall`'s hall, made on the hub behind `engine`; `hall` (an enrolled
    terminal) pulls it and signs it in."""
    from hall.security.access import hash_secret
    from sync import credential, runner
    from sync.server import authority

    authority.add_user(engine, hall.config.hall_id, user, "admin", hash_secret(password))
    runner.once(hall, credential.load(hall.data_dir), lease_series=())  # no number blocks
    return hall.sign_in(user, password)
