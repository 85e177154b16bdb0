"""Sealing personal fields: AES-256-GCM (or SM4 for 国密 deployments) under the hall data key.

A sealed value is a short ASCII token that can sit in any JSON payload and travel with it:

    ts1:<alg>:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>

`kid` names the data key (a hash of it, not the key), so a keyring of several keys, the old and
the new during a rotation or the back office's set of keys, opens every token. The associated
data binds a token to its algorithm, its key id and the hall: a token copied to another hall's
log does not open there.

The data key is `keys/data.key` (hall-wide, so the back office can open what terminals sealed;
see docs/security.md for how it is distributed). `cryptography` is imported on first use only:
it costs ~45 ms, which the ticket hot path does not pay.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from hall.errors import HallError
from hall.identity import Applicant, blind_index, mask_id_number, mask_name
from hall.security import keys

Alg = Literal["aes", "sm4"]
PREFIX = "ts1"
TOKEN_RE = re.compile(r"ts1:(aes|sm4):([0-9a-f]{16}):([A-Za-z0-9_-]{24,})")
_NONCE = 12


class SealError(HallError):
    code = "seal"


def kid_of(key: bytes) -> str:
    return hashlib.sha256(b"tingduan-data-key-id\x00" + key).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sealer:
    """Seals with the current key; opens with any key of its ring."""

    def __init__(self, ring: dict[str, bytes], current: str, *, hall_id: str,
                 alg: Alg = "aes") -> None:
        if current not in ring:
            raise SealError("the current data key is not in the keyring")
        if alg == "sm4":
            from hall.security import sm4  # noqa: F401  (fails early when gmssl is missing)
        self.ring = dict(ring)
        self.current = current
        self.hall_id = hall_id
        self.alg: Alg = alg

    @classmethod
    def for_data_dir(cls, data_dir: Path, hall_id: str, alg: Alg | None = None) -> Sealer:
        """The terminal's sealer: during a rotation it seals with the next key already."""
        key = keys.load_or_create(data_dir, keys.DATA)
        ring = {kid_of(key): key}
        nxt = keys.load(data_dir, keys.DATA + keys.NEXT)
        if nxt is not None:
            ring[kid_of(nxt)] = nxt
        chosen: Alg = alg or ("sm4" if os.environ.get("TINGDUAN_FIELD_CIPHER") == "sm4"
                              else "aes")
        return cls(ring, kid_of(nxt if nxt is not None else key), hall_id=hall_id, alg=chosen)

    def _aad(self, alg: str, kid: str) -> bytes:
        return f"{PREFIX}:{alg}:{kid}:{self.hall_id}".encode()

    def seal(self, plain: bytes) -> str:
        key = self.ring[self.current]
        nonce = os.urandom(_NONCE)
        aad = self._aad(self.alg, self.current)
        if self.alg == "sm4":
            from hall.security.sm4 import seal as sm4_seal

            body = sm4_seal(key, nonce, plain, aad)
        else:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            body = AESGCM(key).encrypt(nonce, plain, aad)
        return f"{PREFIX}:{self.alg}:{self.current}:{_b64(nonce + body)}"

    def open(self, token: str) -> bytes:
        match = TOKEN_RE.fullmatch(token)
        if match is None:
            raise SealError("not a sealed value")
        alg, kid, body = match.groups()
        key = self.ring.get(kid)
        if key is None:
            raise SealError(f"sealed with a data key this terminal does not hold ({kid})",
                            code="seal_key")
        raw = _unb64(body)
        nonce, data = raw[:_NONCE], raw[_NONCE:]
        try:
            if alg == "sm4":
                from hall.security.sm4 import open_ as sm4_open

                return sm4_open(key, nonce, data, self._aad(alg, kid))
            from cryptography.exceptions import InvalidTag
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            try:
                return AESGCM(key).decrypt(nonce, data, self._aad(alg, kid))
            except InvalidTag as exc:
                raise ValueError("tag") from exc
        except ValueError as exc:
            raise SealError("a sealed value does not open: altered, or of another hall",
                            code="seal_invalid") from exc

    def seal_json(self, value: dict[str, Any]) -> str:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    def open_json(self, token: str) -> dict[str, Any]:
        value = json.loads(self.open(token))
        if not isinstance(value, dict):
            raise SealError("a sealed record is not an object", code="seal_invalid")
        return value

    def reseal(self, token: str) -> str:
        """The token under the current key (unchanged when it already is)."""
        match = TOKEN_RE.fullmatch(token)
        if match is not None and match.group(2) == self.current and match.group(1) == self.alg:
            return token
        return self.seal(self.open(token))

    def reseal_text(self, text: str) -> tuple[str, int]:
        """Every token inside a text (a JSON payload) resealed; returns the text and a count."""
        count = 0

        def one(m: re.Match[str]) -> str:
            nonlocal count
            new = self.reseal(m.group(0))
            count += new != m.group(0)
            return new

        return TOKEN_RE.sub(one, text), count


@dataclass(frozen=True)
class SealedApplicant(Applicant):
    """An applicant as a case event carries it: masked, blind-indexed, and sealed in full."""

    sealed: str = ""


class Sealing(Protocol):
    """What seals a record: a Sealer, or the terminal's Opener (hall/security/opener.py)."""

    def seal_json(self, value: dict[str, Any]) -> str: ...


def seal_applicant(sealer: Sealing, index_key: bytes, *, name: str, id_number: str,
                   verified: bool, source: str, address: str = "", phone: str = "",
                   id_type: str = "resident") -> SealedApplicant:
    """The applicant of a case from a card read or a verified code: the plain fields exist only
    inside `sealed`; `source` says how the identity was established (id_card, sscard, code:…)."""
    record = {"name": name, "id_number": id_number, "id_type": id_type, "address": address,
              "phone": phone, "source": source}
    return SealedApplicant(mask_name(name), mask_id_number(id_number),
                           blind_index(index_key, id_number), verified,
                           sealer.seal_json({k: v for k, v in record.items() if v}))


def applicant_payload(applicant: Applicant) -> dict[str, Any]:
    """The `applicant` object of CaseAccepted / CaseRefused: never a plain personal field."""
    out: dict[str, Any] = {"masked": applicant.masked(), "key": applicant.key,
                           "verified": applicant.verified}
    sealed = getattr(applicant, "sealed", "")
    if sealed:
        out["sealed"] = sealed
    return out
