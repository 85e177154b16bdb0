"""What the hall does with a card or a code once a device has read it: audit the read, keep only a
keyed hash for the ticket, see age (老年人 priority) and expiry, and seal the applicant of a case.

Devices read (devices/ga467.py, devices/sscard.py, a scanner's payload); the hall records. The
plain card stays in the `CardRead` in memory only; its repr and `public()` are masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from hall.actors import Actor
from hall.core import Core
from hall.errors import DomainError
from hall.identity import Holder, IdCard, SocialCard, blind_index, mask_id_number, mask_name
from hall.security.codes import CodeIdentity, CodeReader, present, terminal_reader

CardKind = Literal["id_card", "sscard", "code"]
Card = IdCard | SocialCard | CodeIdentity


@dataclass(frozen=True)
class CardRead:
    """A card or code the hall has accepted: what a face may show, and the keys it may keep."""

    kind: CardKind
    holder: Holder
    verified: bool
    birth_date: str | None  # YYYY-MM-DD when the card shows it
    age: int | None
    elder: bool  # at or past the hall's elder age (老年人 priority, elder mode)
    expired: bool  # the card is past its validity (reported; refused by configuration)
    masked_name: str
    masked_id: str
    card: Card = field(repr=False, compare=False)  # memory only: for sealing a case's applicant

    def card_fields(self, reveal: bool = False) -> dict[str, Any]:
        """The card's own fields as a clerk may see them: masked unless `reveal`."""
        if isinstance(self.card, (IdCard, SocialCard)):
            return self.card.public(reveal)
        return self.card.public()

    def public(self) -> dict[str, Any]:
        return {"kind": self.kind, "verified": self.verified, "name": self.masked_name,
                "id": self.masked_id, "birth_date": self.birth_date, "age": self.age,
                "elder": self.elder, "expired": self.expired}


def _age(birth: str | None, today: date) -> int | None:
    try:
        born = date.fromisoformat(birth or "")
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _expired(valid_until: str | None, today: date) -> bool:
    if not valid_until or valid_until == "长期":
        return False
    try:
        return date.fromisoformat(valid_until) < today
    except ValueError:
        return False  # a validity the card did not state cleanly is not called expired


class Cards:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._reader: CodeReader | None = None

    def read_code(self, by: Actor, payload: object) -> CardRead:
        """A 身份码 / 企业码 shown at a kiosk or desk: resolved by the configured resolvers,
        audited, replay-guarded. An unverified code (platform unreachable) still reads; a case
        needs a verified identity."""
        self._core.require(by, "code_read", "code_read")
        if self._reader is None:
            self._reader = terminal_reader(self._core)
        identity = present(self._core, self._reader, payload, actor=by)
        if not identity.id_number:
            raise DomainError("the code names no one", code="card_no_number")
        return self.read(by, identity, purpose="code")

    def read(self, by: Actor, card: Card, *, purpose: str = "ticket") -> CardRead:
        """Accept a card read: audited (masked), checked for expiry, age worked out."""
        core = self._core
        core.require(by, "card_read", "card_read")
        from hall.security import audit

        today = date.fromisoformat(core.today())
        number: str
        name: str
        birth: str | None
        until: str | None
        if isinstance(card, IdCard):
            kind: CardKind = "id_card"
            number, name, birth, until = (card.id_number, card.name, card.birth_date,
                                          card.valid_until)
            verified = True
        elif isinstance(card, SocialCard):
            kind = "sscard"
            number, name, birth, until = card.ssn, card.name, card.birth_date, card.expiry_date
            verified = True
        else:
            kind = "code"
            number, name, until = card.id_number, card.name, None
            birth = _birth_of(number) if card.kind == "person" else None
            verified = card.verified
        if not number:
            raise DomainError("the card or code carries no identity number",
                              code="card_no_number")
        if not core.index_key:  # a display holds none (hall/security/keys.py ROLE_KEYS)
            raise DomainError("this terminal holds no blind-index key and looks nobody up",
                              code="no_index_key")
        expired = _expired(until, today)
        age = _age(birth, today)
        read = CardRead(kind, Holder(kind, verified, blind_index(core.index_key, number)),
                        verified, birth, age,
                        age is not None and age >= core.config.policy.elder_age, expired,
                        mask_name(name), mask_id_number(number), card)
        if kind != "code":  # a code's read is audited where it is resolved (codes.present)
            audit.record(core, actor=by, action="card_read", target=read.masked_id,
                         outcome="expired" if expired else "ok",
                         detail={"kind": kind, "purpose": purpose})
        if expired and not core.config.accept_expired_cards:
            raise DomainError("the card has expired; this hall does not accept expired cards",
                              code="card_expired", params={"until": until})
        return read

    def applicant(self, read: CardRead) -> Any:
        """The applicant of a case from a card read: masked, blind-indexed, sealed in full."""
        from hall.security.codes import applicant_of
        from hall.security.crypto import seal_applicant

        core = self._core
        card = read.card
        if isinstance(card, IdCard):
            return seal_applicant(core.sealer, core.index_key, name=card.name,
                                  id_number=card.id_number, verified=True, source="id_card",
                                  address=card.address, id_type=card.type)
        if isinstance(card, SocialCard):
            return seal_applicant(core.sealer, core.index_key, name=card.name,
                                  id_number=card.ssn, verified=True, source="sscard")
        return applicant_of(card, core.sealer, core.index_key)


def _birth_of(number: str) -> str | None:
    """The birth date inside an 18-digit citizen number (a code names no birth date)."""
    if len(number) != 18 or not number[:17].isdigit():
        return None
    text = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None
