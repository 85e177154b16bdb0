"""How every headless command answers: one JSON object with --json, readable lines without.

Errors: a one-line message on stderr, an exit code (2 usage, 3 refused by the domain, 4 device,
5 network), and with --json `{"error": code, "message": text}` on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from hall.errors import CatalogError, ConfigError, DomainError, HallError, StoreError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_DEVICE = 4
EXIT_NETWORK = 5


def exit_code_for(error: HallError) -> int:
    explicit = getattr(error, "exit_code", None)
    if isinstance(explicit, int):
        return explicit
    if isinstance(error, DomainError):
        return EXIT_REFUSED
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    if isinstance(error, (StoreError, CatalogError)):
        return EXIT_FAILURE
    return EXIT_FAILURE


def emit(result: dict[str, Any], as_json: bool, text: str | None = None) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    elif text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


def fail(code: str, message: str, exit_code: int, as_json: bool,
         extra: dict[str, Any] | None = None) -> int:
    one_line = " ".join(message.split())
    sys.stderr.write(f"error: {one_line}\n")
    if as_json:
        body = {"error": code, "message": one_line, **(extra or {})}
        sys.stdout.write(json.dumps(body, ensure_ascii=False) + "\n")
    return exit_code


class Failed(Exception):
    """A command that has its answer and still fails (`admin check` finding damage): the error
    contract, with the answer's fields beside `error` and `message` in the JSON object."""

    def __init__(self, code: str, message: str, result: dict[str, Any],
                 exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.result = result
        self.exit_code = exit_code
