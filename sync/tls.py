"""TLS for a hall's LAN: a hall CA and a server certificate (`serve init-tls`), the check that
plain HTTP is used only on loopback or when asked for, and the pinned client context.

A terminal pins the hall CA it was given at enrollment (`sync enroll --ca FILE`): its copy is
kept as `hall-ca.pem` in its data dir and is the only trust anchor of its HTTPS client (the
system's CAs are not loaded), so a server presenting a certificate of any other CA is refused.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from hall.errors import ConfigError

TLS_DIR = "tls"
CA_CERT = "ca.pem"
CA_KEY = "ca.key"
SERVER_CERT = "server.pem"
SERVER_KEY = "server.key"
PINNED_CA = "hall-ca.pem"  # a terminal's (or a hub's) copy of its server's CA


class InsecureTransport(ConfigError):
    code = "insecure_transport"


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, insecure: bool = False, ca: str | None = None) -> None:
    """Plain HTTP only to loopback or with `insecure`; HTTPS needs the hall CA to pin."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url!r} is not an http:// or https:// server address",
                          code="server_url")
    if parts.scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise InsecureTransport(
            f"{url}: plain HTTP to {parts.hostname} would carry credentials and personal data "
            "unencrypted over the LAN; use https:// with the hall CA (--ca FILE, made by `serve "
            "init-tls`), or pass --insecure if this network is trusted")
    if parts.scheme == "https" and not ca:
        raise ConfigError(f"{url}: give the hall CA to pin (--ca FILE: the ca.pem that `serve "
                          "init-tls` wrote on the hub)", code="tls_ca_missing")


def check_bind(host: str, cert: str | None, key: str | None, insecure: bool) -> None:
    if (cert is None) != (key is None):
        raise ConfigError("--tls-cert and --tls-key go together", code="tls_config")
    if cert is None and not insecure and not is_loopback(host):
        raise InsecureTransport(
            f"serving plain HTTP on {host} would expose credentials and personal data to the "
            "LAN: give --tls-cert FILE --tls-key FILE (`serve init-tls` makes them), bind to "
            "127.0.0.1, or pass --insecure if this network is trusted")


def client_context(ca_file: str) -> ssl.SSLContext:
    """Trust only the pinned hall CA (no system roots); hostnames are checked."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def verify_for(url: str, ca: str | None) -> ssl.SSLContext | bool:
    if urlsplit(url).scheme == "https":
        if not ca:
            raise ConfigError(f"{url}: no pinned hall CA; enroll again with --ca FILE",
                              code="tls_ca_missing")
        return client_context(ca)
    return False


def fingerprint(pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cert = x509.load_pem_x509_certificate(pem)
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    ca_key: Path
    cert: Path
    key: Path
    fingerprint: str
    hosts: tuple[str, ...] = ()  # every name and address the server certificate covers
    changed: bool = True  # False: the certificate there already covered them all; kept as it was


RENEW_BEFORE = timedelta(days=30)  # a certificate closer than this to its end is made again


def default_hosts() -> list[str]:
    return ["localhost", "127.0.0.1", socket.gethostname()]


def certificate_hosts(cert_path: Path, ca_cert: object) -> tuple[list[str], bool]:
    """The names and addresses in the server certificate at `cert_path` if `ca_cert` issued it
    (else none: a certificate of a replaced CA is not kept), and whether it is still good for
    more than RENEW_BEFORE."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    assert isinstance(ca_cert, x509.Certificate)
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        cert.verify_directly_issued_by(ca_cert)
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound, InvalidSignature):
        return [], False
    names = [str(n.value) for n in alt if isinstance(n, x509.IPAddress | x509.DNSName)]
    fresh = cert.not_valid_after_utc - datetime.now(UTC) > RENEW_BEFORE
    return names, fresh


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def init_tls(data_dir: Path, hosts: list[str] | None = None, *, days: int = 825,
             replace: bool = False) -> TlsFiles:
    """A hall CA (kept if there is one) and a server certificate for `hosts` (names or IPs)
    added to those the certificate there already covers (or, the first time, to localhost,
    127.0.0.1 and this machine's name): naming a hub's LAN address later must not take away the
    names enrolled terminals reach it by. When every name is already covered (and the
    certificate is not near its end) nothing is written, so a unit may run this at every start."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = data_dir / TLS_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_cert_path, ca_key_path = folder / CA_CERT, folder / CA_KEY
    now = datetime.now(UTC)
    ca_key: ec.EllipticCurvePrivateKey | None = None  # read only when a certificate is made
    if ca_cert_path.exists() and not replace:
        # the hall CA stays, even if its key was taken off this PC (docs/security.md): a new
        # CA here would cut off every enrolled terminal
        ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "厅端 hall"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "厅端 hall CA")])
        ca_cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(minutes=10))
                   .not_valid_after(now + timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=False, content_commitment=False, key_encipherment=False,
                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                                  critical=False)
                   .sign(ca_key, hashes.SHA256()))
        _write(ca_key_path, ca_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()), 0o600)
        _write(ca_cert_path, ca_cert.public_bytes(serialization.Encoding.PEM), 0o644)
    had, fresh = certificate_hosts(folder / SERVER_CERT, ca_cert)
    names = list(dict.fromkeys([*had, *default_hosts(), *(_normal(h) for h in hosts or [])]))
    if had and fresh and set(names) <= set(had) and (folder / SERVER_KEY).exists():
        return TlsFiles(ca_cert_path, ca_key_path, folder / SERVER_CERT, folder / SERVER_KEY,
                        fingerprint(ca_cert_path.read_bytes()), tuple(had), changed=False)
    if ca_key is None:
        if not ca_key_path.exists():
            raise ConfigError(
                f"{ca_key_path} is not here: a server certificate for {' '.join(names)} needs "
                "the hall CA's key (run init-tls where it is kept and bring server.pem and "
                "server.key back, or --new-ca and enroll every terminal again)",
                code="tls_config")
        loaded = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise ConfigError(f"{ca_key_path}: not an EC key", code="tls_config")
        ca_key = loaded
    alt: list[x509.GeneralName] = []
    for host in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt.append(x509.DNSName(host))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=10))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write(folder / SERVER_KEY, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), 0o600)
    _write(folder / SERVER_CERT, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return TlsFiles(ca_cert_path, ca_key_path, folder / SERVER_CERT, folder / SERVER_KEY,
                    fingerprint(ca_cert_path.read_bytes()), tuple(names))


def _normal(host: str) -> str:
    """An address as the certificate will hold it (`::1`, not `0::1`); a name in lower case."""
    host = host.strip().strip("[]")
    if not host:
        raise ConfigError("an empty --host", code="tls_config")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower()


def pin(data_dir: Path, ca_file: str, name: str = PINNED_CA) -> Path:
    """Keep a copy of the hall CA in the data dir: the only CA this terminal trusts."""
    pem = Path(ca_file).read_bytes()
    try:
        fingerprint(pem)
    except ValueError as exc:
        raise ConfigError(f"{ca_file}: not a PEM certificate ({exc})", code="tls_ca") from exc
    target = data_dir / name
    _write(target, pem, 0o644)
    return target
