"""The broad crawl: many portals through one spider, each portal still walked by its own spider.

``nianbao crawl --all`` used to start one Scrapy crawler per portal spider in one process. Each
crawler brings its own engine, scheduler, downloader, middlewares, pipelines (two database
engines and a schema check each) and stats; with a thousand portals that is most of the memory
and start-up time of the run (README "Broad crawl" has the measurement), and a thousand
schedulers cannot share one per-domain fair queue. :class:`BroadSpider` is one crawler for all
of them: every portal spider is instantiated as a *delegate* (its facts, knobs and hooks
untouched), the broad spider yields the delegates' requests and sends each response back to the
delegate that asked for it (``nianbao_portal`` and ``nianbao_callback`` in the request meta, so
requests still serialise into a job directory or a scrapy-redis queue). Items keep the
delegate's ``spider`` and ``portal``, so reports, the seen-set and the run record are per
portal exactly as with one crawler per spider.

Politeness stays per portal because Scrapy's download slots are per host: at most
``CONCURRENT_REQUESTS_PER_DOMAIN`` requests and ``DOWNLOAD_DELAY`` (AutoThrottle) per host,
while ``NIANBAO_BROAD_CONCURRENCY`` requests run at once over all hosts and the
``DownloaderAwarePriorityQueue`` hands out requests of the least busy hosts first, so no slow
portal starves the others.

Per-portal figures (:meth:`BroadSpider.portal_stats`, Scrapy stats keys restricted to one
portal) are recorded by the run monitor as one ``crawl_run_spider`` row per portal beside the
broad spider's own row, so a dead, blocked or emptied portal is flagged under its own name.

Run it directly on a portal list in the registry's CSV layout (name, portal, family,
allowed_domains, column_urls, knobs, description):

    nianbao crawl broad -a portals=portals.csv
"""

from __future__ import annotations

import functools
import inspect
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from nianbao.crawler.middlewares.faults import (
    FAULT_PREFIX,
    STAT_FULL,
    STAT_NOT_MODIFIED,
    exception_kind,
    response_kind,
)
from nianbao.crawler.middlewares.kinds import META_KIND, REPORT_CALLBACKS
from nianbao.crawler.middlewares.lists import STAT_EMPTY, STAT_LIST_PAGES
from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.crawler.spiders.base.pages import is_challenge

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

META_PORTAL = "nianbao_portal"
META_CALLBACK = "nianbao_callback"


def is_mergeable(spidercls: type) -> bool:
    """Whether a spider can run as a delegate: a portal spider with no settings of its own
    (``custom_settings`` cannot differ per portal inside one crawler)."""
    return (
        isinstance(spidercls, type)
        and issubclass(spidercls, AnnualReportSpider)
        and not issubclass(spidercls, BroadSpider)
        and not getattr(spidercls, "custom_settings", None)
        and getattr(spidercls, "include_in_all", True)
    )


def read_portal_classes(path: Path) -> list[type[AnnualReportSpider]]:
    """Spider classes of the portals in a registry file, every row checked as the registry
    checks its own (:func:`~.registry.read_rows`; a bad row raises with its line number)."""
    from .registry import read_rows, spider_class

    return [spider_class(row) for row in read_rows(path)]


