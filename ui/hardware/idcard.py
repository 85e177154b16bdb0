"""The ID card reader (GA 467 on a serial line), watched on its own thread.

A card laid on the reader is read once and reported by `card_read`; the next read waits until
the card has been taken away, so a card left lying there does not start a flow again and again.
A read that goes wrong (card moved mid-read, damaged frame) is `failed`; a reader that is
unplugged or silent is state "missing" until it answers again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from devices import ga467
from devices.errors import DeviceError, DeviceTimeout, NoCard
from ui.hardware.loop import DeviceLoop, as_device_error

ReaderFactory = Callable[[str], ga467.Ga467Reader]


def _line_errors() -> tuple[type[BaseException], ...]:
    """What a serial line that vanished raises: OSError from reads and writes, and on POSIX
    termios.error (not an OSError) from the input flush before each command."""
    try:
        import termios
    except ImportError:  # Windows
        return (OSError,)
    return (OSError, termios.error)


LINE_ERRORS = _line_errors()
GONE: tuple[type[BaseException], ...] = (DeviceTimeout, *LINE_ERRORS)  # silent or unplugged


class IdCardWatch(DeviceLoop):
    card_read = Signal(object)  # hall.identity.IdCard (masked by its repr; never log it)
    failed = Signal(object)  # DeviceError of one read

    def __init__(self, port: str, *, poll: float = 0.3, reopen: float = 2.0,
                 open_reader: ReaderFactory = ga467.Ga467Reader,
                 parent: QObject | None = None) -> None:
        super().__init__(reopen=reopen, parent=parent)
        self.port = port
        self.poll = poll
        self._open_reader = open_reader
        self._again = threading.Event()
        self.setObjectName("id-card-reader")

    def read_again(self) -> None:
        """Read the card lying on the reader once more, though it was read already: the desk
        asks when a clerk starts serving, so a card put down before (while nobody served, or
        for the last citizen) is not left unread."""
        self._again.set()

    def run(self) -> None:
        reader: ga467.Ga467Reader | None = None
        awaiting_removal = False
        while not self.stopping():
            if reader is None:
                try:
                    reader = self._open_reader(self.port)
                    reader.status()
                except BaseException as exc:
                    self._drop(reader)
                    reader = None
                    self._set_state("missing", as_device_error(exc, "身份证读卡器"))
                    self.pause(self.reopen)
                    continue
                self._set_state("ready")
            try:
                if awaiting_removal and self._again.is_set():
                    awaiting_removal = False
                self._again.clear()
                if awaiting_removal:
                    awaiting_removal = self._card_present(reader)
                    if awaiting_removal:
                        self.pause(self.poll)
                    continue
                card = reader.read_card(timeout=self.poll)
            except NoCard:
                continue
            except GONE as exc:
                self._drop(reader)
                reader = None
                self._set_state("missing", as_device_error(exc, "身份证读卡器"))
                self.pause(self.reopen)
            except DeviceError as exc:  # this card, this time
                self.failed.emit(exc)
                awaiting_removal = True
            except Exception as exc:
                self.failed.emit(as_device_error(exc, "身份证读卡器"))
                awaiting_removal = True
            else:
                self.card_read.emit(card)
                awaiting_removal = True
        self._drop(reader)

    @staticmethod
    def _card_present(reader: ga467.Ga467Reader) -> bool:
        return reader.command(ga467.FIND_CARD).sw[2] in (ga467.SW_CARD_FOUND, ga467.SW_OK)

    @staticmethod
    def _drop(reader: ga467.Ga467Reader | None) -> None:
        if reader is not None:
            try:
                reader.close()
            except Exception:
                pass
