"""Family ``hanweb``: 大汉 Hanweb JCMS columns paged through ``dataproxy.jsp`` (PORTALS.md §2).

The column page ``/col/col{columnid}/index.html`` carries its first records as XML inside a
script, invisible to an HTML parser::

    <div id="212860"><script type="text/xml"><datastore>
    <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&…"></a>]]></nextgroup>
    <recordset><record><![CDATA[<li><a href='/art/…' title='…'>…</a><span>…</span></li>]]></record>
    …</recordset></datastore></script></div>
    <script>var param_212860={columnid:33718,unitid:'212860',…}</script>

Each ``<record>`` is unwrapped and read as HTML. Further records come from ``dataproxy.jsp``,
either ``GET …?page=N&appid=1&webid=…&columnid=…&unitid=…`` (newer sites) or
``POST …?startrecord=1&endrecord=45&perpage=15`` with the same parameters as a form (classic:
one call returns three display pages). Both answer ``<datastore>`` XML with ``<totalrecord>``,
``<totalpage>`` and records. Articles are ``/art/{Y}/{M}/{D}/art_{columnid}_{id}.html``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from nianbao.crawler.spiders.base.annual_report import AnnualReportSpider
from nianbao.parsers.dates import iso_date

#: ``/col/col33718/index.html`` (also ``/col/col33718/`` and Zhejiang's ``/col/col1229…/``).
_COLUMN_URL = re.compile(r"/col/col(\d+)/")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
_TOTAL_RECORD = re.compile(
    r"<totalrecord>\s*(\d+)\s*</totalrecord>|\btotalRecord\s*:\s*['\"]?(\d+)"
)
_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>")
_PARAM = re.compile(r"\bvar\s+param_(?P<unit>\w+)\s*=\s*\{(?P<body>.*?)\}", re.S)
_PARAM_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w./-]+))")
_DATASTORE_DIV = re.compile(
    r"<div[^>]*\bid=['\"]?(?P<unit>\w+)['\"]?[^>]*>\s*<script[^>]*text/xml[^>]*>\s*<datastore>",
    re.I,
)
#: Form fields the classic POST call sends, in the order Hanweb's jpage script sends them.
_POST_FIELDS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid")


def datastore_records(text: str) -> list[str]:
    """The HTML of every ``<record>`` in a datastore (column page script or dataproxy answer)."""
    return [record.strip() for record in _RECORD.findall(text)]


def _total(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if match is None:
        return None
    return int(next(group for group in match.groups() if group is not None))


class HanwebSpider(AnnualReportSpider):
    """Hanweb column -> inline datastore records, then ``dataproxy.jsp`` pages -> report pages.

    Set: ``name``, ``portal``, ``column_urls`` (``…/col/colN/index.html``), ``allowed_domains``
    (and ``authority``).
    Tune:
        ``dataproxy_path``: the endpoint when the page's ``<nextgroup>`` does not name one; in
            use are ``/module/web/jpage/dataproxy.jsp`` (default), ``/module/jpage/dataproxy.jsp``
            and ``/module/jslib/jquery/jpage/dataproxy.jsp`` (a wrong one answers 404).
        ``paging``: ``"get"`` (``page=N``) or ``"post"`` (``startrecord``/``endrecord``); by
            default GET when the ``<nextgroup>`` link pages by ``page=``, else POST.
        ``per_page`` (15) and ``records_per_call`` (45, three display pages per POST).
        ``list_page_limit``: at most this many dataproxy calls per column.
        ``article_body_css``: ``#zoom`` (inspection only; PORTALS.md rates it M).
    Sub-columns (a column per year or per township, linked from the column page) are walked
    as columns of their own.
    Hooks: ``keep_link(title, url)``, ``post_process(item, response)``,
    ``jpage_params(response)`` (the unitid/columnid/webid/… a column page pages with),
    ``is_subcolumn_url(url, response)``.
    """

    family: ClassVar[str] = "hanweb"
    dataproxy_path: ClassVar[str] = "/module/web/jpage/dataproxy.jsp"
    paging: ClassVar[str | None] = None
    per_page: ClassVar[int] = 15
    records_per_call: ClassVar[int] = 45
    article_body_css = "#zoom"

    # --- The column page ---------------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """The column page: its inline records, then every dataproxy call of the column."""
        page = self.list_page(response)
        if page is None:
            return
        yield from self.walk_column(page, self.record_links(page))
        params = self.jpage_params(response)
        if not params.get("unitid") or not params.get("columnid"):
            self.logger.warning("No Hanweb datastore parameters on %s", response.url)
            return
        yield from self.dataproxy_requests(response, params)

    def jpage_params(self, response: TextResponse) -> dict[str, str]:
        """Hook: the paging parameters, from ``<nextgroup>``, ``var param_{unitid}`` and the
        id of the ``<div>`` wrapping the datastore (the ``unitid``)."""
        text = response.text
        params: dict[str, str] = {}
        nextgroup = _NEXTGROUP.search(text)
        if nextgroup:
            href = Selector(text=nextgroup.group(1)).css("a::attr(href)").get() or ""
            params["_endpoint"] = urlsplit(href).path
            params.update(parse_qsl(urlsplit(href).query, keep_blank_values=True))
            params["_paging"] = "get" if "page" in params else "post"
        div = _DATASTORE_DIV.search(text)
        unit = params.get("unitid") or (div.group("unit") if div else None)
        for param in _PARAM.finditer(text):
            if unit is None or param.group("unit") == unit:
                for key, *values in _PARAM_PAIR.findall(param.group("body")):
                    params.setdefault(key, next((value for value in values if value), ""))
                unit = unit or param.group("unit")
                break
        if unit:
            params.setdefault("unitid", unit)
        total = _total(_TOTAL_RECORD, text)
        if total is not None:
            params["totalRecord"] = str(total)
        return params

    def dataproxy_requests(
        self, response: TextResponse, params: dict[str, str]
    ) -> Iterator[scrapy.Request]:
        """Every dataproxy call of the column when its size is known, else the first one
        (each answer then asks for the next, see :meth:`parse_dataproxy`).

        The first call repeats the inline records; that costs one request and is safer than
        guessing whether a site's ``page=1`` means the first or the second page (the
        duplicate article requests are dropped by Scrapy's duplicate filter).
        """
        endpoint = response.urljoin(params.get("_endpoint") or self.dataproxy_path)
        paging = self.paging or params.get("_paging") or "post"
        total = int(params["totalRecord"]) if params.get("totalRecord") else None
        size = self.per_page if paging == "get" else self.records_per_call
        calls = math.ceil(total / size) if total is not None else 1
        walk = self.walk_meta(response)
        for call in range(1, min(calls, self.list_page_limit) + 1):
            yield self.dataproxy_request(
                endpoint, params, paging, call, follow=total is None, walk=walk
            )

    def dataproxy_request(
        self,
        endpoint: str,
        params: dict[str, str],
        paging: str,
        call: int,
        *,
        follow: bool,
        walk: dict[str, Any] | None = None,
    ) -> scrapy.Request:
        """Call number ``call`` (1-based) of a column, as GET ``page=`` or POST records."""
        meta: dict[str, Any] = {
            **(walk or {}),
            "hanweb": {"endpoint": endpoint, "params": params, "paging": paging, "call": call},
            "hanweb_follow": follow,
        }
        shared = {
            "appid": params.get("appid", "1"),
            "webid": params.get("webid", ""),
            "path": params.get("path", "/"),
            "columnid": params["columnid"],
            "unitid": params["unitid"],
            **({"webname": params["webname"]} if params.get("webname") else {}),
            "permissiontype": params.get("permissiontype", "0"),
        }
        if paging == "get":
            query = urlencode({"page": call, **shared})
            return scrapy.Request(f"{endpoint}?{query}", callback=self.parse_dataproxy, meta=meta)
        start = (call - 1) * self.records_per_call + 1
        end = call * self.records_per_call
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": self.per_page})
        form = {"col": "1", "sourceContentType": "1", **shared}
        ordered = {key: form[key] for key in _POST_FIELDS} | form
        return scrapy.FormRequest(
            f"{endpoint}?{query}", formdata=ordered, callback=self.parse_dataproxy, meta=meta
        )

    def is_subcolumn_url(self, url: str, response: TextResponse) -> bool:
        """Hanweb column ids are not nested: a sub-column is any other ``/col/colN/`` page of
        the same site (years and townships are columns of their own)."""
        target, here = urlsplit(url), urlsplit(response.url)
        column = _COLUMN_URL.search(target.path)
        current = _COLUMN_URL.search(here.path)
        return (
            column is not None
            and target.netloc == here.netloc
            and (current is None or column.group(1) != current.group(1))
        )

    # --- dataproxy answers -------------------------------------------------------------------

    def parse_dataproxy(self, response: Response) -> Iterator[scrapy.Request]:
        """A dataproxy answer: its records; when the column size was unknown, the next call."""
        page = self.list_page(response)
        if page is None:
            return
        links = list(self.record_links(page))
        walk = self.walk_meta(response)
        yield from self.report_links(links, walk)
        state = response.meta.get("hanweb")
        if not state or not response.meta.get("hanweb_follow") or not links:
            return
        pages = _total(_TOTAL_PAGE, response.text)
        call = state["call"] + 1
        if state["paging"] == "get" and pages is not None and call > pages:
            return
        if call > self.list_page_limit:
            return
        yield self.dataproxy_request(
            state["endpoint"], state["params"], state["paging"], call, follow=True, walk=walk
        )

    def record_links(self, response: TextResponse) -> Iterator[tuple[str, str, str | None]]:
        """(title, absolute URL, date) of each record's link, in record order."""
        for record in datastore_records(response.text):
            selector = Selector(text=record)
            link = selector.css("a[href]")
            if not link:
                continue
            href = link[0].attrib["href"].strip()
            text = re.sub(r"\s+", " ", " ".join(link[0].css("::text").getall())).strip()
            title = (link[0].attrib.get("title") or "").strip() or text
            rest = " ".join(selector.css("::text").getall()).replace(text, " ")
            yield title, response.urljoin(href), iso_date(rest)
