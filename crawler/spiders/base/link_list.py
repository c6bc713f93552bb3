"""Family ``link_list``: a column that is a plain list of links, paged by ordinary links.

Many county and township portals on small CMSs publish the 政府信息公开年报 column as server-
rendered HTML: ``<ul><li><a title="…">`` or a table of links, with 下一页 / ``?page=N`` /
``index_N.html`` pager links. Nothing is hidden in scripts or JSON, so the walk is generic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urldefrag, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.parsers.dates import iso_date

#: Pager link texts that mean "the next page".
NEXT_TEXTS = frozenset({"下一页", "下页", "后页", "下一页>", "下一页>>", ">", ">>", "›", "»"})
#: Pager URLs: numbered pages of the same column (query argument or TRS-style file name).
_PAGE_QUERY = re.compile(r"[?&](?:page|pageNo|pageNum|pageIndex|cur_page|currentPage)=\d+", re.I)
_PAGE_FILE = re.compile(r"index_\d+\.s?html?")
_NOT_LINKS = ("javascript:", "mailto:", "tel:", "#")


def _text(link: Selector) -> str:
    return re.sub(r"\s+", " ", " ".join(link.css("::text").getall())).strip()


class LinkListSpider(AnnualReportSpider):
    """Walk every page of a column of links; one ``ReportPage`` per report link.

    Set: ``name``, ``portal``, ``column_urls``, ``allowed_domains`` (and ``authority``).
    Tune:
        ``list_link_css``: the links of the list. Menus caught by a broad selector do no harm:
            only links whose title (``title`` attribute, else text) names a report are followed.
        ``next_page_css``: pager links, when the default finder (:meth:`next_page_urls`) is
            wrong for a portal. The default follows links reading 下一页/下页/后页/>, plus
            ``?page=N``-style and ``index_N.html`` links to the same column.
        ``list_page_limit``: stop following pager links after this many list pages per column.
        ``article_body_css``: where the report body sits on an article page. Not used to parse
            (the pipelines do); written down for whoever inspects the portal next.
    Sub-columns (years, townships) are walked as columns of their own (see
    :meth:`AnnualReportSpider.subcolumn_requests`).
    Hooks: ``keep_link(title, url)``, ``post_process(item, response)``, ``next_page_urls``,
    ``is_subcolumn_url``.
    """

    family: ClassVar[str] = "link_list"
    list_link_css: ClassVar[str] = "ul li a, .list a, table a"
    next_page_css: ClassVar[str | None] = None
    #: The base's 200, restated: GenericSpider lists this family first, so this value (not
    #: gkmlpt's 100) is the one it walks every family with.
    list_page_limit = 200

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """A list page: report links, its sub-columns, then the other pages of the column."""
        text = self.list_page(response)
        if text is None:
            return
        yield from self.walk_column(text, self.list_links(text))
        page = response.meta.get("list_page", 1)
        if page >= self.list_page_limit:
            self.logger.warning("list_page_limit %d reached at %s", page, response.url)
            return
        for url in self.next_page_urls(response):
            if self.allows(url):
                meta = self.walk_meta(response, list_page=page + 1)
                yield scrapy.Request(url, callback=self.parse, meta=meta)

    def list_links(self, response: TextResponse) -> Iterator[tuple[str, str, str | None]]:
        """(title, absolute URL, date printed beside the link) for each list link."""
        for link in response.css(self.list_link_css):
            href = (link.attrib.get("href") or "").strip()
            if not href or href.lower().startswith(_NOT_LINKS):
                continue
            title = re.sub(r"\s+", " ", link.attrib.get("title") or "").strip() or _text(link)
            yield title, urldefrag(response.urljoin(href)).url, self._row_date(link, title)

    @staticmethod
    def _row_date(link: Selector, title: str) -> str | None:
        """The date in the link's list row (``<li>``/``<tr>``), outside the title itself."""
        rows = link.xpath("ancestor::*[self::li or self::tr or self::dd or self::p][1]")
        if not rows:
            return None
        text = " ".join(rows[0].css("::text").getall()).replace(title, " ")
        return iso_date(text)

    def next_page_urls(self, response: TextResponse) -> list[str]:
        """Hook: the URLs of the column's other list pages linked from this one."""
        if self.next_page_css is not None:
            hrefs = response.css(self.next_page_css).css("::attr(href)").getall()
            return self._absolute(response, hrefs)
        here = urlsplit(response.url)
        column_dir = here.path.rsplit("/", 1)[0] + "/"

        def is_pager(link: Selector) -> bool:
            url = urlsplit(urldefrag(response.urljoin(link.attrib["href"].strip())).url)
            if url.netloc != here.netloc:
                return False
            return (
                _text(link) in NEXT_TEXTS
                or (url.path == here.path and bool(_PAGE_QUERY.search(f"?{url.query}")))
                # index_N.html in the column's own folder, not another column's pages.
                or bool(_PAGE_FILE.fullmatch(url.path.removeprefix(column_dir)))
            )

        hrefs = [
            link.attrib["href"]
            for link in response.css("a[href]")
            if not link.attrib["href"].strip().lower().startswith(_NOT_LINKS) and is_pager(link)
        ]
        return self._absolute(response, hrefs)

    @staticmethod
    def _absolute(response: TextResponse, hrefs: list[str]) -> list[str]:
        urls = (urldefrag(response.urljoin(href.strip())).url for href in hrefs if href.strip())
        return [url for url in dict.fromkeys(urls) if url != response.url]
