"""Errors the core raises; each carries a short machine code and a sentence for a person."""

from __future__ import annotations


class HallError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class DomainError(HallError):
    """The domain refuses: an illegal transition, nothing waiting, an unknown service."""

    code = "refused"


class StoreError(HallError):
    """The store cannot be opened or written: corrupt, foreign, full disk."""

    code = "store"


class CatalogError(HallError):
    """A catalog file is malformed; the message names the file, the line and the reason."""

    code = "catalog"


class ConfigError(HallError):
    code = "config"
