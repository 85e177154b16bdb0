"""Logging that carries masked values only, and crash reports that do the same.

`setup(data_dir)` sends the program's log to `logs/hall.log` in the data directory (0600 files
in a 0700 folder, rotated) through `RedactingFilter`:

- personal values passed as structured fields (`extra={"person_name": …,
  "id_number": …}`) are masked with the masks of hall.identity;
- in every message, exception text and stack: 18- and 15-digit ID numbers, mobile phone numbers
  and sealed tokens are masked, whatever put them there.

`install_crash_handler(data_dir)` replaces sys.excepthook (and threading's): an unexpected error
writes a redacted traceback to `logs/crash-<time>.txt` and a redacted one-line note to stderr.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from hall.identity import mask_address, mask_id_number, mask_name, mask_phone

LOG_DIR = "logs"
LOG_FILE = "hall.log"
LOGGER = "tingduan"

_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{5}(\d{4})(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_TOKEN = re.compile(r"(ts1:aes|ts1:sm4|ts2:x25519):([0-9a-f]{16}):[A-Za-z0-9_-]+")

PERSONAL_FIELDS: dict[str, Callable[[str], str]] = {
    # `name` is the logger's own attribute: a person's name goes in as person_name
    "person_name": mask_name, "applicant_name": mask_name, "holder_name": mask_name,
    "id_number": mask_id_number, "ssn": mask_id_number, "card_number": mask_id_number,
    "address": mask_address, "phone": mask_phone, "mobile": mask_phone,
}


def redact(text: str) -> str:
    """Mask what looks like an ID number, a mobile number or a sealed token in free text."""
    text = _TOKEN.sub(lambda m: f"{m.group(1)}:{m.group(2)}:…", text)
    text = _ID18.sub(lambda m: m.group(1) + "********" + m.group(2)[-4:], text)
    text = _ID15.sub(lambda m: m.group(1) + "*****" + m.group(2), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def redact_value(key: str, value: Any) -> Any:
    mask = PERSONAL_FIELDS.get(key)
    if mask is not None and isinstance(value, str):
        return mask(value)
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(key, v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Attach to handlers (not loggers) so records from every library pass through it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        for key in PERSONAL_FIELDS:
            if key in record.__dict__:
                record.__dict__[key] = redact_value(key, record.__dict__[key])
        if record.exc_info:
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _Fields(logging.Formatter):
    """`message` plus the structured personal fields (already masked by the filter)."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{k}={record.__dict__[k]}" for k in PERSONAL_FIELDS
                         if k in record.__dict__)
        if not extra:
            return line
        head, _, rest = line.partition("\n")
        return f"{head} [{extra}]" + (f"\n{rest}" if rest else "")


class _RotatingFile(logging.FileHandler):
    """Size-rotated like logging.handlers' (whose import costs ~15 ms of the start budget)."""

    max_bytes = 2_000_000
    backups = 5

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is not None and self.stream.tell() > self.max_bytes:
            self.stream.close()
            self.stream = None
            base = self.baseFilename
            for i in range(self.backups - 1, 0, -1):
                if os.path.exists(f"{base}.{i}"):
                    os.replace(f"{base}.{i}", f"{base}.{i + 1}")
            os.replace(base, f"{base}.1")
            os.close(os.open(base, os.O_WRONLY | os.O_CREAT, 0o600))
        super().emit(record)


_configured: set[Path] = set()


def setup(data_dir: Path, level: int = logging.INFO) -> logging.Logger:
    """The program's log in the data dir; idempotent per directory."""
    logger = logging.getLogger(LOGGER)
    folder = (data_dir / LOG_DIR).resolve()
    if folder in _configured:
        return logger
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / LOG_FILE
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    handler = _RotatingFile(path)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(_Fields("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    if os.environ.get("JOURNAL_STREAM"):
        # under systemd (tingduan-hub, tingduan-sync): the same redacted lines to the journal
        journal = logging.StreamHandler()
        journal.addFilter(RedactingFilter())
        journal.setFormatter(_Fields("%(levelname)s %(name)s %(message)s"))
        logger.addHandler(journal)
    logger.setLevel(level)
    logger.propagate = False
    _configured.add(folder)
    return logger


def get(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER}.{name}")


def crash_report(data_dir: Path, exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> Path:
    folder = data_dir / LOG_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    text = redact("".join(traceback.format_exception(exc_type, exc, tb)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def crash_hook(data_dir: Path) -> Callable[
        [type[BaseException], BaseException, TracebackType | None], None]:
    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            path: Path | str = crash_report(data_dir, exc_type, exc, tb)
        except OSError:
            path = "(the crash report could not be written)"
        logging.getLogger(LOGGER).critical("unexpected error %s: %s (report %s)",
                                           exc_type.__name__, exc, path)
        sys.stderr.write(f"error: unexpected {exc_type.__name__}: {redact(str(exc))}; "
                         f"report in {path}\n")

    return hook


def install_crash_handler(data_dir: Path) -> None:
    """For the faces (Qt) and services: every uncaught error becomes a redacted crash report."""
    hook = crash_hook(data_dir)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def shutdown() -> None:
    """Close the log files (tests, and a data dir being moved)."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)
    _configured.clear()
