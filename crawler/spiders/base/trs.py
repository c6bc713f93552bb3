"""Family ``trs``: 拓尔思 TRS WCM static columns (PORTALS.md §1).

A TRS column is a folder published as ``index.html``, ``index_1.html`` … ``index_{N-1}.html``
(``.shtml``/``.htm`` on some sites). The pager is drawn by inline JavaScript from
``var countPage = N`` or ``createPageHTML(countPage, currentPage, "index", "html")``, so the
raw HTML has no pager links; a page saved from a browser has them too (the script's
``document.write`` output), and following both would count pages twice. The page count is
therefore read from the script on the column's first page only, and no pager link is followed.
Articles are ``./YYYYMM/tYYYYMMDD_{docid}.html``; attachments are TRS uploads
(``P0…pdf``/``W0…docx``), some injected by ``var file_appendix='<a href=…>'``.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response, TextResponse

from nianbao.crawler.items import ReportPage
from nianbao.crawler.spiders.base.link_list import LinkListSpider
from nianbao.crawler.spiders.base.pages import is_attachment_url

_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bvar\s+currentPage\s*=\s*(\d+)")
#: ``createPageHTML(6, 0, "index", "shtml")`` or ``createPageHTML(countPage, currentPage, …)``.
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?P<count>\w+)\s*,\s*(?P<current>\w+)\s*,"
    r"\s*['\"](?P<stem>[\w-]+)['\"]\s*,\s*['\"](?P<ext>\w+)['\"]"
)
_PAGE_NAME = re.compile(r"(?P<stem>[\w-]+?)(?:_(?P<number>\d+))?\.(?P<ext>s?html?)$")
_FILE_APPENDIX = re.compile(r"file_appendix\s*=\s*(['\"])(?P<html>.*?)(?<!\\)\1", re.S)
_HREF = re.compile(r"href\s*=\s*\\?['\"](?P<href>[^'\"\\]+)")


def _script_number(text: str, argument: str, variable: re.Pattern[str]) -> int | None:
    """A createPageHTML argument, literal or the ``var`` it names, else the ``var`` itself."""
    created = _CREATE_PAGE.search(text)
    value = created.group(argument) if created else None
    if value is not None and value.isdigit():
        return int(value)
    found = variable.search(text)
    return int(found.group(1)) if found else None


class TrsSpider(LinkListSpider):
    """TRS WCM column -> every ``index_N`` page -> report pages.

    Set: ``name``, ``portal``, ``column_urls`` (folder ``…/zfxxgknb/`` or its ``index.html``),
    ``allowed_domains`` (and ``authority``).
    Tune:
        ``list_link_css``: list markup varies by template (``ul li a``, ``table.gl_list a``,
            xxgk tables with 索引号/发布机构/日期 columns); the default covers those seen.
        ``page_stem``/``page_ext``: file names of the pages when neither the script
            (``createPageHTML(…, "index", "shtml")``) nor the column URL says (default index/html).
        ``list_page_limit``: at most this many pages are generated from ``countPage``.
        ``article_body_css``: ``[class*="TRS_UEDITOR"], .TRS_Editor`` (inspection only).
    Hooks: ``page_count(response)``, ``keep_link(title, url)``, ``post_process(item, response)``.
    """

    family: ClassVar[str] = "trs"
    list_link_css: ClassVar[str] = "ul li a, table a, .list a"
    page_stem: ClassVar[str] = "index"
    page_ext: ClassVar[str] = "html"
    article_body_css = '[class*="TRS_UEDITOR"], .TRS_Editor'

    def page_count(self, response: TextResponse) -> int:
        """Hook: how many list pages the column has (1 when the script does not say)."""
        return _script_number(response.text, "count", _COUNT_PAGE) or 1

    def _current_page(self, response: TextResponse) -> int:
        current = _script_number(response.text, "current", _CURRENT_PAGE)
        if current is not None:
            return current
        name = _PAGE_NAME.search(urlsplit(response.url).path)
        return int(name.group("number")) if name and name.group("number") else 0

    def _page_name(self, response: TextResponse) -> tuple[str, str]:
        """(stem, extension) of the column's page files: script, then URL, then the knobs."""
        created = _CREATE_PAGE.search(response.text)
        if created:
            return created.group("stem"), created.group("ext")
        name = _PAGE_NAME.search(urlsplit(response.url).path)
        if name:
            return name.group("stem"), name.group("ext")
        return self.page_stem, self.page_ext

    def next_page_urls(self, response: TextResponse) -> list[str]:
        """All other pages, generated once from the first page's script; none from later pages.

        Pager links in the HTML (a saved page's ``document.write`` output) are ignored.
        """
        if self._current_page(response) != 0:
            return []
        count = min(self.page_count(response), self.list_page_limit)
        stem, ext = self._page_name(response)
        return [urljoin(response.url, f"{stem}_{number}.{ext}") for number in range(1, count)]

    def report_page(
        self, response: Response, title: str | None = None, published: str | None = None
    ) -> ReportPage:
        """Add the attachments some templates inject by script (``var file_appendix``)."""
        item = super().report_page(response, title, published)
        if isinstance(response, TextResponse):
            found = dict.fromkeys(item["attachments"])
            for script in _FILE_APPENDIX.finditer(response.text):
                for href in _HREF.finditer(script.group("html")):
                    url = response.urljoin(href.group("href"))
                    if is_attachment_url(url):
                        found.setdefault(url, None)
            item["attachments"] = list(found)
        return item
