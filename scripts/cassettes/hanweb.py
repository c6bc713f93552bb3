"""Pages of a Hanweb JCMS column: its ``<datastore>``, ``dataproxy.jsp`` answers (PORTALS.md §2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.crawler.middlewares.cassette import Interaction

from .chrome import Link, ListItem, Site, breadcrumb, esc, footer, header, links, page_head
from .output import body_interaction

# --- Family: Hanweb JCMS -------------------------------------------------------------------

_HANWEB_HEAD = (
    "<meta name='Generator' content='大汉版通'>\n<meta name='Author' content='大汉网络'>\n"
)
_HANWEB_TAIL = (
    "<a href='http://www.hanweb.com' style='display:none'>Produced By 大汉网络 大汉版通发布系统</a>"
)


def hanweb_record(item: ListItem) -> str:
    """One ``<record>`` of a datastore: the list row as CDATA, Hanweb's quoting."""
    date = f"<span>{item.date}</span>" if item.date else ""
    return (
        f"<record><![CDATA[<li><a href='{item.href}' title='{item.title}' target='_blank'>"
        f"{item.title}</a>{date}</li>]]></record>"
    )


@dataclass(frozen=True)
class HanwebColumn:
    """The jpage parameters of a Hanweb column page (PORTALS.md §2)."""

    column_id: int
    unit_id: int
    web_id: int
    web_name: str
    #: ``get`` (``page=N``, newer sites) or ``post`` (``startrecord``/``endrecord``, classic).
    paging: str = "get"
    endpoint: str = "/module/web/jpage/dataproxy.jsp"

    def nextgroup(self) -> str:
        if self.paging == "get":
            query = (
                f"page=1&amp;appid=1&amp;webid={self.web_id}&amp;path=/&amp;"
                f"columnid={self.column_id}&amp;unitid={self.unit_id}&amp;"
                f"webname={self.web_name}&amp;permissiontype=0"
            )
        else:
            query = (
                f"startrecord=1&amp;endrecord=45&amp;perpage=15&amp;appid=1&amp;"
                f"webid={self.web_id}&amp;path=/&amp;columnid={self.column_id}&amp;"
                f"unitid={self.unit_id}&amp;webname={self.web_name}&amp;permissiontype=0"
            )
        return f'<a href="{self.endpoint}?{query}"></a>'


def hanweb_column_page(
    site: Site,
    column: str,
    jpage: HanwebColumn,
    crumbs: Sequence[Link],
    items: Sequence[ListItem],
    subcolumns: Sequence[Link] = (),
) -> str:
    """A Hanweb column page: first records as XML in a script, ``var param_{unitid}``."""
    records = "\n".join(hanweb_record(item) for item in items)
    param = (
        f"col:1,appid:1,webid:{jpage.web_id},path:'/',columnid:{jpage.column_id},"
        f"sourceContentType:1,unitid:'{jpage.unit_id}',webname:'{jpage.web_name}',"
        f"permissiontype:0,totalRecord:{len(items)}"
    )
    side = (
        f'<div class="lm_list"><h3>{esc(column)}</h3><ul>\n{links(subcolumns)}\n</ul></div>'
        if subcolumns
        else ""
    )
    return f"""{page_head(site, f"{column}_{site.name}", _HANWEB_HEAD, column=column)}
<body>
{header(site)}
{breadcrumb(crumbs)}
<div class="main">
{side}
<div class="lm_right">
<h2>{esc(column)}</h2>
<div id="{jpage.unit_id}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[{jpage.nextgroup()}]]></nextgroup>
<recordset>
{records}
</recordset></datastore></script></div>
<script>var param_{jpage.unit_id}={{{param}}};</script>
</div>
</div>
{footer(site)}
{_HANWEB_TAIL}
</body>
</html>
"""


def hanweb_dataproxy_answer(items: Sequence[ListItem], per_page: int = 15) -> str:
    """What ``dataproxy.jsp`` answers: totals and the records, no page chrome."""
    pages = max(1, -(-len(items) // per_page))
    records = "\n".join(hanweb_record(item) for item in items)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
        f"<totalrecord>{len(items)}</totalrecord>\n<totalpage>{pages}</totalpage>\n"
        f"<recordset>\n{records}\n</recordset>\n</datastore>\n"
    )


def hanweb_article_page(
    site: Site,
    title: str,
    crumbs_html: str,
    head_html: str,
    body_html: str,
    tail_html: str = "",
    *,
    column: str,
    source: str | None = None,
) -> str:
    """A Hanweb article: Generator meta tags, the body in ``#zoom``, the hidden
    ``Produced By 大汉网络`` link at the end (PORTALS.md §2)."""
    head = page_head(
        site, f"{title}_{site.name}", _HANWEB_HEAD, column=column, article=title, source=source
    )
    return f"""{head}
<body>
{header(site)}
{crumbs_html}
<div class="article">
{head_html}
<div id="zoom">
{body_html}
</div>
{tail_html}
</div>
{footer(site)}
{_HANWEB_TAIL}
</body>
</html>
"""


def hanweb_dataproxy(url: str, page: str, items: list[ListItem]) -> Interaction:
    """The first ``dataproxy.jsp`` call of a Hanweb column page, with its answer.

    The request (GET ``page=1`` or the classic POST, URL and form body) is made by the Hanweb
    base's own code from the page's ``<nextgroup>`` and ``var param_…``, exactly as a
    recording of the spider would capture it.
    """
    from scrapy.http import HtmlResponse

    from nianbao.crawler.spiders.base.hanweb import HanwebSpider

    spider = HanwebSpider(name="cassette_builder")
    response = HtmlResponse(url, body=page.encode("utf-8"), encoding="utf-8")
    params = spider.jpage_params(response)
    request = spider.dataproxy_request(
        response.urljoin(params["_endpoint"]), params, params["_paging"], 1, follow=False
    )
    return body_interaction(
        request.url,
        hanweb_dataproxy_answer(items).encode("utf-8"),
        "text/xml; charset=utf-8",
        method=request.method,
        request_body=request.body if request.method == "POST" else b"",
    )
