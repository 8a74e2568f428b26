"""Which addresses Samtale's server may connect to for what someone outside the operators
gave it: not its own network.

A municipality's mailbox (SAMTALE_CALENDAR_IMAP_URL) and identity providers
(SAMTALE_SSO_PROVIDERS) are configured per municipality, and a person's calendar address
by the person: unchecked, either could have the server connect inside the installation's
network (a database's port, another service's admin page, a cloud's metadata service at
169.254.169.254). An address is *internal* when it is loopback, private, link-local,
multicast, reserved, unspecified or otherwise not globally reachable, IPv4 or IPv6 (an IPv4
address inside an IPv6 one, ::ffff:10.0.0.1 or NAT64's 64:ff9b::/96, is judged as that IPv4
address); it is refused unless it lies in a network the operator allows (each use names its
setting: SAMTALE_OUTBOUND_ALLOWED_NETWORKS for a municipality's own servers,
SAMTALE_BUSY_ALLOWED_NETWORKS for people's calendars). A name with several addresses is
refused when any one of them is."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(OSError):
    """An internal address no allowed network holds: nothing was connected."""


def _ipv4_inside(ip: Address) -> Address:
    """The IPv4 address an IPv6 one carries to (mapped, or NAT64's well-known prefix)."""
    if ip.version == 6:
        assert isinstance(ip, ipaddress.IPv6Address)
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return ip


def internal(ip: Address) -> bool:
    """Whether `ip` is not a public address on the internet."""
    ip = _ipv4_inside(ip)
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # also 100.64.0.0/10, the carriers' and many intranets' NAT
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def refused(ip: Address, allowed: Iterable[Network]) -> bool:
    """Whether `ip` may not be connected to: internal, and in no allowed network."""
    if not internal(ip):
        return False
    ips = {ip, _ipv4_inside(ip)}
    return not any(
        candidate in network
        for network in allowed
        for candidate in ips
        if candidate.version == network.version
    )


def addresses_checked(host: str, port: int, allowed: Iterable[Network]) -> list[str]:
    """The addresses `host` resolves to, each checked: `Refused` names the first refused
    (socket.gaierror where the name does not resolve). Connect to one of these, never to a
    second look-up's answer."""
    allowed = list(allowed)
    host = host.strip("[]").rstrip(".")
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for address in addresses:
        if refused(ipaddress.ip_address(address), allowed):
            raise Refused(
                f"{host} is {address}, an address inside this installation's network that "
                "no allowed network holds"
            )
    return addresses
