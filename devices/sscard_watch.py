"""Watch PC/SC readers and cards in the background (pyscard's Card/ReaderMonitor).

On insert the card is read on the monitor's thread and handed to `on_card`; a card that cannot be
read (blocked, expired, pulled mid-read) goes to `on_error` instead. Callbacks run on a pyscard
thread: a Qt face forwards them through its signal bridge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devices.errors import DeviceError
from devices.sscard import close_connection, read_from_connection
from hall.identity import SocialCard


class SocialCardWatcher:
    def __init__(self, on_card: Callable[[str, SocialCard], None],
                 on_error: Callable[[str, DeviceError], None],
                 on_removed: Callable[[str], None] | None = None,
                 on_readers: Callable[[list[str]], None] | None = None,
                 reader_name: str | None = None) -> None:
        from smartcard.CardMonitoring import CardMonitor, CardObserver
        from smartcard.ReaderMonitoring import ReaderMonitor, ReaderObserver

        watcher = self

        class Cards(CardObserver):  # type: ignore[misc]
            def update(self, observable: Any, handlers: Any) -> None:
                added, removed = handlers
                for card in added:
                    watcher._inserted(card)
                for card in removed:
                    if watcher._wanted(str(card.reader)) and watcher.on_removed:
                        watcher.on_removed(str(card.reader))

        class Readers(ReaderObserver):  # type: ignore[misc]
            def update(self, observable: Any, handlers: Any) -> None:
                if watcher.on_readers is not None:
                    watcher.on_readers(watcher.readers())

        self.on_card, self.on_error = on_card, on_error
        self.on_removed, self.on_readers = on_removed, on_readers
        self.reader_name = reader_name
        self._card_monitor, self._reader_monitor = CardMonitor(), ReaderMonitor()
        self._cards, self._readers = Cards(), Readers()
        self._started = False

    def readers(self) -> list[str]:
        from devices.sscard import reader_names

        return reader_names()

    def _wanted(self, reader: str) -> bool:
        return self.reader_name is None or reader == self.reader_name

    def _inserted(self, card: Any) -> None:
        reader = str(card.reader)
        if not self._wanted(reader):
            return
        from smartcard.Exceptions import SmartcardException

        connection = card.createConnection()
        try:
            connection.connect()
            self.on_card(reader, read_from_connection(connection))
        except DeviceError as exc:
            self.on_error(reader, exc)
        except SmartcardException as exc:
            self.on_error(reader, DeviceError(f"社会保障卡连接失败：{exc}", code="card_read"))
        finally:
            close_connection(connection)

    def start(self) -> None:
        self._reader_monitor.addObserver(self._readers)
        self._card_monitor.addObserver(self._cards)
        self._started = True

    def stop(self) -> None:
        """Stop promptly: the card monitor waits 60 s per poll unless its wait is cancelled."""
        if not self._started:
            return
        self._started = False
        from smartcard.CardMonitoring import CardMonitor, CardMonitoringThread
        from smartcard.scard import SCardCancel

        thread = CardMonitoringThread.instance
        pcsc_request = None
        last = thread is not None and self._card_monitor.countObservers() == 1
        if last:
            thread.stop()
            pcsc_request = getattr(getattr(thread, "cardrequest", None), "pcsccardrequest", None)
            context = getattr(pcsc_request, "hcontext", None)
            if context is not None:
                SCardCancel(context)
        self._card_monitor.deleteObserver(self._cards)
        self._reader_monitor.deleteObserver(self._readers)
        if last:
            # pyscard 2.x starts its card monitor once per process and never again: forget the
            # stopped one, so the next watcher in this process (a face restarting its devices,
            # the next test) gets a fresh monitor instead of a dead one that reports nothing.
            thread.join(2.0)  # cancelled above: its wait returns at once
            with CardMonitoringThread.lock:
                CardMonitoringThread.instance = None
            with CardMonitor.lock:
                CardMonitor.instance = None
        if pcsc_request is not None:  # release now, not in __del__ after pcscd may be gone
            pcsc_request.release()

    def __enter__(self) -> SocialCardWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
