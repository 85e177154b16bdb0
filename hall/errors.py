"""Errors the core raises.

Each carries a stable machine `code`, its `params` (the values a sentence for a person is built
from), and an English `message` for logs and the command line. The Chinese sentence a clerk or a
citizen reads is not here: the faces build it from `code` and `params` through one catalog of Qt
translations (ui/messages.py), so a person never reads English or a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

Param = str | int | float | None


class HallError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None,
                 params: Mapping[str, Param] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.params: dict[str, Param] = dict(params or {})
        if code is not None:
            self.code = code


class DomainError(HallError):
    """The domain refuses: an illegal transition, nothing waiting, an unknown service."""

    code = "refused"


class AccessError(DomainError):
    """The actor may not do this: not signed in, the wrong role, locked out."""

    code = "access_denied"


class StoreError(HallError):
    """The store cannot be opened or written: corrupt, foreign, full disk."""

    code = "store"


class CatalogError(HallError):
    """A catalog file is malformed; the message names the file, the line and the reason."""

    code = "catalog"


class ConfigError(HallError):
    code = "config"
