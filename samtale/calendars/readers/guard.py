"""Which addresses the readers may connect to: not Samtale's own network.

A person gives the address of their calendar, and Samtale's server fetches it. Unchecked,
anyone who may connect a calendar could have the server ask an address inside the
organization's network (a database's port, an admin page, a cloud's metadata service at
169.254.169.254) and learn from the count or the error the page shows what is there. So a
reader refuses, by default, a name that resolves to an internal address (core.outbound:
loopback, private, link-local and the rest, IPv4 and IPv6). A name with several addresses is
refused when any one of them is. SAMTALE_BUSY_ALLOWED_NETWORKS lets the operator allow their
own CalDAV or Exchange servers.

Where it is checked:

- when a connection is saved (services.connection_save), so the form says so at once;
- at every connection a reader opens (`CheckedAdapter`): the name is resolved once, every
  address is checked, and the socket is connected to a checked address, never to a second
  DNS answer (DNS rebinding). A redirect is a new request and is checked the same way,
  whether readers.http follows it or requests does (for caldav). The adapter is
  readers.limits' as well: what comes back is read within the limits, and the read's
  deadline closes the connections;
- through a proxy (HTTP_PROXY/HTTPS_PROXY in the environment) Samtale connects only to the
  proxy, which resolves the name again: there the name is checked right before each
  request, and a name whose answer changes between the two look-ups is not caught. A
  proxy should refuse internal addresses itself. Behind a proxy, too, Samtale must be able
  to resolve a calendar's name: one it cannot resolve is not read.

Microsoft Graph's and Entra ID's addresses (SAMTALE_GRAPH_URL, SAMTALE_GRAPH_AUTHORITY_URL)
are the operator's, not a person's: readers.graph uses sessions without this check.
"""

import ipaddress
import socket
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from requests.utils import select_proxy
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from samtale.calendars.readers import limits
from samtale.calendars.readers.base import REFUSED, UNREACHABLE, Unreadable
from samtale.core import outbound

DEFAULT_PORTS = {"http": 80, "https": 443}


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(network, strict=False)
        for network in settings.SAMTALE_BUSY_ALLOWED_NETWORKS
    ]


def refused(ip: outbound.Address) -> bool:
    """Whether a reader may not connect to `ip`: internal (core.outbound), and in no network
    SAMTALE_BUSY_ALLOWED_NETWORKS allows."""
    return outbound.refused(ip, allowed_networks())


def lookup(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (socket.gaierror if none): the readers' one
    resolver, which a test may answer for."""
    family = urllib3_connection.allowed_gai_family()
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)]


def checked(host: str, port: int) -> list[str]:
    """The addresses of `host`, each of them checked; `Unreadable(REFUSED)` if any one is
    refused (the detail, host and address, is for the operator's log only)."""
    addresses = list(dict.fromkeys(lookup(host.strip("[]").rstrip("."), port)))
    for address in addresses:
        if refused(ipaddress.ip_address(address)):
            raise Unreadable(REFUSED, f"{host} is {address}")
    return addresses


def _host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 443)


def check_url(url: str) -> None:
    """Refuse the address now (`Unreadable`: REFUSED, or UNREACHABLE where its name does not
    resolve, or is not a name)."""
    try:
        checked(*_host_and_port(url))
    except (OSError, UnicodeError, ValueError) as failed:  # socket.gaierror is an OSError
        raise Unreadable(UNREACHABLE, type(failed).__name__) from None


def url_refused(url: str) -> bool:
    """Whether the address is refused as its name resolves now (a connection being saved).
    A name that does not resolve is not refused here: reading it says it cannot be reached."""
    try:
        check_url(url)
    except Unreadable as failed:
        return failed.code == REFUSED
    return False


if TYPE_CHECKING:  # what it is mixed into, for the checker
    _Connection = HTTPConnection
else:
    _Connection = object


class _Checked(_Connection):
    """A urllib3 connection that resolves its host once, checks every address, and connects
    the socket to a checked one (the host name still goes in the Host header and to TLS, for
    the certificate). Mixed in before urllib3's HTTP(S)Connection."""

    def _new_conn(self) -> socket.socket:
        try:
            addresses = checked(self._dns_host, self.port)
        except socket.gaierror as failed:
            raise NameResolutionError(self.host, self, failed) from failed
        error: Exception = NewConnectionError(self, "no address to connect to")
        for address in addresses:
            try:
                sock = urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError:
                error = ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                )
            except OSError as failed:
                error = NewConnectionError(self, f"Failed to establish a new connection: {failed}")
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        raise error


class _CheckedHTTPConnection(limits.Watched, _Checked, HTTPConnection):
    pass


class _CheckedHTTPSConnection(limits.Watched, _Checked, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class CheckedAdapter(limits.LimitedAdapter):
    """requests' adapter whose direct connections go only to checked addresses, and whose
    requests through a proxy are checked just before they are sent; within the readers'
    limits (readers.limits)."""

    pools = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}

    def send(self, request, **kwargs):
        # The proxy's own connection is the operator's (urllib3's ProxyManager, unchecked);
        # the address asked through it is the person's.
        if select_proxy(request.url, kwargs.get("proxies")):
            check_url(request.url)
        return super().send(request, **kwargs)
