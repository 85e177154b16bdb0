"""Errors of the sync client, with the CLI's exit codes."""

from __future__ import annotations

from hall.errors import HallError


class NetworkError(HallError):
    """The server cannot be reached, or answered with a transient failure."""

    code = "network"
    exit_code = 5

    def __init__(self, message: str, *, code: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class AuthError(HallError):
    """The server refuses this terminal (401 unknown, 403 revoked or foreign)."""

    code = "auth"
    exit_code = 5


class NotEnrolled(HallError):
    code = "not_enrolled"
    exit_code = 2


class StaleCursor(HallError):
    """410: the server no longer knows our pull cursor; push, then resync from the start."""

    code = "stale_cursor"
