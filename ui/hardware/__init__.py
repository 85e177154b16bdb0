"""Devices for the faces, off the GUI thread: each wrapper reads or prints on a thread of its own
and reports through Qt signals (queued to the GUI thread). A missing or failing device is a
signal carrying a DeviceError with a code (ui.messages turns it into a sentence), never an
exception on the GUI thread; the wrappers keep retrying, so a replugged device comes back."""

from ui.hardware.idcard import IdCardWatch
from ui.hardware.printer import ReceiptPrinter
from ui.hardware.scanner import SerialScannerWatch, WedgeScanFilter
from ui.hardware.sscard import SocialCardWatch

__all__ = ["IdCardWatch", "ReceiptPrinter", "SerialScannerWatch", "SocialCardWatch",
           "WedgeScanFilter"]
