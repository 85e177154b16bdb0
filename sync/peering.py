"""A hall without its hub: the peer side of the sync service every terminal runs (`sync
--forever`, the faces' sync threads; started by sync.runner.run_forever).

- It serves this terminal's log and the calling rule's claims on its peer endpoint
  (sync/peerserver.py), on the port it used last (kept in the store, so peers that learnt it from
  the hub find it again after a restart with the hub gone).
- While the hub answers, every `ANNOUNCE_S` it tells the hub where that endpoint is and takes the
  hall's peer list and key back (kept in the store for when the hub is gone). No broadcast, no
  multicast: discovery is the hub's list, so it works in halls whose switches drop multicast.
- While the hub does not answer, it pulls every listed peer's log with a long-poll and applies
  what it gets through the same path as a hub pull (sync.local.absorb), each peer's cursor moving
  in the transaction that stores the page: the same exactly-once guarantee. Events keep their
  origin terminal and sequence; each terminal pushes only its own stream to the hub, so when the
  hub returns everything converges through it with no duplicates.
- While the hub is away it asks for the hub's health every `PROBE_S`; when it answers, the push
  and pull loops are woken at once instead of waiting out their backoff.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from hall.app import Hall
from hall.errors import HallError
from sync import local, peerstate
from sync.credential import SyncCredential
from sync.errors import NetworkError
from sync.peerlink import PeerLink
from sync.peerserver import PeerServer
from sync.tls import is_loopback
from sync.transport import Http

ANNOUNCE_S = 3.0
PROBE_S = 1.0
PEER_WAIT_S = 1.0  # each peer long-poll: a ticket reaches a desk well within 2 s
IDLE_S = 0.25  # how often an idle puller looks whether the hub went away
PAGES = 50  # pages of one peer taken in a row before looking at the hub again


def hub_away(conn: Any) -> bool:
    """The hub is away when the sync loops or the peer service found it so last."""
    return local.get(conn, "online") == "0" or peerstate.hub_reachable(conn) is False


class PeerService:
    def __init__(self, opener: Callable[[], Hall], cred: SyncCredential, stop: threading.Event,
                 wake: Callable[[], None], host: str | None = None,
                 kind: str = "terminal") -> None:
        self.opener = opener
        self.cred = cred
        self.stop = stop
        self.wake = wake
        self.kind = kind
        self.hall = opener()
        self.me = self.hall.config.terminal_id
        port = int(local.get(self.hall.core.store.conn, peerstate.PEER_PORT, "0"))
        if host is None:
            host = "127.0.0.1" if is_loopback(urlsplit(cred.server).hostname or "") else "0.0.0.0"
        self.server = PeerServer(opener, host, port)
        with self.hall.core.store.write() as conn:
            local.put(conn, peerstate.PEER_PORT, str(self.server.port))
        self.pullers: dict[str, threading.Thread] = {}
        self.urls: dict[str, str] = {}

    def run(self) -> None:
        self.server.start()
        http = Http(self.cred.server, self.cred.token, timeout=2.0, ca=self.cred.ca,
                    insecure=self.cred.insecure)
        try:
            while not self.stop.is_set():
                try:
                    up = self._announce(http)
                    self._start_pullers()
                except HallError:  # the store takes no write (a full disk): the next round
                    # tries again. This thread used to end here for good, and the terminal
                    # kept no peer service until restarted (the soak of issue 29).
                    up = False
                self.stop.wait(ANNOUNCE_S if up else PROBE_S)
        finally:
            http.close()
            for t in self.pullers.values():
                t.join(10)
            self.server.stop()
            self.hall.close()

    def _announce(self, http: Http) -> bool:
        conn = self.hall.core.store.conn
        was_away = hub_away(conn)
        try:
            reply = http.request("POST", "/peers", body={"port": self.server.port,
                                                          "kind": self.kind})
        except NetworkError:
            with self.hall.core.store.write() as wconn:
                peerstate.hub_seen(wconn, False)
                peerstate.sweep(wconn, local.now_ms())
            return False
        except HallError:
            return True  # the hub answers but offers no peers (an older hub, central): no peering
        listed = [peerstate.PeerInfo(str(p["terminal_id"]), str(p["url"]),
                                     str(p.get("kind") or "terminal"))
                  for p in reply.get("peers", [])[:peerstate.MAX_PEERS]]
        key = reply.get("key")
        with self.hall.core.store.write() as wconn:
            peerstate.save_list(wconn, listed, base64.b64decode(key) if key else None)
            peerstate.hub_seen(wconn, True)
            peerstate.sweep(wconn, local.now_ms())
        if was_away:
            self.wake()  # the hub is back: push and pull now, not after the backoff
        return True

    def _start_pullers(self) -> None:
        conn = self.hall.core.store.conn
        key = peerstate.peer_key(conn)
        if key is None:
            return
        for p in peerstate.peers(conn):
            if p.terminal_id == self.me:
                continue
            self.urls[p.terminal_id] = p.url
            alive = self.pullers.get(p.terminal_id)
            if alive is not None and alive.is_alive():
                continue
            t = threading.Thread(target=self._pull_loop, args=(p.terminal_id, key),
                                 name=f"peer-pull-{p.terminal_id}", daemon=True)
            self.pullers[p.terminal_id] = t
            t.start()

    def _pull_loop(self, terminal: str, key: bytes) -> None:
        hall = self.opener()
        link: PeerLink | None = None
        failures = 0
        try:
            while not self.stop.is_set():
                conn = hall.core.store.conn
                if not hub_away(conn):
                    self.stop.wait(IDLE_S)
                    continue
                url = self.urls[terminal]
                if link is None or link.url != url.rstrip("/"):
                    if link is not None:
                        link.close()
                    link = PeerLink(url, self.me, key)
                try:
                    pull_peer(hall, link, terminal, wait=PEER_WAIT_S)
                except (NetworkError, HallError) as exc:
                    failures += 1
                    try:
                        with hall.core.store.write() as wconn:
                            peerstate.contact(wconn, terminal, exc.message)
                    except HallError:
                        pass  # not even that written (a full disk): the puller goes on
                    # a peer away is asked again soon, but not in a tight loop
                    self.stop.wait(min(0.25 * failures, 2.0))
                else:
                    failures = 0
        finally:
            if link is not None:
                link.close()
            hall.close()


CONTACT_EVERY_MS = 5000  # an empty answer is written down (last contact) this seldom


def pull_peer(hall: Hall, link: PeerLink, terminal: str, wait: float = 0.0) -> int:
    """Take what a peer holds beyond its cursor, page by page, through the pull's apply path."""
    added = 0
    for page in range(PAGES):
        conn = hall.core.store.conn
        cursor = peerstate.cursor(conn, terminal)
        reply = link.pull(cursor, wait=wait if page == 0 else 0.0)
        through = int(reply.cursor or "0")
        if not reply.events and through == cursor:
            # nothing new: no write, but for the last contact now and then (the status's)
            if peerstate.contact_due(conn, terminal, local.now_ms(), CONTACT_EVERY_MS):
                with hall.core.store.write() as wconn:
                    peerstate.contact(wconn, terminal, None)
            break
        with hall.core.write(source="sync") as wconn:
            got, top = local.absorb(wconn, reply.events)
            peerstate.set_cursor(wconn, terminal, through)
            peerstate.contact(wconn, terminal, None)
            if top:
                hall.core.hlc.observe(top)
        added += got
        if not reply.more:
            break
    return added
