"""Which network addresses Vigie may connect to: public ones only (no SSRF).

A link found in a source (or a redirect) must never make Vigie fetch an address of its
own machine or network: loopback, private, link-local, shared (CGNAT), multicast,
unspecified, reserved ranges and the cloud metadata endpoints are refused. The check is
made on the addresses a host name *resolves to*, so `localhost`, `127.1`, `2130706433`,
`0x7f.0.0.1`, `[::1]` or `[::ffff:127.0.0.1]` are all caught, and the connection is then
made to the address that was checked (a second DNS answer cannot swap it).

Staff may point a configured source at an internal host on purpose: `trusted` origins
(host and port of such a feed URL, see `FetchSettings.allow_private_addresses` and the
per-feed `allow_private`) may resolve to private addresses. Metadata endpoints never.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",      # AWS, GCP, Azure, OpenStack, DigitalOcean...
    "fd00:ec2::254",        # AWS over IPv6
    "169.254.170.2",        # AWS ECS task metadata
    "100.100.100.200",      # Alibaba Cloud
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class AddressRefused(Exception):
    """A request was refused because its host is (or resolves to) a non-public address."""


def refusal_reason(address: IPAddress) -> str | None:
    """Why `address` may not be fetched (e.g. "a loopback address"), or None if it is public."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            inner = refusal_reason(embedded)
            if inner:
                return f"{inner} (inside an IPv6 address)"
        if address.scope_id:
            return "a scoped (link-local) address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a reserved address"
    return None


def may_be_private(address: IPAddress) -> bool:
    """Addresses a trusted origin may use: anything but the metadata endpoints and multicast."""
    return address not in METADATA_ADDRESSES and not address.is_multicast


@dataclass(frozen=True)
class Origin:
    host: str    # lower-case, without brackets
    port: int

    @classmethod
    def of(cls, host: str, port: int) -> "Origin":
        return cls(host.lower().strip("[]").rstrip("."), port)


@dataclass
class AddressPolicy:
    """Resolves a host and returns the addresses it may be reached at, or refuses it."""
    trusted: frozenset[Origin] = field(default_factory=frozenset)

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The checked addresses of `host` (every one must pass), in resolver order.
        Raises AddressRefused, or OSError (socket.gaierror) when the name does not resolve."""
        found = await _resolve(host, port)
        trusted = Origin.of(host, port) in self.trusted
        for address in found:
            if trusted and may_be_private(address):
                continue
            reason = refusal_reason(address)
            if reason:
                shown = host if host.strip("[]") == str(address) else f"{host} ({address})"
                raise AddressRefused(f"refused: {shown} is {reason}; Vigie only fetches public addresses")
        return found


async def _resolve(host: str, port: int) -> list[IPAddress]:
    bare = host.strip("[]")
    try:
        return [ipaddress.ip_address(bare)]
    except ValueError:
        pass  # a name (or an odd IPv4 spelling such as 0x7f.1, which the resolver reads)
    infos = await asyncio.get_running_loop().getaddrinfo(bare, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if family == socket.AF_INET6 and len(sockaddr) > 3 and sockaddr[3]:
            address = ipaddress.IPv6Address(f"{address}%{sockaddr[3]}")
        if address not in found:
            found.append(address)
    if not found:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return found
