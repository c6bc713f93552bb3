"""The base every nianbao spider extends: what a report is, and how a fetched page is labelled.

Portal spiders are data on a family base (``link_list``, ``trs``, ``hanweb``, ``gkmlpt``); the
family base walks a column and calls :meth:`AnnualReportSpider.parse_report` for each report
page. Everything that does not depend on how a portal lists its pages is shared by every
family, so every family recognises report titles, attachments and anti-bot pages the same
way. It is kept in three parts, one job each: walking a column (``column_walk``), labelling a
report page (``report_page``), and, here, the spider's facts, hooks, stats and blocks. What a
title is lives in :mod:`nianbao.parsers.titles`, what a fetched page is in ``pages``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from nianbao.crawler.spiders.base.column_walk import ColumnWalker
from nianbao.crawler.spiders.base.pages import BLOCKED_STATUSES, is_challenge
from nianbao.crawler.spiders.base.report_page import ReportPageBuilder
from nianbao.parsers.titles import NOT_REPORT, REPORT_TITLE, is_report_title, title_facts

STAT_PREFIX = "nianbao/spider"
STAT_BLOCKED = "nianbao/blocked"


class AnnualReportSpider(ColumnWalker, ReportPageBuilder, scrapy.Spider):
    """Shared base of all nianbao spiders: report titles, the ``ReportPage`` item, blocks.

    Set (portal facts):
        ``name``: ``<province>_<place>`` in pinyin, also the cassette folder and test stem.
        ``portal``: the portal's human name (泸定县人民政府).
        ``column_urls``: the 政府信息公开年报 column(s); ``start_urls`` defaults to them.
        ``allowed_domains``: no request leaves these.
        (Both are tuples in portal spiders: class-level data that nothing should mutate.)
        ``authority``: for reports whose title names no authority (``2023年政府信息…报告``).
    Tune: ``report_title_re`` (groups pre/year/post), ``not_report_re``;
        ``subcolumn_depth`` (3): how far below a column its sub-columns are walked: per-year
            sub-columns (``2017``, ``2023年度``), per-township ones (``马水镇``, ``二郎街道``)
            and a township's own 年报 column (``信息公开年度报告``); ``0`` walks none.
        ``subcolumn_text_re``: further link texts to walk as sub-columns (e.g. departments).
    Set by the family base: ``family``, ``parse`` (walking a column), ``is_subcolumn_url``.

    Hooks (no-op by default):
        ``keep_link(title, url) -> bool``: veto a report link the title test accepted.
        ``post_process(item, response) -> item``: adjust the item before it is yielded.
        ``is_subcolumn_url(url, response) -> bool``: whether a link can lead to a sub-column.

    The report year is the title's; a title without one falls back to the statistics period
    printed in the text (统计期限为2024年1月1日至…), then to the year of the sub-column the
    report was listed in. The publication date never gives the year.

    Stats: ``nianbao/spider/list_pages``, ``…/report_pages``, ``…/skipped_titles``,
    ``…/offsite_links``, ``…/subcolumns``, and ``nianbao/blocked`` for anti-bot answers, which
    are never yielded.
    Shield statuses (412, 521) reach the callbacks so that they are counted, not just dropped.
    """

    portal: ClassVar[str] = ""
    family: ClassVar[str] = ""
    column_urls: ClassVar[Sequence[str]] = ()
    authority: ClassVar[str | None] = None
    allowed_domains: ClassVar[Sequence[str]] = ()
    report_title_re: ClassVar[re.Pattern[str]] = REPORT_TITLE
    not_report_re: ClassVar[re.Pattern[str]] = NOT_REPORT
    handle_httpstatus_list: ClassVar[list[int]] = list(BLOCKED_STATUSES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The ``-a`` arguments this run was given (strings only, ``start_urls`` apart): the
        #: WARC captures keep them, so ``nianbao reparse`` re-creates the spider as it crawled.
        self.spider_arguments: dict[str, str] = {
            key: value
            for key, value in kwargs.items()
            if isinstance(value, str) and key not in ("start_urls", "name")
        }
        if not self.start_urls:
            self.start_urls = list(self.column_urls)

    # --- Hooks ---------------------------------------------------------------------------------

    def keep_link(self, title: str, url: str) -> bool:
        """Hook: return False to skip a link whose title looked like a report."""
        return True

    # --- Shared pieces -------------------------------------------------------------------------

    def is_report_title(self, title: str | None) -> bool:
        return is_report_title(title, self.report_title_re, self.not_report_re)

    def title_facts(self, title: str | None) -> tuple[str | None, int | None]:
        return title_facts(title, self.report_title_re)

    def inc_stat(self, key: str, count: int = 1) -> None:
        """Count under ``nianbao/spider/<key>``; a spider built without a crawler counts nothing."""
        self._inc(f"{STAT_PREFIX}/{key}", count)

    def _inc(self, key: str, count: int = 1) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key, count)

    def allows(self, url: str) -> bool:
        """Whether ``url`` is inside ``allowed_domains`` (everything is when none are set).

        Hosts are compared without the port, as Scrapy's OffsiteMiddleware does
        (``180.76.149.248:88`` is inside ``180.76.149.248``).
        """
        if not self.allowed_domains:
            return True
        host = (urlsplit(url).hostname or "").lower()
        return bool(host) and any(
            host == domain or host.endswith(f".{domain}")
            for domain in (domain.lower() for domain in self.allowed_domains)
        )

    def blocked(self, response: Response) -> bool:
        """Log and count an anti-bot answer; callbacks return at once when this is True."""
        if not is_challenge(response):
            return False
        self.logger.warning("Blocked by an anti-bot shield (%s): %s", response.status, response.url)
        self._inc(STAT_BLOCKED)
        return True
