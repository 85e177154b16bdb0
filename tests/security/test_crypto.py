"""Field sealing: round trip, tampering and another hall's tokens refused, SM4 when available."""

from __future__ import annotations

import pytest

from hall.security.crypto import TOKEN_RE, Sealer, SealError, kid_of


@pytest.mark.parametrize("alg", ["aes", "sm4"])
def test_seal_open_and_refusals(alg: str) -> None:
    if alg == "sm4":
        pytest.importorskip("gmssl")
    key = b"\x05" * 32
    sealer = Sealer({kid_of(key): key}, kid_of(key), hall_id="H1", alg=alg)  # type: ignore[arg-type]
    token = sealer.seal_json({"name": "测试甲乙"})
    assert TOKEN_RE.fullmatch(token) and "测试" not in token
    assert sealer.open_json(token) == {"name": "测试甲乙"}
    assert sealer.seal_json({"name": "测试甲乙"}) != token  # a fresh nonce every time
    body = token.rsplit(":", 1)[1]
    tampered = token[: -len(body)] + body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    with pytest.raises(SealError):
        sealer.open(tampered)
    other_hall = Sealer({kid_of(key): key}, kid_of(key), hall_id="H2", alg=alg)  # type: ignore[arg-type]
    with pytest.raises(SealError):
        other_hall.open(token)
    stranger = Sealer({"0" * 16: b"\x06" * 32}, "0" * 16, hall_id="H1")
    with pytest.raises(SealError, match="does not hold"):
        stranger.open(token)
