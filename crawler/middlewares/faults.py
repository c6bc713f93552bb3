"""Count every fault a portal throws at a crawl, cap page sizes, and stop hammering dead hosts.

Government portals time out, answer 5xx in bursts, put up anti-bot shields (403, 412 + 瑞数
challenge), reset connections, cut bodies short, loop redirects and serve gigantic pages. Scrapy
already survives all of these (retries, timeouts, the size cap, the redirect limit); this
middleware makes them *visible*: each attempt that fails is counted under
``nianbao/fault/<kind>``, which the run report and the monitor read. It sits next to the
downloader (order 950), so it sees every attempt, retried ones included, before the HTTP cache
replaces an error with a stale copy.

Kinds: ``timeout``, ``server_error`` (5xx), ``throttled`` (429), ``blocked`` (403, 412, 521 or a
challenge page served as 200), ``connection`` (refused, reset, lost), ``truncated`` (the body
ended before its Content-Length), ``too_large`` (over the size cap), ``redirect_loop``, ``dns``,
``other``. Traffic is counted as ``nianbao/http/full`` (a body came over the network) and
``nianbao/http/not_modified`` (a 304 answered a conditional request); an answer from a cassette
(``--replay``, or a recorded request under ``--record new_episodes``) is
``nianbao/http/replayed``, never a download, and a cassette miss is no answer at all.

Settings:
    ``NIANBAO_PAGE_MAXSIZE``: byte cap for list and report pages (attachments keep
        ``DOWNLOAD_MAXSIZE``); a page larger than any real report is a broken or hostile one.
    ``NIANBAO_HOST_FAILURE_LIMIT``: after this many failed attempts in a row on one host, the
        rest of tonight's requests to it are dropped (``nianbao/fault/host_skipped``) instead of
        each waiting out its retries; 0 never gives up. The next night starts afresh.
"""

from __future__ import annotations

import collections
import logging
from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from twisted.internet.error import ConnectError, ConnectionDone, ConnectionLost

from nianbao.crawler.spiders.base.pages import is_challenge

from .kinds import request_kind

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

FAULT_PREFIX = "nianbao/fault/"
STAT_FULL = "nianbao/http/full"
STAT_NOT_MODIFIED = "nianbao/http/not_modified"
STAT_REPLAYED = "nianbao/http/replayed"
STAT_HOST_SKIPPED = FAULT_PREFIX + "host_skipped"

#: Every fault kind, in the order the run report prints them.
FAULT_KINDS: tuple[str, ...] = (
    "timeout",
    "server_error",
    "throttled",
    "blocked",
    "connection",
    "truncated",
    "too_large",
    "redirect_loop",
    "dns",
    "undeclared_charset",
    "empty_list",
    "other",
)

BLOCK_STATUSES = frozenset({403, 412, 521})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def exception_kind(exception: BaseException) -> str:
    """The fault kind of a download exception."""
    if isinstance(exception, DownloadTimeoutError):
        return "timeout"
    if isinstance(exception, ResponseDataLossError):
        return "truncated"
    if isinstance(exception, DownloadCancelledError):
        return "too_large"
    if isinstance(exception, CannotResolveHostError):
        return "dns"
    if isinstance(
        exception,
        DownloadConnectionRefusedError
        | DownloadFailedError
        | ConnectionLost
        | ConnectionDone
        | ConnectError
        | ConnectionError,
    ):
        return "connection"
    if isinstance(exception, TimeoutError):
        return "timeout"
    return "other"


def response_kind(request: Request, response: Response) -> str | None:
    """The fault kind of a response, or None when it is a normal answer."""
    status = response.status
    if status in BLOCK_STATUSES:
        return "blocked"
    if status == 429:
        return "throttled"
    if status >= 500:
        return "server_error"
    if status in _REDIRECTS:
        location = response.headers.get(b"Location")
        if location:
            target = urljoin(request.url, location.decode("latin-1"))
            visited = [*request.meta.get("redirect_urls", ()), request.url]
            if target in visited:
                return "redirect_loop"
        return None
    if status == 200 and request_kind(request) in ("list", "report") and is_challenge(response):
        return "blocked"
    return None


class FaultMiddleware:
    """Downloader middleware (order 950): fault and traffic counters, page cap, host breaker."""

    def __init__(self, stats: StatsCollector, page_maxsize: int, host_failure_limit: int) -> None:
        self.stats = stats
        self.page_maxsize = page_maxsize
        self.host_failure_limit = host_failure_limit
        self.failures_in_a_row: collections.Counter[str] = collections.Counter()
        self.given_up: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        assert crawler.stats is not None
        return cls(
            crawler.stats,
            settings.getint("NIANBAO_PAGE_MAXSIZE"),
            settings.getint("NIANBAO_HOST_FAILURE_LIMIT"),
        )

    def _fault(self, kind: str, request: Request) -> None:
        self.stats.inc_value(FAULT_PREFIX + kind)
        host = urlsplit(request.url).netloc
        self.failures_in_a_row[host] += 1
        if (
            self.host_failure_limit
            and host not in self.given_up
            and self.failures_in_a_row[host] >= self.host_failure_limit
        ):
            self.given_up.add(host)
            logger.error(
                "%s failed %d times in a row (last: %s); no more requests to it tonight",
                host,
                self.failures_in_a_row[host],
                kind,
            )

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).netloc
        if host in self.given_up and request_kind(request) != "robots":
            self.stats.inc_value(STAT_HOST_SKIPPED)
            raise IgnoreRequest(f"{host} gave up on tonight: {request.url}")
        if (
            self.page_maxsize
            and "download_maxsize" not in request.meta
            and request_kind(request) in ("list", "report")
        ):
            request.meta["download_maxsize"] = self.page_maxsize

    def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags:
            return response  # from the HTTP cache, not the network
        if "cassette" in response.flags:  # replayed (or synthesized), not downloaded
            self.stats.inc_value(STAT_REPLAYED)
        elif response.status == 304:
            self.stats.inc_value(STAT_NOT_MODIFIED)
        else:
            self.stats.inc_value(STAT_FULL)
            self.stats.inc_value(f"{STAT_FULL}/{request_kind(request)}")
        kind = response_kind(request, response)
        if kind is None:
            self.failures_in_a_row.pop(urlsplit(request.url).netloc, None)
        else:
            self._fault(kind, request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None
        self._fault(exception_kind(exception), request)
        return None
