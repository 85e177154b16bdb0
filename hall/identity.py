"""Cards and codes as typed values, and how personal fields are masked.

Personal fields never go to logs, stdout or exports in plain text: `masked()` is the only form
of an identity that leaves memory unless a clerk explicitly asks to reveal it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CardType = Literal["resident", "foreign_permanent", "hk_macao_tw"]


def mask_id_number(value: str) -> str:
    """420302********1234: region prefix and last four stay, the birth date goes."""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str) -> str:
    """张* / 欧阳** / J*** (first character kept)."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str) -> str:
    """Keep the first six characters (province/city), hide the rest."""
    return value[:6] + "*" * max(len(value) - 6, 0)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "*" * len(value)


def blind_index(key: bytes, value: str) -> str:
    """A keyed hash to look records up by ID number without storing the number."""
    return hmac.new(key, value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IdCard:
    """A second-generation ID card (or a card sharing its data block) as read."""

    type: CardType
    name: str
    sex: str
    nation: str
    birth_date: str  # YYYY-MM-DD
    address: str
    id_number: str
    issuing_authority: str
    valid_from: str
    valid_until: str  # YYYY-MM-DD or 长期
    photo_wlt: bytes = field(default=b"", repr=False)  # memory only: never written anywhere

    def __repr__(self) -> str:  # a traceback or log line must not carry the plain card
        return f"IdCard({self.type}, {mask_name(self.name)}, {mask_id_number(self.id_number)})"

    def public(self, reveal: bool = False) -> dict[str, Any]:
        """The card as the CLI and logs may show it. The birth date stays whole: it is no
        identifier on its own, the clerk needs it (age for 老年人 priority), and the CLI contract
        gives it as YYYY-MM-DD; the ID number that embeds it is masked."""
        data = asdict(self)
        data.pop("photo_wlt")
        if not reveal:
            data["name"] = mask_name(self.name)
            data["id_number"] = mask_id_number(self.id_number)
            data["address"] = mask_address(self.address)
        return data


@dataclass(frozen=True)
class SocialCard:
    """A 社会保障卡 as read over PC/SC."""

    ssn: str
    name: str
    sex: str
    nation: str
    birth_date: str
    card_number: str
    issuing_org: str
    issue_date: str
    expiry_date: str
    card_version: str

    def __repr__(self) -> str:
        return f"SocialCard({mask_name(self.name)}, {mask_id_number(self.ssn)})"

    def public(self, reveal: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not reveal:
            data["name"] = mask_name(self.name)
            data["ssn"] = mask_id_number(self.ssn)
            data["card_number"] = mask_id_number(self.card_number)
        return data


HolderKind = Literal["id_card", "sscard", "code"]


@dataclass(frozen=True)
class Holder:
    """Who took a ticket, as the ticket keeps it: how they were identified and a keyed hash of
    their number (the blind index), never the number itself."""

    kind: HolderKind
    verified: bool
    key: str  # blind index of the ID number (64 hex)

    def __post_init__(self) -> None:
        if self.kind not in ("id_card", "sscard", "code") or len(self.key) != 64 or any(
                c not in "0123456789abcdef" for c in self.key):
            raise ValueError("a ticket holder is one of id_card, sscard, code, kept only as a "
                             "keyed hash")

    def record(self) -> dict[str, Any]:
        return {"kind": self.kind, "verified": self.verified, "key": self.key}


@dataclass(frozen=True)
class Applicant:
    """Who a case is for, as the core keeps it: masked for display, blind-indexed for lookup."""

    masked_name: str
    masked_id: str
    key: str  # blind index of the ID number
    verified: bool

    @classmethod
    def from_id(cls, index_key: bytes, name: str, id_number: str, *, verified: bool) -> Applicant:
        return cls(mask_name(name), mask_id_number(id_number), blind_index(index_key, id_number),
                   verified)

    def masked(self) -> str:
        return f"{self.masked_name} {self.masked_id}"
