"""Pages of a TRS WCM column (PORTALS.md §1)."""

from __future__ import annotations

from collections.abc import Sequence

from .chrome import Link, ListItem, Site, esc, footer, header, page_head, rows
from .describe import Portal
from .output import Built, html_interaction

# --- Family: TRS WCM -----------------------------------------------------------------------


def trs_list_page(
    site: Site, column: str, crumbs: Sequence[Link], items: Sequence[ListItem], pages: int = 1
) -> str:
    """A TRS column page: ``CurrChnlCls`` breadcrumb, list rows with dates, and the pager
    drawn by ``createPageHTML(countPage, currentPage, "index", "html")`` (PORTALS.md §1)."""
    anchors = "&nbsp;&gt;&gt;&nbsp;".join(
        f'<a href="{esc(href)}" title="{esc(text)}" class="CurrChnlCls">{esc(text)}</a>'
        for text, href in crumbs
    )
    return f"""{page_head(site, f"{column}_{site.name}", column=column)}
<body>
{header(site)}
<div class="pos">您现在的位置是：{anchors}</div>
<div class="main">
  <ul class="gl_list">
{rows(items)}
  </ul>
  <div class="page">
<script type="text/javascript">
var currentPage = 0;//所在页从0开始
var countPage = {pages}//共多少页
createPageHTML(countPage, currentPage, "index", "html");
</script>
  </div>
</div>
{footer(site)}
</body>
</html>
"""


def trs_article_page(
    site: Site,
    title: str,
    crumbs: Sequence[Link],
    head_html: str,
    body_html: str,
    *,
    column: str,
    source: str | None = None,
) -> str:
    """A TRS article: the standard meta tags, the breadcrumb, and the body in
    ``div.TRS_Editor`` preceded by its inline ``<style>`` (PORTALS.md §1)."""
    anchors = "&nbsp;&gt;&nbsp;".join(
        f'<a href="{esc(href)}" title="{esc(text)}" class="CurrChnlCls">{esc(text)}</a>'
        for text, href in crumbs
    )
    head = page_head(site, f"{title}_{site.name}", column=column, article=title, source=source)
    return f"""{head}
<body>
{header(site)}
<div class="pos">您现在的位置是：{anchors}</div>
<div class="article">
{head_html}
<div class="TRS_Editor"><style type="text/css">
.TRS_Editor P{{margin-top:0;margin-bottom:12px;line-height:1.8;}}
</style>
{body_html}
</div>
<div class="tools"><a href="javascript:window.print()">打印本页</a>
<a href="javascript:window.close()">关闭窗口</a></div>
</div>
{footer(site)}
</body>
</html>
"""


def build(portal: Portal) -> Built:
    """A TRS column page listing the report, and the report page with its ``TRS_Editor`` body."""
    site, crumbs, column = portal.site, portal.crumbs, portal.crumbs[-1][0]
    article = trs_article_page(
        site, portal.title, crumbs, "\n".join(portal.head.html), portal.body_html(), column=column
    )
    return Built(
        [
            html_interaction(portal.column, trs_list_page(site, column, crumbs, [portal.item()])),
            html_interaction(portal.article, article),
        ]
    )