class BroadSpider(AnnualReportSpider):
    """One crawler for many portal spiders (see the module docstring).

    Arguments: ``portal_classes`` (spider classes, from ``nianbao crawl --all``) or
    ``portals`` (-a: a registry-layout CSV file).
    """

    name = "broad"
    portal = "broad crawl"
    include_in_all: ClassVar[bool] = False
    custom_settings: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        portal_classes: Sequence[type[AnnualReportSpider]] = (),
        portals: str = "",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        classes = list(portal_classes)
        if portals:
            classes += read_portal_classes(Path(portals))
        if not classes:
            raise ValueError("the broad spider needs portal_classes or -a portals=FILE.csv")
        super().__init__(*args, **kwargs)
        self.delegates: dict[str, AnnualReportSpider] = {}
        for cls in classes:
            if cls.name in self.delegates:
                raise ValueError(f"two portals are named {cls.name!r}")
            self.delegates[cls.name] = cls()
        domains = {d for spider in self.delegates.values() for d in spider.allowed_domains}
        # Scrapy's offsite filter sees the union; each delegate still keeps to its own domains.
        self.allowed_domains = sorted(domains)
        self.start_urls = []
        self._portal_stats: dict[str, Counter[str]] = defaultdict(Counter)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        concurrency = settings.getint("NIANBAO_BROAD_CONCURRENCY")
        if concurrency and (settings.getpriority("CONCURRENT_REQUESTS") or 0) <= 20:
            settings.set("CONCURRENT_REQUESTS", concurrency, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for name, delegate in spider.delegates.items():
            # The delegates count into the crawl's stats, and into their portal's figures.
            delegate.crawler = crawler
            delegate.settings = crawler.settings
            delegate._inc = functools.partial(spider._portal_inc, name)  # type: ignore[method-assign]
        crawler.signals.connect(spider._item_scraped, signal=signals.item_scraped)
        return spider

    @property
    def spider_names(self) -> list[str]:
        """The portal spiders this crawl runs (the seen-set and the summary are per portal)."""
        return list(self.delegates)

    # --- Requests out ------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # One start request per portal in turn: the first pages of every portal are queued
        # before any portal's second, whatever the scheduler's order.
        streams = [(name, spider.start().__aiter__()) for name, spider in self.delegates.items()]
        while streams:
            still = []
            for name, stream in streams:
                try:
                    request = await stream.__anext__()
                except StopAsyncIteration:
                    continue
                except Exception:  # one portal's broken facts must not stop the others
                    self.logger.exception("%s: its start requests failed", name)
                    self._portal_stats[name]["spider_exceptions/count"] += 1
                    continue
                still.append((name, stream))
                yield self._wrap(name, request)
            streams = still

    def _wrap(self, name: str, request: scrapy.Request) -> scrapy.Request:
        """The delegate's request, routed back through this spider."""
        callback = request.callback
        if callback is None:
            method = "parse"
        elif inspect.ismethod(callback) and callback.__self__ is self.delegates[name]:
            method = callback.__name__
        else:
            raise ValueError(f"{name}: callback {callback!r} is not a method of the spider")
        meta = {META_PORTAL: name, META_CALLBACK: method}
        meta.setdefault(META_KIND, "report" if method in REPORT_CALLBACKS else "list")
        if request.meta.get(META_KIND):
            meta[META_KIND] = request.meta[META_KIND]
        stats = self._portal_stats[name]
        stats["downloader/request_count"] += 1
        if meta[META_KIND] == "report":
            stats["nianbao/lists/report_links"] += 1
        return request.replace(
            callback=self.route,
            errback=self.failed,
            meta={**request.meta, **meta},
        )

    # --- Responses in ------------------------------------------------------------------------

    def route(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Hand a response to the delegate that asked for it; route what it yields."""
        name = response.meta[META_PORTAL]
        delegate = self.delegates[name]
        stats = self._portal_stats[name]
        stats["response_received_count"] += 1
        stats[STAT_NOT_MODIFIED if "cached" in response.flags else STAT_FULL] += 1
        kind = response_kind(response.request, response) if response.request else None
        if kind is not None:
            stats[FAULT_PREFIX + kind] += 1
        result = getattr(delegate, response.meta[META_CALLBACK])(response, **kwargs)
        produced = 0
        try:
            for output in result or ():
                produced += 1
                yield self._wrap(name, output) if isinstance(output, scrapy.Request) else output
        except Exception:
            stats["spider_exceptions/count"] += 1  # and Scrapy logs and counts it for the crawl
            raise
        if response.meta.get(META_KIND) == "list" and response.status == 200:
            # As the list-page middleware counts them for the whole crawl.
            stats[STAT_LIST_PAGES] += 1
            if produced == 0 and not is_challenge(response):
                stats[STAT_EMPTY] += 1

    def failed(self, failure: Failure) -> None:
        """A request that failed for good (after its retries): counted for its portal."""
        request = failure.request  # type: ignore[attr-defined]
        name = request.meta.get(META_PORTAL)
        if name is None:
            return
        error = failure.value
        stats = self._portal_stats[name]
        if isinstance(error, IgnoreRequest) and not isinstance(error, HttpError):
            # Not a failure: the seen-set found the report unchanged, or the fault middleware
            # gave up on a host that kept failing tonight.
            if "unchanged" in str(error):
                stats["nianbao/incremental/skipped/unchanged"] += 1
            elif "gave up" in str(error):
                stats[FAULT_PREFIX + "host_skipped"] += 1
            return
        if isinstance(error, HttpError):
            kind = response_kind(request, error.response) or "other"
        else:
            kind = exception_kind(error)
        stats[FAULT_PREFIX + kind] += 1
        self.logger.info("%s: %s failed (%s)", name, request.url, kind)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Responses without a routed callback (none are asked for) go to their delegate."""
        yield from self.route(response, **kwargs)

    # --- Per-portal figures ------------------------------------------------------------------

    def _portal_inc(self, name: str, key: str, count: int = 1) -> None:
        self._portal_stats[name][key] += count
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    def _item_scraped(self, item: Any, **_: Any) -> None:
        name = item.get("spider") if hasattr(item, "get") else None
        if name in self.delegates and item.get("stored"):
            self._portal_stats[name][f"nianbao/store/{item['stored']}"] += 1

    def portal_stats(self) -> dict[str, dict[str, Any]]:
        """Each portal's share of the crawl, as Scrapy stats keys (for ``spider_figures``)."""
        reason = self.crawler.stats.get_value("finish_reason") if self.crawler.stats else None
        return {
            name: {**self._portal_stats[name], "finish_reason": reason or "finished"}
            for name in self.delegates
        }
