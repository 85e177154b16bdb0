"""身份码 / 企业码 and other codes: plug-in resolvers, offline signed codes, online verification.

A resolver recognizes a payload by its prefix and either resolves it offline (a payload signed
with Ed25519 by an issuer whose public key is configured) or asks the platform to verify it
(an `OnlineVerifier`; the HTTP client is sync/codes_client.py, hall/ imports no network code).
Configuration (`security.json` in the data dir) names the resolvers:

    {"code_resolvers": [
        {"plugin": "hall.security.codes:SignedCodeResolver", "name": "hb-idcode", "prefix": "HBID1.",
         "public_key": "<base64 raw Ed25519 key>", "kind": "person", "max_lifetime_s": 600},
        {"plugin": "sync.codes_client:online_resolver", "name": "sfm", "prefix": "SFM1.",
         "url": "https://hub.example/v1/codes/verify"}]}

Signed payload: PREFIX + base64url(JSON body) + "." + base64url(signature of PREFIX+body64),
body {"v": 1, "typ": "person"|"enterprise", "name", "id", "iat", "exp", "jti"}.

Garbage, truncated, oversized, forged, replayed and expired codes raise CodeError with a message
for the person; only a keyed hash of a payload (`code_hash`) is ever stored or logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import importlib
import inspect
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from hall.errors import DomainError
from hall.identity import mask_id_number, mask_name

Kind = Literal["person", "enterprise"]
MAX_CODE_CHARS = 2048
CLOCK_SKEW_S = 120


class CodeError(DomainError):
    """A code that cannot be used; `person` is the sentence shown on the screen."""

    code = "code_invalid"

    def __init__(self, message: str, *, code: str, person: str) -> None:
        super().__init__(message, code=code)
        self.person = person


class CodeUnavailable(Exception):
    """The platform that verifies a code online cannot be reached (the code may be fine)."""


def _garbage() -> CodeError:
    return CodeError("the code cannot be read", code="code_garbage",
                     person="无法识别此码，请刷新后重新出示")


@dataclass(frozen=True)
class CodeIdentity:
    """Who a code names; plain fields stay in memory (repr and public() are masked)."""

    resolver: str
    kind: Kind
    verified: bool
    code_hash: str
    name: str = field(default="", repr=False)
    id_number: str = field(default="", repr=False)  # citizen number, or USCC for an enterprise
    expires_at: int = 0
    jti: str = field(default="", repr=False)

    def public(self) -> dict[str, Any]:
        return {"resolver": self.resolver, "kind": self.kind, "verified": self.verified,
                "code_hash": self.code_hash[:16], "name": mask_name(self.name),
                "id": mask_id_number(self.id_number) if self.id_number else ""}


class CodeResolver(Protocol):
    name: str

    def recognizes(self, payload: str) -> bool: ...

    def resolve(self, payload: str, *, now: float, code_hash: str) -> CodeIdentity: ...


class OnlineVerifier(Protocol):
    def verify(self, payload: str) -> dict[str, Any]:
        """The platform's answer {"verified", "kind", "name", "id", "exp", "jti"}; raises
        CodeError when the platform refuses the code, CodeUnavailable when it cannot be asked."""
        ...


def _b64d(text: str) -> bytes:
    if not text or any(c not in _B64 for c in text):
        raise _garbage()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _garbage() from exc


_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def check_claims(body: dict[str, Any], *, now: float, max_lifetime_s: int,
                 kind: Kind | None = None) -> tuple[Kind, str, str, int, str]:
    typ, name, ident = body.get("typ"), body.get("name"), body.get("id")
    iat, exp, jti = body.get("iat"), body.get("exp"), body.get("jti")
    if (typ not in ("person", "enterprise") or not isinstance(name, str)
            or not isinstance(ident, str) or not isinstance(jti, str)
            or not isinstance(iat, int) or not isinstance(exp, int)
            or isinstance(iat, bool) or isinstance(exp, bool)
            or not 0 < len(name) <= 100 or not 0 < len(ident) <= 40 or not 0 < len(jti) <= 64):
        raise _garbage()
    if kind is not None and typ != kind:
        raise CodeError(f"a {typ} code where a {kind} code was expected", code="code_kind",
                        person="此码类型不符，请出示正确的码")
    if exp <= now:
        raise CodeError("the code has expired", code="code_expired",
                        person="此码已过期，请刷新后重新出示")
    if iat > now + CLOCK_SKEW_S or exp - iat > max_lifetime_s or exp < iat:
        raise CodeError("the code's validity period is not acceptable", code="code_validity",
                        person="此码有效期异常，请刷新后重新出示")
    return typ, name, ident, exp, jti


class SignedCodeResolver:
    """Offline: a payload signed by an issuer whose Ed25519 public key is configured."""

    def __init__(self, name: str, prefix: str, public_key: str, kind: Kind | None = None,
                 max_lifetime_s: int = 600) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        self.name = name
        self.prefix = prefix
        self.kind = kind
        self.max_lifetime_s = max_lifetime_s
        self._key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))

    def recognizes(self, payload: str) -> bool:
        return payload.startswith(self.prefix)

    def resolve(self, payload: str, *, now: float, code_hash: str) -> CodeIdentity:
        from cryptography.exceptions import InvalidSignature

        rest = payload[len(self.prefix):]
        body64, dot, sig64 = rest.partition(".")
        if not dot or not sig64:
            raise CodeError("the code is incomplete", code="code_truncated",
                            person="码不完整，请将码完整置于扫描区")
        signature = _b64d(sig64)
        raw = _b64d(body64)
        if len(signature) != 64:
            raise CodeError("the code is incomplete", code="code_truncated",
                            person="码不完整，请将码完整置于扫描区")
        try:
            self._key.verify(signature, (self.prefix + body64).encode("ascii"))
        except InvalidSignature as exc:
            raise CodeError("the code's signature does not verify (damaged or forged)",
                            code="code_forged", person="此码无法验证，请刷新后重新出示") from exc
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _garbage() from exc
        if not isinstance(body, dict) or body.get("v") != 1:
            raise _garbage()
        typ, name, ident, exp, jti = check_claims(body, now=now,
                                                  max_lifetime_s=self.max_lifetime_s,
                                                  kind=self.kind)
        return CodeIdentity(self.name, typ, True, code_hash, name, ident, exp, jti)


class OnlineResolver:
    """Online: the platform verifies; unreachable means an unverified identity, not an error."""

    def __init__(self, name: str, prefix: str, verifier: OnlineVerifier,
                 max_lifetime_s: int = 600) -> None:
        self.name = name
        self.prefix = prefix
        self.verifier = verifier
        self.max_lifetime_s = max_lifetime_s

    def recognizes(self, payload: str) -> bool:
        return payload.startswith(self.prefix)

    def resolve(self, payload: str, *, now: float, code_hash: str) -> CodeIdentity:
        try:
            answer = self.verifier.verify(payload)
        except CodeUnavailable:
            return CodeIdentity(self.name, "person", False, code_hash)
        if not isinstance(answer, dict) or answer.get("verified") is not True:
            raise CodeError("the platform did not verify the code", code="code_refused",
                            person="此码未通过验证，请刷新后重新出示")
        typ, name, ident, exp, jti = check_claims(
            {**answer, "iat": int(answer.get("iat", now))}, now=now,
            max_lifetime_s=self.max_lifetime_s)
        return CodeIdentity(self.name, typ, True, code_hash, name, ident, exp, jti)


class ReplayGuard(Protocol):
    def first_use(self, key: str, expires_at: int, now: float) -> bool: ...


class MemoryReplayGuard:
    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def first_use(self, key: str, expires_at: int, now: float) -> bool:
        self.seen = {k: e for k, e in self.seen.items() if e > now}
        if key in self.seen:
            return False
        self.seen[key] = expires_at
        return True


class StoreReplayGuard:
    """Used code ids (keyed hashes) in the terminal store until they expire."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def first_use(self, key: str, expires_at: int, now: float) -> bool:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM code_seen WHERE expires_at <= ?", (int(now),))
            cur = conn.execute("INSERT INTO code_seen (jti_hash, expires_at) VALUES (?, ?) "
                               "ON CONFLICT (jti_hash) DO NOTHING", (key, expires_at))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return cur.rowcount == 1


