"""What a request is for: a column (list) page, a report page, an attachment or robots.txt.

Incremental fetching, the page size limit and the fault counters treat these differently, and
no spider should have to say which is which: report pages are those whose callback is
``parse_report`` (every family base asks for them through ``AnnualReportSpider.report_links``),
attachments are recognised by their URL, and every other page of a spider is a list page
(column pages, pager pages, JSON list APIs). A spider may still say it explicitly with
``meta={"nianbao_kind": "report"}``.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK

from nianbao.crawler.spiders.base.pages import is_attachment_url

RequestKind = Literal["robots", "report", "attachment", "list"]

#: Callbacks that receive a report page.
REPORT_CALLBACKS = frozenset({"parse_report"})
META_KIND = "nianbao_kind"


def _callback_name(request: Request) -> str | None:
    callback = request.callback
    if isinstance(callback, str):
        return callback
    return getattr(callback, "__name__", None)


def request_kind(request: Request) -> RequestKind:
    """Classify ``request`` (see the module docstring)."""
    explicit = request.meta.get(META_KIND)
    if explicit in ("robots", "report", "attachment", "list"):
        return explicit
    if urlsplit(request.url).path == "/robots.txt":
        return "robots"
    if request.callback is NO_CALLBACK:  # media pipelines (attachment downloads)
        return "attachment"
    if _callback_name(request) in REPORT_CALLBACKS:
        return "report"
    if is_attachment_url(request.url):
        return "attachment"
    return "list"
