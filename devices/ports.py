"""What the faces need from each kind of device, as Protocols: drivers and fakes both fit."""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from hall.identity import IdCard, SocialCard

PaperState = Literal["ok", "near_end", "out", "unknown"]


@runtime_checkable
class IdReader(Protocol):
    """A second-generation ID card reader (GA 467)."""

    def read_card(self, timeout: float = 5.0) -> IdCard:
        """Wait up to `timeout` for a card and read it whole, or raise a DeviceError."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class SocialCardReader(Protocol):
    """A 社会保障卡 reader over PC/SC."""

    def read_card(self, timeout: float = 5.0) -> SocialCard: ...

    def close(self) -> None: ...


@runtime_checkable
class Printer(Protocol):
    """A receipt printer that takes ready ESC/POS bytes."""

    def paper_status(self) -> PaperState:
        """'unknown' when the printer does not answer: never assume 'ok'."""
        ...

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class Speaker(Protocol):
    """Voice calling: say a sentence (Mandarin) and return when it has been played."""

    def say(self, text: str) -> None: ...