def code_hash(key: bytes, payload: str) -> str:
    """The only form of a payload that is stored or logged."""
    return hmac.new(key, b"code\x00" + payload.encode("utf-8", "replace"),
                    hashlib.sha256).hexdigest()


class CodeReader:
    """Tries the configured resolvers on a scanned payload; checks replay; never keeps the
    payload."""

    def __init__(self, resolvers: list[CodeResolver], hash_key: bytes,
                 replay: ReplayGuard) -> None:
        self.resolvers = resolvers
        self.hash_key = hash_key
        self.replay = replay

    def read(self, payload: object, *, now: float | None = None) -> CodeIdentity:
        t = time.time() if now is None else now
        if not isinstance(payload, str):
            raise _garbage()
        if len(payload) > MAX_CODE_CHARS:
            raise CodeError(f"the code is longer than {MAX_CODE_CHARS} characters",
                            code="code_oversized", person="无法识别此码，请重新出示")
        payload = payload.strip()
        if not payload or not payload.isprintable():
            raise _garbage()
        digest = code_hash(self.hash_key, payload)
        for resolver in self.resolvers:
            if resolver.recognizes(payload):
                identity = resolver.resolve(payload, now=t, code_hash=digest)
                break
        else:
            raise CodeError("no configured resolver knows this code", code="code_unknown",
                            person="暂不支持此码，请使用身份证或其他方式")
        if identity.verified:
            jti_key = hmac.new(self.hash_key, f"jti\x00{identity.resolver}\x00{identity.jti}"
                               .encode(), hashlib.sha256).hexdigest()
            if not self.replay.first_use(jti_key, identity.expires_at, t):
                raise CodeError("the code was already used", code="code_replayed",
                                person="此码已使用过，请刷新后重新出示")
        return identity


