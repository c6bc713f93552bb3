"""Incremental nightly crawls: report pages already stored are asked for conditionally, and an
identical body is never parsed again.

The choice, measured in ``benchmarks/bench_nightly.py`` and argued in the README: list pages go
through Scrapy's HTTP cache (``RevalidatingPolicy``: every night a conditional request, a 304
hands the spider the stored copy), report pages through a *seen-set in the database*
(``page_seen``), written by :class:`nianbao.pipelines.seen.SeenPipeline` only after the report
was saved. The database rather than the cache or scrapy-deltafetch holds it because

- it records what was *stored*, not what was downloaded: a page fetched but lost to a failed
  parse or a kill is fetched again the next night (deltafetch marks a page seen as soon as it
  yields an item, before the pipelines run);
- it is shared by every worker of a scale-out crawl and survives a wiped cache folder;
- it keeps the validators (``ETag``, ``Last-Modified``) and the body hash, so a changed report
  is still found the same night (deltafetch never asks about a page it has seen again).

For a report request this middleware (order 890, before the cache) adds ``If-None-Match`` /
``If-Modified-Since`` from the seen-set and keeps the page out of the HTTP cache. A 304 ends
the request (``nianbao/incremental/skipped/not_modified``); a 200 whose body hashes to what was
stored ends it too (``…/skipped/same_body``: a server without validators costs a download, but
no parse and no write). Any other answer goes on to the spider and the pipelines, and what it
was fetched with waits here for :class:`~nianbao.pipelines.seen.SeenPipeline`.

Off (every page fetched and parsed) when ``NIANBAO_INCREMENTAL`` is false, when replaying or
recording cassettes (a replay exists to re-read pages, e.g. after a parser upgrade), or without
a database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import weakref
from typing import TYPE_CHECKING, ClassVar, Self

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from .kinds import request_kind

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STAT_NOT_MODIFIED = "nianbao/incremental/skipped/not_modified"
STAT_SAME_BODY = "nianbao/incremental/skipped/same_body"
STAT_CONDITIONAL = "nianbao/incremental/conditional"
STAT_KNOWN = "nianbao/incremental/known_pages"


@dataclasses.dataclass(frozen=True)
class Seen:
    """What the seen-set remembers of a stored report page."""

    etag: str | None
    last_modified: str | None
    body_sha256: str | None


@dataclasses.dataclass(frozen=True)
class Fetch:
    """How a report page was fetched tonight: recorded once its report is stored."""

    urls: tuple[str, ...]  # the link followed, and where redirects ended
    etag: str | None
    last_modified: str | None
    body_sha256: str


class SeenSet:
    """Per crawler: the seen pages (loaded when the spider opens) and tonight's fetches."""

    _by_crawler: ClassVar[weakref.WeakKeyDictionary[Crawler, SeenSet]] = weakref.WeakKeyDictionary()

    def __init__(self) -> None:
        self.pages: dict[str, Seen] = {}
        self.pending: dict[str, Fetch] = {}
        self.loaded = False

    @classmethod
    def of(cls, crawler: Crawler) -> SeenSet:
        found = cls._by_crawler.get(crawler)
        if found is None:
            found = cls._by_crawler[crawler] = cls()
        return found

    def load(self, pages: dict[str, Seen]) -> None:
        self.pages = pages
        self.loaded = True

    def take(self, url: str) -> Fetch | None:
        return self.pending.pop(url, None)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen = SeenSet.of(crawler)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NIANBAO_INCREMENTAL") or settings.getbool("CASSETTE_ENABLED"):
            raise NotConfigured
        if not settings.get("NIANBAO_DATABASE_URL"):
            raise NotConfigured
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        if self.stats is not None:
            self.stats.set_value(STAT_KNOWN, len(self.seen.pages))

    def process_request(self, request: Request) -> None:
        if request_kind(request) != "report":
            return
        request.meta["dont_cache"] = True  # report pages are the seen-set's, not the cache's
        seen = self.seen.pages.get(request.url)
        if seen is None:
            return
        conditional = False
        if seen.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = seen.etag
            conditional = True
        if seen.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = seen.last_modified
            conditional = True
        if conditional and self.stats is not None:
            self.stats.inc_value(STAT_CONDITIONAL)

    def _original_url(self, request: Request) -> str:
        redirects = request.meta.get("redirect_urls") or [request.url]
        return redirects[0]

    def process_response(self, request: Request, response: Response) -> Response:
        if request_kind(request) != "report" or "cached" in response.flags:
            return response
        original = self._original_url(request)
        seen = self.seen.pages.get(original) or self.seen.pages.get(response.url)
        if response.status == 304 and seen is not None:
            self._skip(STAT_NOT_MODIFIED)
        if response.status != 200:
            return response
        digest = body_sha256(response.body)
        if seen is not None and seen.body_sha256 == digest:
            self._skip(STAT_SAME_BODY)
        urls = tuple(dict.fromkeys((original, response.url)))
        self.seen.pending[response.url] = Fetch(
            urls, _header(response, b"ETag"), _header(response, b"Last-Modified"), digest
        )
        return response

    def _skip(self, stat: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(stat)
        raise IgnoreRequest("report page unchanged since it was stored")
