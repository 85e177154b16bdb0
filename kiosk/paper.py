"""The paper counter of the maintenance panel: slips printed since the roll was last changed.

Kept in `kiosk-paper.json` in the data directory (no personal data: a count and a time); read
and written on a thread of its own, so the GUI thread never waits on the disk.
"""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

PAPER_FILE = "kiosk-paper.json"


class PaperCounter:
    def __init__(self, data_dir: Path | None) -> None:
        self.path = data_dir / PAPER_FILE if data_dir is not None else None
        self.printed = 0
        self.since = time.time()
        self._lock = threading.Lock()
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-paper")

    def load(self) -> Future[None]:
        return self._io.submit(self._load)

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            with self._lock:
                self.printed = int(raw.get("printed", 0))
                self.since = float(raw.get("since", self.since))
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # no counter yet (or a broken one): count from now

    def count(self, n: int = 1) -> Future[None]:
        with self._lock:
            self.printed += n
        return self._io.submit(self._save)

    def reset(self) -> Future[None]:
        with self._lock:
            self.printed = 0
            self.since = time.time()
        return self._io.submit(self._save)

    def _save(self) -> None:
        if self.path is None:
            return
        with self._lock:
            body = json.dumps({"printed": self.printed, "since": self.since})
        tmp = self.path.with_suffix(".tmp")
        try:
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a full disk must not stop the kiosk; the count lives on in memory

    def close(self) -> None:
        self._io.shutdown(wait=True)
