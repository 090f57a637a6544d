"""Where a webhook may point (issue 14, "Webhooks, safely"). Pure checks and
one name resolution: no nameko, no database, no connection.

A webhook is a request this service makes on someone's word, from inside the
county's network. Unchecked, it reaches what only the inside reaches: the
cloud's metadata address, the cluster's services, the database, loopback;
and its outcome tells a port scanner what answers there. So:

- https only; plain http only to loopback in a demo deployment
  (``WEBHOOK_DEMO=1``: `make run`, and the tests with a loopback sink);
- no credentials in the URL (they would be stored and shown in clear);
- every address the name resolves to must be public (not private, loopback,
  link-local, multicast, unspecified, reserved, shared or documentation,
  IPv4 or IPv6, an IPv4-mapped IPv6 address judged as its IPv4), unless it
  is on the allow-list ``WEBHOOK_ALLOWED_NETWORKS`` (CIDRs, comma-separated)
  or it is loopback in a demo deployment;
- checked when the webhook is registered and again at each delivery, on the
  addresses resolved for that delivery; the delivery then connects to the
  address that was checked (never resolving the name a second time), so a
  name that starts resolving elsewhere (DNS rebinding) gains nothing.

The resolver is a plain function, given in: tests hand in one they control
and no name is ever looked up in DNS by them.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port -> the addresses to try, in order
Resolver = Callable[[str, int], Sequence[str]]

# Ranges that ``is_global`` still calls global but that no county system
# should be reached at: the shared address space of carrier-grade NAT is
# not global either way, and 6to4 / Teredo embed an IPv4 address of any kind.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix: an IPv4 inside
_ALSO_REFUSED: tuple[IPNetwork, ...] = (
    ipaddress.ip_network("100.64.0.0/10"),
    ipaddress.ip_network("2002::/16"),
    ipaddress.ip_network("2001::/32"),
)


class DestinationRefused(Exception):
    """A webhook URL or address that may not be used. ``message`` is in
    Romanian (a person reads it); ``why`` is a short code for the record."""

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        self.message, self.why = message, why


@dataclass(frozen=True)
class Destination:
    """A checked URL: where to connect (``address``, checked) and what to
    say there (``host`` for the Host header and TLS SNI, ``target`` path)."""

    scheme: str
    hostname: str  # as in the URL, lower case, no brackets
    port: int
    target: str  # path and query, as sent on the request line
    address: str  # the checked IP to connect to

    @property
    def host_header(self) -> str:
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(frozen=True)
class Policy:
    demo: bool = False  # loopback (and http to it) allowed: a demo deployment
    allowed: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_env(cls) -> Policy:
        raw = os.environ.get("WEBHOOK_ALLOWED_NETWORKS", "")
        try:
            allowed = tuple(
                ipaddress.ip_network(part.strip(), strict=False)
                for part in raw.split(",")
                if part.strip()
            )
        except ValueError as error:
            raise RuntimeError(
                f"WEBHOOK_ALLOWED_NETWORKS is a comma-separated list of CIDRs: {error}"
            ) from error
        return cls(demo=os.environ.get("WEBHOOK_DEMO", "0").strip() == "1", allowed=allowed)

    def check_address(self, address: str) -> IPAddress:
        """The address if a webhook may reach it; DestinationRefused if not."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone
        judged = _embedded_ipv4(ip) or ip
        if any(judged in net or ip in net for net in self.allowed):
            return ip
        if judged.is_loopback and self.demo:
            return ip
        if not judged.is_global or judged.is_multicast or _also_refused(judged):
            # The address is not named: it may be what an inside name resolves
            # to, and the refusal is recorded and published.
            raise DestinationRefused(
                "URL-ul webhook-ului duce la o adresă internă, de loopback, link-local, "
                "multicast sau rezervată, pe care un webhook nu o poate folosi. Folosiți o "
                "adresă publică sau cereți administratorului să adauge rețeaua în "
                "WEBHOOK_ALLOWED_NETWORKS.",
                "blocked_address",
            )
        return ip

    def check_url(self, url: str) -> SplitResult:
        """The URL's own rules (scheme, credentials, host), before any lookup."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as error:
            raise DestinationRefused(
                f"URL-ul webhook-ului nu este valid: {error}.", "bad_url"
            ) from error
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise DestinationRefused(
                "URL-ul webhook-ului trebuie să înceapă cu https:// și să numească un server.",
                "bad_url",
            )
        if parts.username is not None or parts.password is not None:
            raise DestinationRefused(
                "URL-ul webhook-ului nu poate conține nume de utilizator sau parolă "
                "(ar fi păstrate și afișate în clar); webhook-urile sunt semnate cu secretul lor.",
                "credentials_in_url",
            )
        if parts.fragment:
            raise DestinationRefused("URL-ul webhook-ului nu poate avea fragment (#…).", "bad_url")
        if port == 0:
            raise DestinationRefused("URL-ul webhook-ului are portul 0.", "bad_url")
        return parts

    def resolve(self, url: str, resolver: Resolver) -> Destination:
        """Checks the URL, resolves its host once and checks every address:
        one that may not be reached is enough to refuse (a name mixing a
        public and an internal address is not trusted either)."""
        parts = self.check_url(url)
        hostname = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            literal: IPAddress | None = ipaddress.ip_address(hostname)
        except ValueError:
            literal = None
        if literal is not None:
            addresses: Sequence[str] = [str(literal)]
        else:
            try:
                addresses = list(resolver(hostname, port))
                for address in addresses:
                    ipaddress.ip_address(address.split("%", 1)[0])
            except (OSError, ValueError) as error:  # ValueError: a name IDNA refuses
                raise DestinationRefused(
                    f"Numele {hostname} din URL-ul webhook-ului nu poate fi rezolvat.", "unresolved"
                ) from error
            if not addresses:
                raise DestinationRefused(
                    f"Numele {hostname} din URL-ul webhook-ului nu are nicio adresă.", "unresolved"
                )
        checked = [self.check_address(a) for a in addresses]
        if parts.scheme == "http" and not (
            self.demo and all((_embedded_ipv4(ip) or ip).is_loopback for ip in checked)
        ):
            raise DestinationRefused(
                "Webhook-urile folosesc doar https://; http:// este permis numai către "
                "loopback, într-o instalare demonstrativă (WEBHOOK_DEMO=1).",
                "not_https",
            )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Destination(parts.scheme, hostname, port, target, str(checked[0]))


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives for ``host``, in its order,
    each once (TCP only)."""
    found: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped ``::ffff:a.b.c.d``,
    NAT64's ``64:ff9b::a.b.c.d``, or the deprecated compatible ``::a.b.c.d``),
    judged by IPv4's rules."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if int(ip) >> 32 == 0 and int(ip) > 1:  # ::a.b.c.d, not :: or ::1
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _also_refused(ip: IPAddress) -> bool:
    return any(ip.version == net.version and ip in net for net in _ALSO_REFUSED)
