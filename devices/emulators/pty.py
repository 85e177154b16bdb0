"""A device served on the master side of a pseudo-terminal; clients open the slave path."""

from __future__ import annotations

import os
import select
import threading
import tty
from typing import Self


class PtyDevice:
    """Owns a pty pair and a serving thread; subclasses implement `on_bytes`.

    The slave fd stays open here for the device's lifetime: when the last slave fd closes, reads
    on the master fail with EIO and a client reopening the path would find a dead line.
    """

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF translation: the line carries binary frames
        self.path = os.ttyname(self._slave)
        self._wake_r, self._wake_w = os.pipe()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name=type(self).__name__, daemon=True)
        self._thread.start()

    def send(self, data: bytes) -> None:
        with self._lock:
            if not self._closed:
                os.write(self._master, data)

    def on_bytes(self, data: bytes) -> None:
        raise NotImplementedError

    def _serve(self) -> None:
        while True:
            ready, _, _ = select.select([self._master, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            if data:
                self.on_bytes(data)

    def close(self) -> None:
        if self._closed:
            return
        os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            self._closed = True
            for fd in (self._master, self._slave, self._wake_r, self._wake_w):
                os.close(fd)
