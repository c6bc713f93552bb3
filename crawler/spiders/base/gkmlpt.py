"""Family ``gkmlpt``: Guangdong's 政府信息公开目录管理平台 (PORTALS.md §3).

The entry page ``/gkmlpt/index`` (also under department prefixes such as ``/zqhjj/gkmlpt/``)
shows a category chosen by the URL hash (``/gkmlpt/index#{catId}``) and carries the site id in
``window._CONFIG = {SID: '…', TREE: …}``. Lists exist only as JSON:
``GET /gkmlpt/api/all/{catId}?page={n}&sid={sid}`` answers
``{"total": …, "articles": [{"id", "title", "url" | "post_url", "create_time", …}]}``.
Articles are ``/gkmlpt/content/{a}/{b}/post_{id}.html`` with a mobile twin ``mpost_{id}.html``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import urldefrag, urlencode

import scrapy
from scrapy.http import Response, TextResponse

from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider

_SID = re.compile(r"_CONFIG\s*=\s*\{.*?\bSID\s*:\s*['\"]?(?P<sid>\w+)", re.S)
_CATEGORY = re.compile(r"^\d+$")
#: gkmlpt's create_time is a Unix time; the date that matters is the one in China.
CHINA = dt.timezone(dt.timedelta(hours=8))


#: A category in ``window._CONFIG.TREE``: an object with an id and a name, keys quoted or not,
#: in either order. The TREE's exact layout is not verified on a real page (PORTALS.md §3
#: rates it U), so only these two keys are relied on.
_TREE_NODE = re.compile(
    r"\{[^{}]*?[\"']?\bid[\"']?\s*:\s*[\"']?(?P<id>\d+)[\"']?[^{}]*?"
    r"[\"']?\bname[\"']?\s*:\s*[\"'](?P<name>[^\"']+)[\"']"
    r"|\{[^{}]*?[\"']?\bname[\"']?\s*:\s*[\"'](?P<name2>[^\"']+)[\"'][^{}]*?"
    r"[\"']?\bid[\"']?\s*:\s*[\"']?(?P<id2>\d+)"
)


def tree_categories(text: str) -> list[tuple[str, str]]:
    """(id, name) of every category the page's ``window._CONFIG`` TREE names, in order."""
    found = []
    for node in _TREE_NODE.finditer(text):
        found.append(
            (node.group("id") or node.group("id2"), node.group("name") or node.group("name2"))
        )
    return found


def mobile_to_desktop(url: str) -> str:
    """``…/mpost_123.html`` -> ``…/post_123.html``: one URL per article."""
    return re.sub(r"/mpost_(\d+)\.html", r"/post_\1.html", url)


def china_date(timestamp: Any) -> str | None:
    """A ``create_time`` (Unix seconds, or already a date string) as ``YYYY-MM-DD``."""
    if isinstance(timestamp, int | float) or (isinstance(timestamp, str) and timestamp.isdigit()):
        return dt.datetime.fromtimestamp(int(timestamp), CHINA).date().isoformat()
    return str(timestamp) if timestamp else None


class GkmlptSpider(AnnualReportSpider):
    """gkmlpt entry page -> its SID -> JSON list pages -> report pages.

    Set: ``name``, ``portal``, ``allowed_domains``, ``column_urls`` as
    ``…/gkmlpt/index#{catId}`` (the category of the 年报; several URLs for several categories),
    and ``authority``.
    Tune:
        ``sid``: the site id, when known, saves reading it from the entry page (province ``2``,
            cities six digits such as ``200001`` 广州).
        ``first_page`` (1) and ``page_size`` (100, what the API returns in practice): the
            number of pages is ``ceil(total / page_size)``.
        ``list_page_limit``: at most this many API pages per category.
        ``article_body_css``: ``.article-content`` (inspection only; unverified, PORTALS.md U).
    Hooks: ``keep_link(title, url)``, ``post_process(item, response)``,
    ``api_url(response, category, sid, page)``.
    """

    family: ClassVar[str] = "gkmlpt"
    sid: ClassVar[str | None] = None
    first_page: ClassVar[int] = 1
    page_size: ClassVar[int] = 100
    list_page_limit = 100
    article_body_css = ".article-content"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # The category lives in the URL hash, which is never sent: carry it in meta.
        for url in self.start_urls:
            page, category = urldefrag(url)
            if not _CATEGORY.match(category):
                raise ValueError(f"{self.name}: column URL {url} names no category (#catId)")
            yield scrapy.Request(page, callback=self.parse, meta={"gkmlpt_category": category})

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """The entry page: read the SID and ask for the first page of the category."""
        if self.list_page(response) is None:
            return
        sid = self.sid or self.page_sid(response)
        if sid is None:
            self.logger.warning("No window._CONFIG SID on %s", response.url)
            return
        category = response.meta["gkmlpt_category"]
        yield self.api_request(response, category, sid, self.first_page)

    @staticmethod
    def page_sid(response: TextResponse) -> str | None:
        match = _SID.search(response.text)
        return match.group("sid") if match else None

    def api_url(self, response: Response, category: str, sid: str, page: int) -> str:
        """Hook: the list API of the entry page's platform (``…/gkmlpt/api/all/{catId}``)."""
        root = response.url.split("/gkmlpt/", 1)[0]
        return f"{root}/gkmlpt/api/all/{category}?{urlencode({'page': page, 'sid': sid})}"

    def api_request(self, response: Response, category: str, sid: str, page: int) -> scrapy.Request:
        meta = {"gkmlpt_category": category, "gkmlpt_sid": sid, "gkmlpt_page": page}
        return scrapy.Request(
            self.api_url(response, category, sid, page), callback=self.parse_api, meta=meta
        )

    def parse_api(self, response: Response) -> Iterator[scrapy.Request]:
        """One JSON list page: its report links; the first page also asks for the others."""
        if self.blocked(response) or not isinstance(response, TextResponse):
            return
        try:
            data = json.loads(response.text)
        except ValueError:
            self.logger.warning("gkmlpt API answered no JSON at %s", response.url)
            return
        self.inc_stat("list_pages")
        articles = data.get("articles") or []
        yield from self.report_links(self.article_links(response, articles))
        page = response.meta["gkmlpt_page"]
        if page != self.first_page or not articles:
            return
        total = int(data.get("total") or 0)
        pages = min(math.ceil(total / self.page_size), self.list_page_limit)
        category, sid = response.meta["gkmlpt_category"], response.meta["gkmlpt_sid"]
        for number in range(self.first_page + 1, self.first_page + pages):
            yield self.api_request(response, category, sid, number)

    @staticmethod
    def article_links(
        response: Response, articles: list[dict[str, Any]]
    ) -> Iterator[tuple[str, str, str | None]]:
        for article in articles:
            url = article.get("url") or article.get("post_url")
            if not url:
                continue
            title = re.sub(r"\s+", " ", str(article.get("title") or "")).strip()
            absolute = mobile_to_desktop(response.urljoin(url))
            yield title, absolute, china_date(article.get("create_time"))
