"""Labelling a fetched report page: the ``ReportPage`` item a spider yields for it.

The walk (``column_walk``) decides which pages are reports; this decides what the item says
about one: the title that names the report, its authority and year (title, else statistics
period, else the yearly sub-column it was listed in; never the publication date), the
publication date, and the report files it links to. It is the same for every family, so a
family only says how its columns list reports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from scrapy.http import Response, TextResponse

from nianbao.crawler.items import ReportPage
from nianbao.crawler.spiders.base.column_walk import META_YEAR, response_meta
from nianbao.crawler.spiders.base.pages import attachment_links, url_date
from nianbao.parsers.dates import PUBLISHED_LABELS, iso_date
from nianbao.parsers.titles import period_year, squash

#: A date is only taken from the page when a label says it is the publication date: report
#: text is full of other dates (统计期限为2024年1月1日至…). A bare 时间 counts only on its own
#: (``来源:本网 | 时间:2022-01-07``), not as the end of 采集时间, 更新时间 ….
_PAGE_DATE = re.compile(
    rf"(?:{PUBLISHED_LABELS}|(?<![\u4e00-\u9fff])(?:日期|时间))\s*[:：]?\s*"
    r"((?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})"
)


class ReportPageBuilder:
    """The item-building half of ``AnnualReportSpider`` (a mixin: it calls the spider's
    ``blocked``, ``inc_stat``, ``is_report_title``, ``title_facts`` and ``post_process`` and
    reads ``name``, ``portal`` and ``authority``)."""

    def parse_report(
        self, response: Response, title: str | None = None, published: str | None = None
    ) -> Iterator[ReportPage]:
        """Callback for a report page: one item, unless the page is an anti-bot challenge."""
        if self.blocked(response):
            return
        self.inc_stat("report_pages")
        yield self.post_process(self.report_page(response, title, published), response)

    def post_process(self, item: ReportPage, response: Response) -> ReportPage:
        """Hook: adjust the item (e.g. add attachments a template injects by script)."""
        return item

    def report_page(
        self, response: Response, title: str | None = None, published: str | None = None
    ) -> ReportPage:
        """Label a fetched report page; ``title`` and ``published`` are what the list said.

        A response that is not text (a report linked straight to its PDF) gives an item with
        an empty ``html`` and the file itself as its attachment.
        """
        if isinstance(response, TextResponse):
            html = response.text
            page_title = self.page_title(response, title)
            date = self.page_date(response) or published or url_date(response.url)
            attachments = attachment_links(response)
        else:
            html, page_title = "", title
            date = published or url_date(response.url)
            attachments = [response.url]
        authority, year = self.title_facts(page_title)
        if year is None and isinstance(response, TextResponse):
            year = period_year(" ".join(_body_text(response)))
        if year is None:
            year = response_meta(response).get(META_YEAR)
        return ReportPage(
            spider=self.name,
            portal=self.portal,
            source_url=response.url,
            title=page_title,
            authority=authority or self.authority,
            report_year=year,
            published=iso_date(date),
            attachments=attachments,
            html=html,
            fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )

    def page_title(self, response: TextResponse, list_title: str | None = None) -> str | None:
        """Meta ``ArticleTitle``, ``<h1>``, ``<title>`` or the list's title.

        The first that names a report wins (an ``<h1>`` is often the site logo, a ``<title>``
        often ends with the site name: ``…年度报告_泸定县人民政府``); else the first non-empty.
        """
        title_tag = squash(response.css("title::text").get())
        candidates = [
            squash(response.css('meta[name="ArticleTitle"]::attr(content)').get()),
            *(squash(" ".join(h1.css("::text").getall())) for h1 in response.css("h1")),
            # Every part: the site name may come last (…报告_泸定县人民政府) or first, as on
            # flip-book pages (Page 8 - 威海市文登区信访局2022年…报告).
            *re.split(r"\s*[-_|｜—–－]\s*", title_tag),
            title_tag,
            squash(list_title),
        ]
        present = [candidate for candidate in candidates if candidate]
        reports = [candidate for candidate in present if self.is_report_title(candidate)]
        return (reports or present or [None])[0]

    def page_date(self, response: TextResponse) -> str | None:
        """Meta ``PubDate``, else a labelled 发布日期/发布时间 on the page."""
        meta = response.css('meta[name="PubDate"]::attr(content)').get()
        if iso_date(meta):
            return meta
        match = _PAGE_DATE.search(" ".join(_body_text(response)))
        return match.group(1) if match else None


def _body_text(response: TextResponse) -> list[str]:
    return response.xpath("//body//text()[not(ancestor::script or ancestor::style)]").getall()