def load_resolvers(specs: list[dict[str, Any]], data_dir: Path | None = None) -> list[CodeResolver]:
    """Resolvers from configuration: each spec names its plug-in as "module:callable". A plug-in
    that takes `data_dir` gets the terminal's, unless its spec names one."""
    out: list[CodeResolver] = []
    for spec in specs:
        options = dict(spec)
        plugin = str(options.pop("plugin", ""))
        module_name, _, attr = plugin.partition(":")
        if not module_name or not attr:
            from hall.errors import ConfigError

            raise ConfigError(f"code resolver plugin must be 'module:callable', not {plugin!r}")
        factory = getattr(importlib.import_module(module_name), attr)
        if data_dir is not None and "data_dir" not in options and "data_dir" in (
                inspect.signature(factory).parameters):
            options["data_dir"] = str(data_dir)
        out.append(factory(**options))
    return out


# -- on a terminal ---------------------------------------------------------------------------

def terminal_reader(core: Any) -> CodeReader:
    """The terminal's reader: resolvers from security.json, replay guard in the store, the
    blind-index key for code hashes."""
    from hall.security import config as security_config

    specs = security_config.load(core.data_dir)["code_resolvers"]
    return CodeReader(load_resolvers(specs, core.data_dir), core.index_key,
                      StoreReplayGuard(core.conn))


def present(core: Any, reader: CodeReader, payload: object, *, actor: Any,
            ticket_id: str | None = None) -> CodeIdentity:
    """A code shown at a kiosk or desk: resolved, and audited (masked) whatever the outcome."""
    from hall.security import audit

    digest = code_hash(core.index_key, payload[:MAX_CODE_CHARS + 1]) if isinstance(
        payload, str) else ""
    try:
        identity = reader.read(payload)
    except CodeError as exc:
        audit.record(core, actor=actor, action="code_read", target=digest[:16],
                     outcome=exc.code)
        raise
    detail: dict[str, Any] = {"resolver": identity.resolver, "kind": identity.kind,
                              "verified": identity.verified}
    if ticket_id is not None:
        detail["ticket_id"] = ticket_id
    audit.record(core, actor=actor, action="code_read", target=digest[:16],
                 outcome="verified" if identity.verified else "unverified", detail=detail)
    return identity


def applicant_of(identity: CodeIdentity, sealer: Any, index_key: bytes) -> Any:
    """The case applicant of a code: verified only if the code was (see hall/cases.accept)."""
    from hall.security.crypto import seal_applicant

    if not identity.id_number:
        from hall.identity import Applicant

        return Applicant("", "", "", False)
    return seal_applicant(sealer, index_key, name=identity.name, id_number=identity.id_number,
                          verified=identity.verified, source=f"code:{identity.resolver}",
                          id_type="uscc" if identity.kind == "enterprise" else "resident")
