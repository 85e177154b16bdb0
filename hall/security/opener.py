"""The one way the hall seals and opens personal fields, whatever this terminal holds.

Two token kinds live in the same logs:
- `ts1:` sealed with the hall's symmetric data key (hall/security/crypto.py): whoever can seal
  can open. Desks and the hub seal so (cheap, and `admin rotate-key` moves them to a new key);
- `ts2:` sealed for the hall's X25519 public key (hall/security/sealbox.py): a kiosk or a
  display seals so and holds nothing that opens it; the hall's private key opens it.

A reader (desk, back office, hub) holds both keys and opens both kinds; a writer holds the
public key only. Code that may meet either kind calls `Opener.open`, never `Sealer.open`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hall.security import hall_pair, keys, sealbox
from hall.security.crypto import TOKEN_RE as TS1_RE
from hall.security.crypto import Alg, Sealer, SealError

# Either kind of token, as it sits inside a payload or a projection's text column.
ANY_TOKEN_RE = re.compile(f"(?:{TS1_RE.pattern})|(?:{sealbox.TOKEN_RE.pattern})")
MARKS = ("ts1:", "ts2:")  # what a LIKE or a substring test looks for


class Opener:
    """Seals with what this terminal holds (the data key, else the hall's public key); opens
    ts1 with the data keyring and ts2 with the hall's private key, if it has them."""

    def __init__(self, hall_id: str, *, sealer: Sealer | None = None,
                 public: bytes | None = None, ring: dict[str, bytes] | None = None) -> None:
        if sealer is None and public is None:
            raise SealError("this terminal holds no key to seal with", code="seal_key")
        self.hall_id = hall_id
        self.sealer = sealer
        self.public = public
        self.ring = dict(ring or {})

    @classmethod
    def for_data_dir(cls, data_dir: Path, hall_id: str, alg: Alg | None = None) -> Opener:
        """A writer (keys.writes_only) seals for the hall's public key; any other terminal has
        (or, a hall of its own, makes) the data key and seals with it."""
        public = hall_pair.public(data_dir)
        if keys.writes_only(data_dir):
            return cls(hall_id, public=public)
        return cls(hall_id, sealer=Sealer.for_data_dir(data_dir, hall_id, alg), public=public,
                   ring=hall_pair.ring(data_dir))

    @property
    def opens(self) -> bool:
        """Whether this terminal can open anything at all."""
        return self.sealer is not None or bool(self.ring)

    # -- sealing ----------------------------------------------------------------------------------
    def seal(self, plain: bytes) -> str:
        if self.sealer is not None:
            return self.sealer.seal(plain)
        assert self.public is not None
        return sealbox.seal(self.public, plain, context=self.hall_id)

    def seal_json(self, value: dict[str, Any]) -> str:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    # -- opening ----------------------------------------------------------------------------------
    def open(self, token: str) -> bytes:
        """The plain bytes of either kind; SealError (code seal_key / seal_invalid) otherwise."""
        if token.startswith("ts2:"):
            if not self.ring:
                raise SealError("sealed for the hall's private key, which this terminal does "
                                "not hold", code="seal_key")
            try:
                return sealbox.open_(self.ring, token, context=self.hall_id)
            except sealbox.SealBoxError as exc:
                raise SealError(str(exc), code=exc.code) from exc
        if self.sealer is None:
            raise SealError("sealed with the hall's data key, which this terminal does not "
                            "hold", code="seal_key")
        return self.sealer.open(token)

    def open_json(self, token: str) -> dict[str, Any]:
        value = json.loads(self.open(token))
        if not isinstance(value, dict):
            raise SealError("a sealed record is not an object", code="seal_invalid")
        return value


def is_token(text: str) -> bool:
    return ANY_TOKEN_RE.fullmatch(text) is not None
