"""Issues and calls tickets in a loop until killed; prints each committed ticket id."""

from __future__ import annotations

import sys
from pathlib import Path

from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.errors import DomainError
from hall.service import HallService
from hall.store import Store


def main(folder: str) -> None:
    hall = HallService(Store.open(Path(folder)), TerminalConfig("H1", "K3"), load_catalog(),
                       index_key=b"k" * 32)
    print("ready", flush=True)
    i = 0
    while True:
        t = hall.take_ticket("newborn" if i % 3 else "restaurant_opening")
        print(t.id, flush=True)  # only after the commit: this ticket must survive a kill
        if i % 2:
            try:
                called = hall.call_next("1")
                hall.done(called.id)
            except DomainError:
                pass
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])
