"""How a face stops when the system asks: SIGTERM (systemd, the session wrapper, `kill`) and
Ctrl-C quit the Qt application, so everything registered with `Shell.on_quit` runs (the
bridge's worker, device threads, the voice and its temporary folder) instead of the process
vanishing mid-flight. A second Ctrl-C ends it at once (exit 130), should the shutdown hang.

Python runs a signal handler only when the interpreter gets control, which Qt's event loop
(C++) does not give it: the signal's wake-up byte on a socket pair wakes a QSocketNotifier,
whose slot lets the handler run.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from types import FrameType

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger("tingduan.ui")


def quit_on_signals(app: QApplication) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        try:
            reader.recv(64)
        except OSError:
            pass

    notifier.activated.connect(drain)
    previous_int = signal.getsignal(signal.SIGINT)

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: quitting", signal.Signals(signum).name)
        if signum == signal.SIGINT:  # the next Ctrl-C is the hard one
            signal.signal(signal.SIGINT, previous_int if callable(previous_int)
                          else signal.default_int_handler)
        # queued, not app.quit(): a signal before the event loop runs would be lost
        QTimer.singleShot(0, app.quit)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # kept alive with the application: the notifier and both ends of the pair
    _KEEP.extend([reader, writer, notifier])


_KEEP: list[object] = []
