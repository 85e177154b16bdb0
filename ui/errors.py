"""Errors of the shell, and how any exception from background work becomes a HallError with a
code a screen can translate (ui.messages)."""

from __future__ import annotations

import logging

from hall.errors import HallError

log = logging.getLogger("tingduan.ui")


class InternalError(HallError):
    """Background work failed with something other than a HallError: a bug. The screen says so
    by its code; the traceback goes to the (redacted) log, never to the screen."""

    code = "internal"


class HallClosed(HallError):
    """The face's hall is shut (the program is stopping). Not `hall_closed`, which is the
    hall's opening hours refusing a ticket (hall/hours.py)."""

    code = "shutting_down"


def as_hall_error(exc: BaseException) -> HallError:
    if isinstance(exc, HallError):
        return exc
    # to the log (hall.logs redacts what reaches its handlers), never to the screen
    log.error("background work failed: %s", type(exc).__name__, exc_info=exc)
    error = InternalError(f"{type(exc).__name__} in background work")
    error.__cause__ = exc
    return error
