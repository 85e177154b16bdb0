"""Issues and calls tickets in a loop until killed; prints each committed ticket id."""

from __future__ import annotations

import sys
from pathlib import Path

from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.core import Core
from hall.errors import DomainError
from hall.store import Store
from tests.conftest import OP


def main(folder: str) -> None:
    hall = Hall(Core(Store.open(Path(folder)), TerminalConfig("H1", "K3"), load_catalog(),
                       index_key=b"k" * 32))
    print("ready", flush=True)
    i = 0
    while True:
        t = hall.tickets.take(OP, "newborn" if i % 3 else "restaurant_opening").value
        print(t.id, flush=True)  # only after the commit: this ticket must survive a kill
        if i % 2:
            try:
                called = hall.tickets.call_next(OP, "1").value
                hall.tickets.done(OP, called.id)
            except DomainError:
                pass
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])
