"""Who is asking: the source address a limit is kept for, through configured proxies only.

`X-Forwarded-For` and `X-Forwarded-Proto` are believed only when the TCP peer is one of the
configured trusted proxies (`serve --trusted-proxy`; none by default); anyone else setting them
gains nothing. IPv6 sources are counted per /64, the block one host usually holds.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(specs: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks (`10.0.0.5`, `10.0.0.0/24`, `::1`); a bad one raises ValueError."""
    out: list[Network] = []
    for spec in specs:
        try:
            out.append(ipaddress.ip_network(spec.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"trusted proxy {spec!r}: not an address or network") from exc
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Peer:
    source: str  # the key limits are kept under
    address: str  # the client's address as believed (for the loopback test)
    https: bool  # the client's own connection was TLS


class Peers:
    def __init__(self, trusted: Iterable[str] = ()) -> None:
        self.trusted = networks(trusted)

    def _trusted(self, host: str) -> bool:
        addr = _address(host)
        return addr is not None and any(addr in net for net in self.trusted)

    def peer(self, host: str, scheme: str, forwarded_for: list[str],
             forwarded_proto: str | None) -> Peer:
        """`host`: the TCP peer; the forwarded headers as they came (every instance)."""
        address, https = host, scheme == "https"
        if self.trusted and self._trusted(host):
            hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
            # The rightmost hop a trusted proxy did not add is the client; what is left of it
            # was written by the client and proves nothing.
            for hop in reversed(hops):
                address = hop
                if not self._trusted(hop):
                    break
            if hops and forwarded_proto:
                https = forwarded_proto.split(",")[-1].strip().lower() == "https"
        return Peer(source_key(address), address, https)


def source_key(address: str) -> str:
    addr = _address(address)
    if addr is None:
        return address[:64]
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.IPv6Network((addr, 64), strict=False))
    return str(addr)
