"""Terminals of one hall in this process, each with its own store and its real peer endpoint
(sync/peerserver.py) on 127.0.0.1, pulling each other as the peer service does (no hub): for the
calling rule's tests. `route(a, b, url)` lets a test put a fault proxy between two terminals."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.core import Core
from hall.store import Store
from sync import peerstate
from sync.errors import NetworkError
from sync.peering import pull_peer
from sync.peerlink import PeerLink
from sync.peerserver import PeerServer

KEY = b"p" * 32
HALL = "H1"


class Terminal:
    def __init__(self, root: Path, name: str) -> None:
        self.name = name
        self.path = root / name
        self.config = TerminalConfig(hall_id=HALL, terminal_id=name, short_code=name)
        self.hall = self.open()
        self.server = PeerServer(self.open, "127.0.0.1", 0)
        self.server.start()
        self.url = f"http://127.0.0.1:{self.server.port}"

    def open(self) -> Hall:
        return Hall(Core(Store.open(self.path), self.config, load_catalog(),
                         index_key=b"k" * 32))

    def close(self) -> None:
        self.server.stop()
        self.hall.close()


class PeerHall:
    def __init__(self, root: Path, names: tuple[str, ...]) -> None:
        self.terminals = {n: Terminal(root, n) for n in names}
        self.routes: dict[tuple[str, str], str] = {}
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        for a in names:
            self.publish(a)

    def __getitem__(self, name: str) -> Terminal:
        return self.terminals[name]

    def route(self, a: str, b: str, url: str) -> None:
        """`a` reaches `b` at `url` (a fault proxy in front of b's endpoint)."""
        self.routes[(a, b)] = url
        self.publish(a)

    def url(self, a: str, b: str) -> str:
        return self.routes.get((a, b), self.terminals[b].url)

    def publish(self, a: str) -> None:
        """What the hub's list would have given `a` before it died."""
        listed = [peerstate.PeerInfo(b, self.url(a, b)) for b in self.terminals if b != a]
        with self.terminals[a].hall.core.store.write() as conn:
            peerstate.save_list(conn, listed, KEY)

    def gossip(self) -> None:
        """Each terminal pulls each other one in the background, as the peer service does."""
        for a in self.terminals:
            for b in self.terminals:
                if a != b:
                    t = threading.Thread(target=self._pull, args=(a, b), daemon=True)
                    t.start()
                    self.threads.append(t)

    def _pull(self, a: str, b: str) -> None:
        hall = self.terminals[a].open()
        link = PeerLink(self.url(a, b), a, KEY)
        try:
            while not self.stop.is_set():
                if link.url != self.url(a, b):
                    link.close()
                    link = PeerLink(self.url(a, b), a, KEY)
                try:
                    pull_peer(hall, link, b, wait=0.5)
                except NetworkError:
                    self.stop.wait(0.1)
        finally:
            link.close()
            hall.close()

    def sync_once(self, a: str, b: str) -> int:
        """`a` takes what `b` holds now."""
        link = PeerLink(self.url(a, b), a, KEY)
        try:
            return pull_peer(self.terminals[a].hall, link, b)
        finally:
            link.close()

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(10)
        for t in self.terminals.values():
            t.close()


class Cable:
    """A LAN link in front of one terminal's endpoint: `cut()` and nobody reaches it through
    this cable (new connections refused, open ones broken, as a pulled switch cable does);
    `mend()` and it carries again, on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = int(probe.getsockname()[1])
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.mend()

    def mend(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                try:  # wakes the accepting thread (a bare close does not, on Linux)
                    self._listener.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self._listener.close()
                self._listener = None
            for s in self._open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._open.clear()

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                near, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                far = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                near.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    near.close()
                    far.close()
                    return
                self._open |= {near, far}
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
