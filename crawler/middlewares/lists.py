"""Notice list pages that suddenly list nothing, and count the report links columns yield.

A column page that comes back as a valid 200 with no links (a redesign, a CMS fault, an empty
search result) is the quietest way a portal breaks: nothing fails, nothing is stored, and the
crawl looks fine. This spider middleware counts, per list page, what the spider made of it:
a list page that produced nothing at all (no report link, no further list page, no item) is a
fault, ``nianbao/fault/empty_list``, logged with its URL. Stored reports are never touched by
it (the store only adds and updates), and the next night reads the column again.

``nianbao/lists/report_links`` counts report requests yielded by list pages (before the
duplicate filter and before incremental skipping): the monitor flags a spider whose column
yields none.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Self

from scrapy.http import Request, Response

from nianbao.crawler.spiders.base.pages import is_challenge

from .kinds import request_kind

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STAT_EMPTY = "nianbao/fault/empty_list"
STAT_REPORT_LINKS = "nianbao/lists/report_links"
STAT_LIST_PAGES = "nianbao/lists/pages"


class ListPageMiddleware:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        is_list = response.request is not None and request_kind(response.request) == "list"
        produced = 0
        async for output in result:
            produced += 1
            if is_list and isinstance(output, Request) and request_kind(output) == "report":
                self.stats.inc_value(STAT_REPORT_LINKS)
            yield output
        if not is_list or response.status != 200:
            return
        self.stats.inc_value(STAT_LIST_PAGES)
        if produced == 0 and not is_challenge(response):
            self.stats.inc_value(STAT_EMPTY)
            logger.warning(
                "List page lists nothing (a broken or emptied column?): %s", response.url
            )
