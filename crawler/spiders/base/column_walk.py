"""Walking a 年报 column: its sub-columns, its report links, the state carried between pages.

Every family lists reports its own way (link lists, TRS pages, Hanweb datastores, gkmlpt
JSON), but what happens to the links is the same for all: a link whose title names a report
is requested once, a link naming a year, a township or a 年报 column below the column is
walked as a column of its own, and the walk's state (:data:`CARRIED_META`) travels down in
request meta. :class:`ColumnWalker` holds that part of
:class:`~nianbao.crawler.spiders.base.annual_report.AnnualReportSpider`, apart from how a
report page becomes an item (``report_page``), so each reads on its own.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import urldefrag

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from nianbao.crawler.spiders.base.columns import (
    BREADCRUMB,
    TOWNSHIP_COLUMN_TEXT,
    column_year,
    folder,
    is_below,
    names_nianbao_column,
)
from nianbao.parsers.titles import squash

#: Request meta carried down a column walk (see :meth:`ColumnWalker.walk_meta`): the
#: folder the walk started in, how many sub-columns deep it is, and the year a yearly
#: sub-column names (the report year of last resort for the reports listed in it).
META_ROOT = "nianbao_root"
META_DEPTH = "nianbao_depth"
META_YEAR = "nianbao_year"
#: The CMS family a page was walked as (set by the generic spider, which detects it).
META_FAMILY = "nianbao_family"
CARRIED_META: tuple[str, ...] = (META_ROOT, META_DEPTH, META_YEAR, META_FAMILY)


class ColumnWalker:
    """The column-walking half of ``AnnualReportSpider`` (a mixin: it calls the spider's
    ``parse``, ``parse_report``, ``is_report_title``, ``keep_link``, ``allows``, ``blocked``
    and ``inc_stat``).

    Tune: ``subcolumn_depth`` (3): how far below a column its sub-columns are walked;
    ``subcolumn_text_re``: further link texts to walk as sub-columns; ``list_page_limit``
    (200): at most this many list pages (or API calls) per column; ``article_body_css``: where
    a report's body sits on its page (inspection only: the pipelines parse the whole page).
    Each family documents what the last two mean for it and sets its own values.
    """

    subcolumn_depth: ClassVar[int] = 3
    subcolumn_text_re: ClassVar[re.Pattern[str] | None] = None
    list_page_limit: ClassVar[int] = 200
    article_body_css: ClassVar[str] = ""

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Unlike Scrapy's default, the column pages go through the duplicate filter, so that a
        # pager linking back to page 1 does not fetch it twice.
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, meta={META_ROOT: folder(url)})

    def is_subcolumn_url(self, url: str, response: TextResponse) -> bool:
        """Hook: whether ``url`` can be a sub-column of the column ``response`` belongs to.

        Path-based portals (link lists, TRS, UCAP) nest sub-columns as folders, so the URL
        must be a column page below the folder the walk started in: a link back up the tree
        or across to another column is never walked. Hanweb overrides this (``/col/colN/``).
        """
        root = response_meta(response).get(META_ROOT) or folder(response.url)
        return is_below(url, root)

    def list_page(self, response: Response) -> TextResponse | None:
        """The list page a family's callback reads, counted under ``list_pages``; ``None``
        (the callback returns) for an anti-bot answer or a page that is not text."""
        if self.blocked(response) or not isinstance(response, TextResponse):
            return None
        self.inc_stat("list_pages")
        return response

    def walk_column(
        self, response: TextResponse, links: Iterable[tuple[str, str, str | None]]
    ) -> Iterator[scrapy.Request]:
        """A column page's report ``links`` (see :meth:`report_links`), then its sub-columns."""
        yield from self.report_links(links, self.walk_meta(response))
        yield from self.subcolumn_requests(response)

    def walk_meta(self, response: Response, **changes: Any) -> dict[str, Any]:
        """The walk's state (:data:`CARRIED_META`) handed from a page to the pages it leads to."""
        meta = {key: value for key, value in response_meta(response).items() if key in CARRIED_META}
        meta.update(changes)
        return meta

    def subcolumn_requests(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """Requests for the sub-columns a column page links to (years, townships, the 年报
        column of a township), up to ``subcolumn_depth`` below the first column.

        A link is a sub-column when its text names a year, a township or a 年报 column (or
        matches ``subcolumn_text_re``), it is not in a breadcrumb, and the family accepts its
        URL (:meth:`is_subcolumn_url`). A yearly sub-column passes its year down.
        """
        meta = response_meta(response)
        depth = meta.get(META_DEPTH, 0)
        if depth >= self.subcolumn_depth:
            return
        for link in response.css("a[href]"):
            href = link.attrib["href"].strip()
            if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
                continue
            text = squash(link.attrib.get("title")) or squash(" ".join(link.css("::text").getall()))
            year = column_year(text)
            extra = self.subcolumn_text_re is not None and self.subcolumn_text_re.search(text)
            if not (
                year or extra or names_nianbao_column(text) or TOWNSHIP_COLUMN_TEXT.match(text)
            ):
                continue
            url = urldefrag(response.urljoin(href)).url
            if url == response.url or not self.allows(url):
                continue
            if not self.is_subcolumn_url(url, response) or _in_breadcrumb(link):
                continue
            self.inc_stat("subcolumns")
            changes: dict[str, Any] = {META_DEPTH: depth + 1}
            if year:
                changes[META_YEAR] = year
            yield scrapy.Request(url, callback=self.parse, meta=self.walk_meta(response, **changes))

    def report_links(
        self,
        links: Iterable[tuple[str, str, str | None]],
        meta: dict[str, Any] | None = None,
    ) -> Iterator[scrapy.Request]:
        """Requests for the (title, absolute url, list date) links that name a report.

        Each report URL is requested once per call; links that are not reports, that a hook
        vetoes or that leave ``allowed_domains`` are counted and skipped. ``meta`` (the walk's
        state, see :meth:`walk_meta`) goes along to the report page.
        """
        seen: set[str] = set()
        for title, url, date in links:
            if url in seen:
                continue
            if not self.is_report_title(title) or not self.keep_link(title, url):
                self.inc_stat("skipped_titles")
                continue
            if not self.allows(url):
                self.logger.info("Report link outside allowed_domains skipped: %s", url)
                self.inc_stat("offsite_links")
                continue
            seen.add(url)
            yield scrapy.Request(
                url,
                callback=self.parse_report,
                cb_kwargs={"title": title, "published": date},
                meta=dict(meta or {}),
            )


def response_meta(response: Response) -> dict[str, Any]:
    """``response.meta``, or nothing for a response built without a request (tests, tools)."""
    try:
        return response.meta
    except AttributeError:
        return {}


def _in_breadcrumb(link: Selector) -> bool:
    """Whether an anchor sits in a breadcrumb (当前位置 …), which links back up the tree."""
    for node in link.xpath("ancestor-or-self::*[@class or @id]"):
        marks = f"{node.attrib.get('class', '')} {node.attrib.get('id', '')}"
        if "CurrChnlCls" in marks or BREADCRUMB.search(marks):
            return True
    return False
