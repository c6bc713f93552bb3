"""Pages of a Hanweb JCMS column: its ``<datastore>``, the ``dataproxy.jsp`` answers and the
article (PORTALS.md §2)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.crawler.middlewares.cassette import Interaction

from . import chrome
from .chrome import Article, Link, ListItem, Site, esc
from .describe import Portal, path_of
from .output import Built, body_interaction, html_interaction, not_found

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
    side = chrome.side_menu("lm_list", column, subcolumns)
    return f"""{chrome.page_head(site, f"{column}_{site.name}", _HANWEB_HEAD, column=column)}
<body>
{chrome.header(site)}
{chrome.breadcrumb(crumbs)}
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
{chrome.footer(site)}
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


def hanweb_article_page(site: Site, article: Article) -> str:
    """A Hanweb article: Generator meta tags, the body in ``#zoom``, the hidden
    ``Produced By 大汉网络`` link at the end (PORTALS.md §2)."""
    head = article.page_head(site, _HANWEB_HEAD)
    return f"""{head}
<body>
{chrome.header(site)}
{article.crumbs}
<div class="article">
{article.head}
<div id="zoom">
{article.body}
</div>
{article.tail}
</div>
{chrome.footer(site)}
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


#: The text of the hidden link that ends every Hanweb page (``_HANWEB_TAIL``).
PRODUCED_BY = "Produced By 大汉网络 大汉版通发布系统"


def jpage_of(portal: Portal, url: str) -> HanwebColumn:
    """The jpage parameters of the column at ``url``: its id from ``col{id}``; ``unitid`` and
    ``webid`` are not known (1 and 1 say "reconstructed"); ``webname`` and paging from the
    description's ``jpage`` (default: the site name, the newer GET call)."""
    jpage = portal.get("jpage", {})
    column_id = int(re.search(r"/col(\d+)/", url).group(1))  # type: ignore[union-attr]
    return HanwebColumn(
        column_id, 1, 1, jpage.get("webname", portal.site.name), jpage.get("paging", "get")
    )


def position(crumbs: Sequence[Link], label: str) -> str:
    """A breadcrumb the text prints on two lines (``当前位置:首页`` / ``>A>B``), as printed."""
    first, *rest = crumbs
    return (
        f'<div class="position">{esc(label)}<a href="{esc(path_of(first[1]))}">'
        f"{esc(first[0])}</a><br>"
        + "".join(f'&gt;<a href="{esc(href)}">{esc(name)}</a>' for name, href in rest)
        + "</div>"
    )


def index_table(labels: str, values: str) -> str:
    """The 索引号/公开方式/发布机构 row above a Hanweb article: the text's two lines as cells."""
    cells = ("".join(f"<td>{esc(cell)}</td>" for cell in line.split()) for line in (labels, values))
    return '<table class="xxgk_table"><tr>' + "</tr><tr>".join(cells) + "</tr></table>"


def split_attachments(portal: Portal) -> tuple[list[str], str, list[Interaction]]:
    """The body up to the attachments the description names, the page's tail (the 附件 links,
    the QR line) and an empty 404 for each file (not in the material), checked against the
    text's closing lines (附件/name for each file, the QR line, ``Produced By``)."""
    body, files = portal.head.body, portal.links("attachments")
    if not files:
        return body, "", []
    named = next(n for n, line in enumerate(body) if line.strip() == files[0][0])
    first = max(n for n in range(named) if body[n].strip() == "附件")
    tail = [line.strip() for line in body[first:] if line.strip()]
    *listed, qr, produced = tail
    assert listed == [part for name, _ in files for part in ("附件", name)], listed
    assert produced == PRODUCED_BY, produced
    links = "\n".join(
        f'<p>附件</p>\n<p><a href="{esc(url)}" target="_blank">{esc(name)}</a></p>'
        for name, url in files
    )
    tail_html = f'<div class="fj">\n{links}\n</div>\n<div class="qr">{esc(qr)}</div>'
    return body[:first], tail_html, [not_found(url) for _, url in files]


def build(portal: Portal) -> Built:
    """A Hanweb column (or a tree of columns down to it) with its datastore, the first
    ``dataproxy.jsp`` call of the column that lists the report, and the report page."""
    site, crumbs, head = portal.site, portal.crumbs, portal.head
    interactions = []
    for n, (name, url) in portal.column_levels():
        items, subcolumns = portal.level_lists(n)
        page = hanweb_column_page(
            site, name, jpage_of(portal, url), crumbs[: n + 1], items, subcolumns
        )
        interactions.append(html_interaction(url, page))
        if items:
            interactions.append(hanweb_dataproxy(url, page, items))
    source, head_html = None, "\n".join(head.html)
    if "table" in head.lines:
        labels, values = head.lines["table"]
        source = dict(zip(labels.split(), values.split(), strict=True)).get("发布机构")
        head_html = head_html.replace("<table>", index_table(labels, values))
    if len(head.lines.get("crumbs", ())) == 2:
        label, names = head.crumb_label_and_names()
        assert names == [name for name, _ in crumbs], f"{portal.name}: breadcrumb {names}"
        crumbs_html = position(crumbs, label)
    else:
        crumbs_html = portal.crumbs_html()
    body, tail_html, files = split_attachments(portal)
    article = Article(
        portal.title,
        crumbs_html,
        head_html,
        portal.body_html(body),
        tail_html,
        column=crumbs[-1][0],
        source=source,
    )
    return Built(
        [
            *interactions,
            html_interaction(portal.article, hanweb_article_page(site, article)),
            *files,
        ]
    )
