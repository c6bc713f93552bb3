"""No request to a non-public address: the crawl must not be turned against its own network.

A report page is written by whoever controls the portal. A link (or a redirect) to
``http://127.0.0.1:8080/admin``, ``http://169.254.169.254/`` (cloud metadata) or
``http://10.0.0.5/`` would otherwise be fetched from inside the crawler's network, archived and
kept in the WARC. Every request — page, attachment, redirect hop (RedirectMiddleware sends each
hop through the middlewares again) — is checked here: the host is turned into an address once
(an IP literal in any form the C resolver accepts, ``2130706433`` and ``0x7f.1`` included, or a
DNS name through the crawl's own caching resolver, the same cache the connection then uses)
and the *address* is refused when it is loopback, private, link-local, multicast, reserved or
unspecified (IPv4-mapped IPv6 included). ``NIANBAO_ALLOW_PRIVATE_ADDRESSES`` turns the check
off: the tests' local servers and the simulated portals need it.

Through an HTTP proxy the proxy resolves names, so only IP literals can be checked here; the
proxy is the operator's and is trusted. Cassette replays are answered before this middleware
(priority 130, after the cassette's 120) and need no DNS at all.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

STAT_REFUSED = "nianbao/addresses/refused"
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class NonPublicAddress(IgnoreRequest):
    """The request's host is, or resolves to, an address outside the public internet."""


def literal_address(host: str) -> Address | None:
    """The address an IP literal names, in every spelling a resolver accepts (dotted, decimal,
    octal, hex, short ``127.1``, bracketed IPv6); ``None`` for a DNS name."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def is_public(address: Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _proxied(request: Any) -> bool:
    """Whether the request goes through an HTTP proxy (its meta, or the environment's)."""
    if request.meta.get("proxy"):
        return True
    parts = urlsplit(request.url)
    proxies = urllib.request.getproxies()
    return parts.scheme in proxies and not urllib.request.proxy_bypass(parts.hostname or "")


async def _resolve_with_reactor(host: str) -> str:
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor

    return await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]


class AddressGuardMiddleware:
    """Downloader middleware refusing requests whose host is not a public address."""

    def __init__(
        self,
        *,
        allow_private: bool,
        stats: Any = None,
        resolve: Callable[[str], Awaitable[str]] = _resolve_with_reactor,
    ) -> None:
        self.allow_private = allow_private
        self.stats = stats
        self.resolve = resolve
        self._warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        return cls(
            allow_private=crawler.settings.getbool("NIANBAO_ALLOW_PRIVATE_ADDRESSES"),
            stats=crawler.stats,
        )

    async def process_request(self, request: Any, spider: Any = None) -> None:
        if self.allow_private:
            return None
        host = urlsplit(request.url).hostname
        if not host:
            return None
        address = literal_address(host)
        if address is None and not _proxied(request):
            try:
                address = ipaddress.ip_address(await self.resolve(host))
            except Exception:  # unresolvable: the download fails with its own DNS error
                return None
        if address is not None and not is_public(address):
            self._refuse(request.url, host, address)
        return None

    def _refuse(self, url: str, host: str, address: Address) -> None:
        if self.stats is not None:
            self.stats.inc_value(STAT_REFUSED)
        if host not in self._warned:
            self._warned.add(host)
            logger.warning(
                "refused %s: %s is %s, not a public address "
                "(NIANBAO_ALLOW_PRIVATE_ADDRESSES allows it)",
                url,
                host,
                address,
            )
        raise NonPublicAddress(f"address_refused: {host} is {address}, not a public address")
