"""Sealing to a public key: the holder of the public key seals, only the private key opens."""

from __future__ import annotations

import pytest

from hall.security import sealbox
from hall.security.sealbox import SealBoxError


def test_round_trip_and_refusals() -> None:
    hall = sealbox.generate()
    assert sealbox.public_of(hall.private) == hall.public
    token = sealbox.seal_json(hall.public, {"name": "测试甲乙"}, context="H1")
    assert sealbox.TOKEN_RE.fullmatch(token) and "测试" not in token
    assert sealbox.token_kid(token) == hall.kid
    ring = {hall.kid: hall.private}
    assert sealbox.open_json(ring, token, context="H1") == {"name": "测试甲乙"}
    assert sealbox.seal_json(hall.public, {"name": "测试甲乙"}, context="H1") != token
    with pytest.raises(SealBoxError) as moved:
        sealbox.open_(ring, token, context="H2")  # the same token in another hall's log
    assert moved.value.code == "seal_invalid"
    body = token.rsplit(":", 1)[1]
    tampered = token[: -len(body)] + body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    with pytest.raises(SealBoxError):
        sealbox.open_(ring, tampered, context="H1")
    other = sealbox.generate()
    with pytest.raises(SealBoxError) as stranger:
        sealbox.open_({other.kid: other.private}, token, context="H1")
    assert stranger.value.code == "seal_key"
    # a key pair under the same kid cannot open either (the kid names the public key only)
    with pytest.raises(SealBoxError):
        sealbox.open_({hall.kid: other.private}, token, context="H1")
    with pytest.raises(SealBoxError):
        sealbox.open_(ring, "ts2:x25519:" + hall.kid + ":short", context="H1")
