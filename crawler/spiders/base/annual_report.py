"""The base every nianbao spider extends: what a report is, and how a fetched page is labelled.

Portal spiders are data on a family base (``link_list``, ``trs``, ``hanweb``, ``gkmlpt``); the
family base walks a column and calls :meth:`AnnualReportSpider.parse_report` for each report
page. Everything that does not depend on how a portal lists its pages lives here, so every
family recognises report titles, attachments and anti-bot pages the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any, ClassVar
from urllib.parse import urldefrag, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from nianbao.crawler.items import ReportPage
from nianbao.crawler.spiders.base.columns import (
    BREADCRUMB,
    TOWNSHIP_COLUMN_TEXT,
    column_year,
    folder,
    is_below,
    names_nianbao_column,
)
from nianbao.parsers.dates import PUBLISHED_LABELS, iso_date
from nianbao.parsers.titles import (
    NOT_REPORT,
    REPORT_TITLE,
    is_report_title,
    period_year,
    squash,
    title_facts,
)

#: Attachment types a report is published as (PORTALS.md §5).
ATTACHMENT_SUFFIXES: tuple[str, ...] = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx")
#: TRS stores uploads as P0/W0 + digits (``P020260911578215495483.pdf``); other document types
#: uploaded that way (.ofd, .zip, .et …) are attachments too, images and media are not.
_TRS_UPLOAD = re.compile(r"/[PW]0\d{12,}\.(?P<ext>[A-Za-z0-9]{2,5})$")
_MEDIA_SUFFIXES = frozenset(
    {"jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "swf", "flv", "mp4", "mp3", "css", "js"}
)

#: A date is only taken from the page when a label says it is the publication date: report
#: text is full of other dates (统计期限为2024年1月1日至…). A bare 时间 counts only on its own
#: (``来源:本网 | 时间:2022-01-07``), not as the end of 采集时间, 更新时间 ….
_PAGE_DATE = re.compile(
    rf"(?:{PUBLISHED_LABELS}|(?<![\u4e00-\u9fff])(?:日期|时间))\s*[:：]?\s*"
    r"((?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})"
)
#: Dates in URLs: TRS ``t20230119_…``, Hanweb ``/art/2024/1/16/``.
_URL_DATE = re.compile(
    r"/t((?:19|20)\d{2})(\d{2})(\d{2})_|/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"
)

#: 瑞数 (River Security) and similar JS shields (PORTALS.md §6): the page is a challenge, not
#: content. Only the start of the page is searched: the markers sit in its <head>.
_CHALLENGE = re.compile(
    r"<meta\s+content=\"\{qqqq|<script[^>]*\br=['\"]m['\"]|\$_ts\b|\$_ss\b|Precondition Failed"
)
BLOCKED_STATUSES: tuple[int, ...] = (412, 521)

#: Request meta carried down a column walk (see :meth:`AnnualReportSpider.walk_meta`): the
#: folder the walk started in, how many sub-columns deep it is, and the year a yearly
#: sub-column names (the report year of last resort for the reports listed in it).
META_ROOT = "nianbao_root"
META_DEPTH = "nianbao_depth"
META_YEAR = "nianbao_year"
#: The CMS family a page was walked as (set by the generic spider, which detects it).
META_FAMILY = "nianbao_family"
CARRIED_META: tuple[str, ...] = (META_ROOT, META_DEPTH, META_YEAR, META_FAMILY)

STAT_PREFIX = "nianbao/spider"
STAT_BLOCKED = "nianbao/blocked"


def url_date(url: str) -> str | None:
    """Publication date written into the URL by TRS and Hanweb, as ``YYYY-MM-DD``."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    parts = [int(part) for part in match.groups() if part is not None]
    try:
        return dt.date(*parts).isoformat()
    except ValueError:
        return None


#: Download gateways name the file in the query: Hanweb ``/module/download/downfile.jsp?
#: classid=0&filename=1802011040418.xls``, others ``…?file=…`` or ``…?fileName=…``.
_QUERY_FILE = re.compile(r"(?:^|&)(?:file|filename|fileName|name)=([^&]+)")


def is_attachment_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.path.lower().endswith(ATTACHMENT_SUFFIXES):
        return True
    named = _QUERY_FILE.search(parts.query)
    if named and named.group(1).lower().endswith(ATTACHMENT_SUFFIXES):
        return True
    upload = _TRS_UPLOAD.search(parts.path)
    return upload is not None and upload.group("ext").lower() not in _MEDIA_SUFFIXES


def attachment_links(response: TextResponse) -> list[str]:
    """Absolute URLs of the report files a page links to, in page order, without repeats."""
    found: dict[str, None] = {}
    for href in response.css("a[href]::attr(href)").getall():
        url = response.urljoin(href.strip())
        if url.startswith(("http://", "https://")) and is_attachment_url(url):
            found.setdefault(url, None)
    return list(found)


def is_challenge(response: Response) -> bool:
    """An anti-bot answer: a shield status, or a 瑞数 challenge page served as 200."""
    if response.status in BLOCKED_STATUSES:
        return True
    if not isinstance(response, TextResponse):
        return False
    return bool(_CHALLENGE.search(response.text[:20_000]))


class AnnualReportSpider(scrapy.Spider):
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
    subcolumn_depth: ClassVar[int] = 3
    subcolumn_text_re: ClassVar[re.Pattern[str] | None] = None
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

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Unlike Scrapy's default, the column pages go through the duplicate filter, so that a
        # pager linking back to page 1 does not fetch it twice.
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, meta={META_ROOT: folder(url)})

    # --- Hooks ---------------------------------------------------------------------------------

    def keep_link(self, title: str, url: str) -> bool:
        """Hook: return False to skip a link whose title looked like a report."""
        return True

    def post_process(self, item: ReportPage, response: Response) -> ReportPage:
        """Hook: adjust the item (e.g. add attachments a template injects by script)."""
        return item

    def is_subcolumn_url(self, url: str, response: TextResponse) -> bool:
        """Hook: whether ``url`` can be a sub-column of the column ``response`` belongs to.

        Path-based portals (link lists, TRS, UCAP) nest sub-columns as folders, so the URL
        must be a column page below the folder the walk started in: a link back up the tree
        or across to another column is never walked. Hanweb overrides this (``/col/colN/``).
        """
        root = _meta(response).get(META_ROOT) or folder(response.url)
        return is_below(url, root)

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

    def walk_meta(self, response: Response, **changes: Any) -> dict[str, Any]:
        """The walk's state (:data:`CARRIED_META`) handed from a page to the pages it leads to."""
        meta = {key: value for key, value in _meta(response).items() if key in CARRIED_META}
        meta.update(changes)
        return meta

    def subcolumn_requests(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """Requests for the sub-columns a column page links to (years, townships, the 年报
        column of a township), up to ``subcolumn_depth`` below the first column.

        A link is a sub-column when its text names a year, a township or a 年报 column (or
        matches ``subcolumn_text_re``), it is not in a breadcrumb, and the family accepts its
        URL (:meth:`is_subcolumn_url`). A yearly sub-column passes its year down.
        """
        meta = _meta(response)
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

    def parse_report(
        self, response: Response, title: str | None = None, published: str | None = None
    ) -> Iterator[ReportPage]:
        """Callback for a report page: one item, unless the page is an anti-bot challenge."""
        if self.blocked(response):
            return
        self.inc_stat("report_pages")
        yield self.post_process(self.report_page(response, title, published), response)

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
            year = _meta(response).get(META_YEAR)
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


def _meta(response: Response) -> dict[str, Any]:
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
