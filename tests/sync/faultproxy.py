"""A fault-injecting TCP proxy on 127.0.0.1: cut a connection mid-request or mid-response,
delay, hang, refuse, truncate, throttle it, or hold the answer (the request reaches the server,
its answer never reaches the client). Bytes are never reordered."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    kind: str = "none"  # none | refuse | delay | hang | cut_up | cut_down | chaos | hold
    after: int = 0  # bytes forwarded before a cut
    delay: float = 0.0  # seconds before connecting (delay), of hanging (hang), or that the
    # answer is held before the connection is cut without it (hold)
    chance: float = 0.0  # chaos: each chunk, either way, is cut mid-way with this chance
    seed: int = 0
    match: bytes = b""  # hold: only the answer to a request containing these bytes


Plan = Callable[[int], Fault]


def random_plan(seed: int, rate: float = 0.3) -> Plan:
    """Faults on about `rate` of connections, of every kind, at random byte offsets."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def plan(_index: int) -> Fault:
        with lock:
            if rng.random() >= rate:
                return Fault()
            kind = rng.choice(["refuse", "delay", "hang", "cut_up", "cut_down", "chaos", "chaos"])
            return Fault(kind, after=rng.randint(0, 60_000), delay=rng.uniform(0.05, 0.6),
                         chance=0.1, seed=rng.randint(0, 1 << 30))

    return plan


class FaultProxy:
    def __init__(self, target_port: int, plan: Plan | None = None,
                 rate_bytes_s: float | None = None) -> None:
        self.target_port = target_port
        self.plan: Plan = plan or (lambda _i: Fault())
        self.rate = rate_bytes_s
        self._down = False
        self.bytes_up = 0
        self.bytes_down = 0
        self.connections = 0
        self.held = 0  # answers swallowed by `hold` faults
        # Hold the answers to requests containing these bytes, on every connection, open ones
        # too (a client's keep-alive connection outlives any plan): `hold_answers(...)`.
        self.holding: tuple[bytes, float] | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    @property
    def down(self) -> bool:
        """The server is "away": open connections are cut and new ones refused."""
        return self._down

    @down.setter
    def down(self, value: bool) -> None:
        self._down = value
        if value:
            with self._lock:
                for s in list(self._sockets):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def hold_answers(self, match: bytes, delay: float) -> None:
        self.holding = (match, delay)

    def release_answers(self) -> None:
        self.holding = None

    def close(self) -> None:
        self._stop.set()
        self._accepter.join(5)
        self._listener.close()
        with self._lock:
            for s in list(self._sockets):
                _close(s)
            threads = list(self._threads)
        for t in threads:
            t.join(5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _track(self, s: socket.socket) -> None:
        with self._lock:
            self._sockets.add(s)

    def _drop(self, *socks: socket.socket) -> None:
        with self._lock:
            for s in socks:
                self._sockets.discard(s)
                _close(s)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._track(client)
            with self._lock:
                self.connections += 1
                index = self.connections
                self._threads = [t for t in self._threads if t.is_alive()]
                t = threading.Thread(target=self._serve, args=(client, index), daemon=True)
                self._threads.append(t)
            t.start()

    def _serve(self, client: socket.socket, index: int) -> None:
        fault = Fault("refuse") if self.down else self.plan(index)
        if fault.kind == "refuse":
            self._drop(client)
            return
        if fault.kind in ("delay", "hang"):
            self._stop.wait(fault.delay if fault.kind == "delay" else fault.delay * 10)
            if fault.kind == "hang" or self._stop.is_set():
                self._drop(client)
                return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
        except OSError:
            self._drop(client)
            return
        self._track(upstream)
        up_limit = fault.after if fault.kind == "cut_up" else None
        down_limit = fault.after if fault.kind == "cut_down" else None
        chaos = random.Random(fault.seed) if fault.kind == "chaos" else None
        # hold: armed by the request (before it is forwarded, so its answer cannot slip by)
        armed = threading.Event()
        pump = threading.Thread(target=self._pump, args=(upstream, client, down_limit, False,
                                                         chaos, fault.chance, armed, fault),
                                daemon=True)
        pump.start()
        self._pump(client, upstream, up_limit, True, chaos, fault.chance, armed, fault)
        pump.join(30)
        self._drop(client, upstream)

    def _pump(self, src: socket.socket, dst: socket.socket, limit: int | None, up: bool,
              chaos: random.Random | None = None, chance: float = 0.0,
              armed: threading.Event | None = None, fault: Fault | None = None) -> None:
        sent = 0
        try:
            src.settimeout(0.5)  # inside: the proxy may have closed the socket already
            while not self._stop.is_set():
                try:
                    chunk = src.recv(16384)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                if armed is not None and fault is not None:
                    hold = self._holds(fault)
                    if up and hold is not None and hold[0] in chunk:
                        armed.set()
                    elif not up and armed.is_set():  # swallowed: the client waits, is cut
                        with self._lock:
                            self.held += 1
                        self._stop.wait(hold[1] if hold is not None else fault.delay)
                        break
                if chaos is not None and chaos.random() < chance:
                    limit = sent + chaos.randint(0, len(chunk))
                if limit is not None and sent + len(chunk) >= limit:
                    dst.sendall(chunk[: max(0, limit - sent)])
                    break  # the cut: both ends go down mid-message
                if self.rate:
                    time.sleep(len(chunk) / self.rate)
                dst.sendall(chunk)
                sent += len(chunk)
                with self._lock:
                    if up:
                        self.bytes_up += len(chunk)
                    else:
                        self.bytes_down += len(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


    def _holds(self, fault: Fault) -> tuple[bytes, float] | None:
        if fault.kind == "hold":
            return fault.match, fault.delay
        return self.holding


def _close(s: socket.socket) -> None:
    try:
        s.close()
    except OSError:
        pass
