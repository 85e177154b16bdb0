"""The one entry to a terminal's hall: `Hall.open(data_dir)`.

It assembles the configuration, the catalog, the keys and the store once, and is what the CLI
and every face use. Subscribers hear of every commit: the hall's own commands, events sync pulls
in, and (through `poll_external`, called on a timer by the thread that owns the hall) commits of
another process on the same store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hall import changes
from hall.catalog import DEFAULT_CATALOG, load_catalog
from hall.changes import Changes, ChangeWatcher, Notifier
from hall.clock import WallClock, system_now
from hall.config import load as load_config
from hall.security.keys import load_or_create
from hall.service import HallService
from hall.store import Store

CATALOG_OVERRIDE = "catalog.json"  # a hall's own catalog in its data dir wins over the default


def catalog_path(folder: Path) -> Path:
    own = folder / CATALOG_OVERRIDE
    return own if own.exists() else DEFAULT_CATALOG


class Hall:
    def __init__(self, service: HallService, data_dir: Path) -> None:
        self.service = service
        self.data_dir = data_dir
        self._notifier = Notifier()
        self._watcher = ChangeWatcher(service.store.conn)
        service.on_commit = self._committed

    @classmethod
    def open(cls, data_dir: Path, *, wall: WallClock = system_now) -> Hall:
        config = load_config(data_dir)
        catalog = load_catalog(catalog_path(data_dir))
        store = Store.open(data_dir)
        service = HallService(store, config, catalog, wall=wall,
                              index_key=load_or_create(data_dir, "index"))
        return cls(service, data_dir)

    def close(self) -> None:
        self.service.store.close()

    def subscribe(self, callback: Callable[[Changes], None]) -> Callable[[], None]:
        """Hear every commit; returns the function that stops it."""
        return self._notifier.subscribe(callback)

    def poll_external(self) -> Changes:
        """Commits other connections made since the last poll (call it on a timer, ~100 ms)."""
        found = self._watcher.poll()
        self._notifier.notify(found)
        return found

    def _committed(self, types: list[str]) -> None:
        row = self.service.store.conn.execute("SELECT COALESCE(MAX(pos), 0) FROM events").fetchone()
        self._watcher.advance(int(row[0]))
        self._notifier.notify(changes.of_types(types))
