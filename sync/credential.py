"""The terminal's credential for its server, kept as `sync.json` (mode 0600) in the data dir."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from hall import program
from hall.sync_status import CREDENTIAL_FILE
from sync.errors import NotEnrolled


@dataclass(frozen=True)
class SyncCredential:
    server: str
    token: str
    hall_id: str
    terminal_id: str
    ca: str | None = None  # the pinned hall CA (PEM file; relative to the data dir)
    insecure: bool = False  # plain HTTP to a non-loopback server, asked for with --insecure
    role: str | None = None  # the role the server enrolled it as (None: enrolled before roles)
    window: str | None = None  # a rating pad's window, as its enrolment bound it

    @property
    def issues_tickets(self) -> bool:
        """Whether this terminal leases number blocks: a call screen (or a rating pad) issues
        no ticket, and the hub refuses it a lease (403) — asking every round is only noise."""
        return self.role in (None, "desk", "kiosk")

    def client_options(self) -> dict[str, object]:
        return {} if self.issues_tickets else {"lease_series": ()}


def exists(data_dir: Path, name: str = CREDENTIAL_FILE) -> bool:
    return (data_dir / name).exists()


def load(data_dir: Path, name: str = CREDENTIAL_FILE) -> SyncCredential:
    path = data_dir / name
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        cred = SyncCredential(**raw)
        if cred.ca and not Path(cred.ca).is_absolute():
            cred = replace(cred, ca=str(data_dir / cred.ca))
        return cred
    except FileNotFoundError as exc:
        how = ("sync enroll --server URL --code CODE" if name == CREDENTIAL_FILE else
               "serve enroll --upstream URL --code CODE")
        raise NotEnrolled(f"{data_dir} is not enrolled with a server: run "
                          f"{program.command(f'{how} --data-dir {data_dir}')}") from exc
    except (OSError, ValueError, TypeError) as exc:
        raise NotEnrolled(f"{path}: unreadable credential ({exc}); enroll again") from exc


def save(data_dir: Path, cred: SyncCredential, name: str = CREDENTIAL_FILE) -> None:
    path = data_dir / name
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(cred), indent=2) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
