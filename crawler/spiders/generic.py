"""The generic spider: from any portal page to every 政府信息公开年报 report, no configuration.

    nianbao crawl generic -a start_url=http://www.example.gov.cn/
    scrapy crawl generic -a start_url=URL [-a follow_domains=a.gov.cn,b.gov.cn] [-a family=trs]

From the start page (a home page, a hub such as 政府信息公开, or the 年报 column itself) it looks
for the 年报 column by link text and URL (政府信息公开年报, 信息公开年报, 工作年度报告, xxgknb,
zfxxgknb, ndbg, nianbao …; see ``base/columns.py``), going through hub pages (政府信息公开,
政务公开) up to ``search_depth`` deep. Each column page is then walked with the rules of the CMS
family its markers name (``base/families.py``): TRS pages from ``createPageHTML``, Hanweb from
the datastore and ``dataproxy.jsp``, gkmlpt from the JSON API, UCAP and unknown CMSs by the
link-list rules (下一页, ``?page=N``, ``index_N``); per-year and per-township sub-columns as
in every family. Items are the same ``ReportPage`` a portal spider yields.

It never leaves the start URL's registered domain (``www.luding.gov.cn`` -> ``luding.gov.cn``:
the portal and its own sub-sites) unless ``follow_domains`` names more. Not run by
``nianbao crawl --all`` (``include_in_all = False``): it needs ``start_url``.

Why one class on all families: the family is only known once a page is fetched, and may
differ between the home page and the column (a portal's 信息公开 platform often runs on
another CMS), so the spider carries every family's walk and picks one per page.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from nianbao.crawler.items import ReportPage
from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.crawler.spiders.base.column_walk import META_FAMILY, META_ROOT
from nianbao.crawler.spiders.base.columns import (
    HUB_TEXT,
    NIANBAO_COLUMN_TEXT,
    folder,
    is_article_url,
    names_nianbao_column,
    registered_domain,
)
from nianbao.crawler.spiders.base.families import FAMILY_BASES, detect_family
from nianbao.crawler.spiders.base.gkmlpt import GkmlptSpider, tree_categories
from nianbao.crawler.spiders.base.hanweb import HanwebSpider
from nianbao.crawler.spiders.base.link_list import LinkListSpider
from nianbao.crawler.spiders.base.pages import is_attachment_url
from nianbao.crawler.spiders.base.trs import TrsSpider

META_SEARCH = "nianbao_search"


class GenericSpider(TrsSpider, HanwebSpider, GkmlptSpider):
    """Find the 年报 column from ``start_url`` and walk it with its family's rules.

    Arguments (``-a``): ``start_url`` (required), ``follow_domains`` (comma-separated
    registered domains that may be visited as well), ``family`` (force one of
    ``link_list``, ``trs``, ``hanweb``, ``gkmlpt``, ``ucap`` instead of detecting it).
    Tune: ``search_depth`` (2): hub pages followed while looking for the column.
    Stats: those of the bases, plus ``nianbao/spider/columns_found`` and
    ``nianbao/spider/family/<family>`` (column pages walked per family).
    """

    name = "generic"
    include_in_all: ClassVar[bool] = False
    family: ClassVar[str] = "generic"
    portal = "generic"
    search_depth: ClassVar[int] = 2
    #: No pause/resume job directory: it is kept per spider name, and two generic crawls of
    #: different portals must not resume each other's queue.
    custom_settings: ClassVar[dict[str, Any]] = {"NIANBAO_JOBS_DIR": ""}

    #: What `nianbao crawl` must be given with -a before it starts this spider.
    required_arguments: ClassVar[tuple[str, ...]] = ("start_url",)

    def __init__(
        self,
        start_url: str | None = None,
        follow_domains: str = "",
        family: str = "",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if not start_url:
            raise ValueError("the generic spider needs -a start_url=URL")
        if family and family not in FAMILY_BASES:
            raise ValueError(f"family must be one of {', '.join(FAMILY_BASES)}, not {family!r}")
        super().__init__(*args, **kwargs)
        own = {"start_url": start_url, "follow_domains": follow_domains, "family": family}
        self.spider_arguments.update({key: value for key, value in own.items() if value})
        self.start_url = start_url
        self.start_urls = [start_url]
        extra = [domain.strip().lower() for domain in follow_domains.split(",") if domain.strip()]
        self.allowed_domains = [registered_domain(start_url), *extra]
        self.portal = urlsplit(start_url).hostname or start_url
        self.forced_family = family or None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        page, category = urldefrag(self.start_url)
        meta: dict[str, Any] = {META_SEARCH: 0, META_ROOT: folder(page)}
        if category.isdigit():  # a gkmlpt category in the hash: /gkmlpt/index#{catId}
            meta["gkmlpt_category"] = category
        yield scrapy.Request(page, callback=self.parse_entry, meta=meta)

    # --- Finding the column -------------------------------------------------------------------

    def parse_entry(self, response: Response) -> Iterator[scrapy.Request]:
        """A page on the way to the column: the column itself, or a page linking to it."""
        if self.blocked(response) or not isinstance(response, TextResponse):
            return
        self._learn_portal(response)
        family = self.page_family(response)
        if family == "gkmlpt" and self.page_sid(response):
            # An entry page of the platform (a page merely linking to it is searched on).
            yield from self.gkmlpt_entry(response)
            return
        if self.looks_like_column(response):
            yield from self.parse(response)
            return
        columns, hubs = self.column_links(response)
        for url in columns:
            self.inc_stat("columns_found")
            yield scrapy.Request(url, callback=self.parse, meta={META_ROOT: folder(url)})
        depth = response.meta.get(META_SEARCH, 0)
        if columns or depth >= self.search_depth:
            return
        for url in hubs:
            meta = {META_SEARCH: depth + 1, META_ROOT: folder(url)}
            yield scrapy.Request(url, callback=self.parse_entry, meta=meta)

    def looks_like_column(self, response: TextResponse) -> bool:
        """The page is a 年报 column: its ColumnName, its URL or its breadcrumb's last link."""
        column_name = response.css('meta[name="ColumnName"]::attr(content)').get()
        if column_name and NIANBAO_COLUMN_TEXT.search(re.sub(r"\s+", "", column_name)):
            return True
        if names_nianbao_column("", response.url):
            return True
        crumbs = response.css(
            "a.CurrChnlCls, [class*=position] a, [class*=crumb] a, [class*=location] a"
        )
        if crumbs:
            last = crumbs[-1]
            text = last.attrib.get("title") or " ".join(last.css("::text").getall())
            return names_nianbao_column(text)
        return False

    def column_links(self, response: TextResponse) -> tuple[list[str], list[str]]:
        """Links to 年报 columns, and to hub pages that may hold one (in page order)."""
        columns: dict[str, None] = {}
        hubs: dict[str, None] = {}
        for link in response.css("a[href]"):
            href = link.attrib["href"].strip()
            if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
                continue
            url = urldefrag(response.urljoin(href)).url
            if not url.startswith(("http://", "https://")) or url == response.url:
                continue
            if not self.allows(url) or is_attachment_url(url) or is_article_url(url):
                continue
            text = re.sub(
                r"\s+", "", link.attrib.get("title") or "".join(link.css("::text").getall())
            )
            if self.is_report_title(text):
                continue
            if names_nianbao_column(text, url):
                columns.setdefault(url, None)
            elif HUB_TEXT.search(text):
                hubs.setdefault(url, None)
        return list(columns), list(hubs)

    def gkmlpt_entry(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """A gkmlpt entry page: the 年报 categories of its TREE (or the one in the start URL's
        hash), each asked from the JSON list API."""
        sid = self.page_sid(response)
        if sid is None:
            self.logger.warning("gkmlpt page without window._CONFIG SID: %s", response.url)
            return
        categories = (
            [response.meta["gkmlpt_category"]] if "gkmlpt_category" in response.meta else []
        )
        for category, name in tree_categories(response.text):
            if names_nianbao_column(name) and category not in categories:
                categories.append(category)
        for category in categories:
            self.inc_stat("columns_found")
            self.inc_stat("family/gkmlpt")
            yield self.api_request(response, category, sid, self.first_page)

    # --- Walking the column with its family's rules --------------------------------------------

    def page_family(self, response: TextResponse) -> str:
        family = self.forced_family or response.meta.get(META_FAMILY)
        if family is None:
            family = detect_family(response.url, response.text)
        response.meta[META_FAMILY] = family
        return family

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """A column page (or one of its pages or sub-columns), walked by its family."""
        if self.blocked(response) or not isinstance(response, TextResponse):
            return
        family = self.page_family(response)
        self.inc_stat(f"family/{family}")
        if family == "hanweb":
            yield from HanwebSpider.parse(self, response)
        elif family == "gkmlpt":
            yield from self.gkmlpt_entry(response)
        else:
            yield from LinkListSpider.parse(self, response)

    def next_page_urls(self, response: TextResponse) -> list[str]:
        if response.meta.get(META_FAMILY) == "trs":
            return TrsSpider.next_page_urls(self, response)
        return LinkListSpider.next_page_urls(self, response)

    def is_subcolumn_url(self, url: str, response: TextResponse) -> bool:
        if response.meta.get(META_FAMILY) == "hanweb":
            return HanwebSpider.is_subcolumn_url(self, url, response)
        return AnnualReportSpider.is_subcolumn_url(self, url, response)

    # --- Labelling ---------------------------------------------------------------------------

    def _learn_portal(self, response: TextResponse) -> None:
        """The portal's name, from the first page that states it (meta ``SiteName``)."""
        if self.portal == urlsplit(self.start_url).hostname:
            site = response.css('meta[name="SiteName"]::attr(content)').get()
            if site and site.strip():
                self.portal = site.strip()

    def post_process(self, item: ReportPage, response: Response) -> ReportPage:
        """A title naming no authority (``2023年政府信息公开工作年度报告``) takes the page's
        ``ContentSource`` (发布机构) or ``SiteName`` meta tag, as a portal spider's
        ``authority`` default would."""
        if not item.get("authority") and isinstance(response, TextResponse):
            for name in ("ContentSource", "SiteName"):
                value = response.css(f'meta[name="{name}"]::attr(content)').get()
                if value and value.strip():
                    item["authority"] = value.strip()
                    break
        return item
