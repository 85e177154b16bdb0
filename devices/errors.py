"""Device errors: each says in one sentence what a person at the device can do about it."""

from __future__ import annotations

from hall.errors import HallError


class DeviceError(HallError):
    """A device is missing, silent, or answered something we cannot use (CLI exit code 4)."""

    code = "device"
    exit_code = 4


class DeviceMissing(DeviceError):
    code = "device_missing"


class DeviceTimeout(DeviceError):
    code = "device_timeout"


class CardReadError(DeviceError):
    """The card could not be read completely; nothing half-read is ever returned."""

    code = "card_read"


class NoCard(CardReadError):
    code = "no_card"


class CardBlocked(CardReadError):
    code = "card_blocked"


class CardExpired(CardReadError):
    """Carries the card as read, so a clerk can still see (masked) whose card it is."""

    code = "card_expired"

    def __init__(self, message: str, *, card: object = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.card = card


class PrinterError(DeviceError):
    code = "printer"


class PrinterOffline(PrinterError):
    code = "printer_offline"


class PaperOut(PrinterError):
    code = "paper_out"


class ScanError(DeviceError):
    code = "scan"
