"""Pages of a plain county CMS: a column list and an article (PORTALS.md §3)."""

from __future__ import annotations

from collections.abc import Sequence

from .chrome import (
    Article,
    Link,
    ListItem,
    Site,
    breadcrumb,
    esc,
    footer,
    header,
    page_head,
    rows,
    side_menu,
)
from .describe import Portal
from .output import Built, body_interaction, html_interaction


def list_page(
    site: Site,
    column: str,
    crumbs: Sequence[Link],
    items: Sequence[ListItem] = (),
    subcolumns: Sequence[Link] = (),
) -> str:
    """A column page of a plain county CMS: breadcrumb, sub-column menu, list, empty pager."""
    side = side_menu("side", column, subcolumns)
    return f"""{page_head(site, f"{column}_{site.name}", column=column)}
<body>
{header(site)}
{breadcrumb(crumbs)}
<div class="main">
  {side}
  <div class="list">
    <h2>{esc(column)}</h2>
    <ul>
{rows(items)}
    </ul>
    <div class="page">首页 上一页 <span class="current">1</span> 下一页 尾页</div>
  </div>
</div>
{footer(site)}
</body>
</html>
"""


def article_page(site: Site, article: Article) -> str:
    """A report page of a plain county CMS: the head lines, the body in
    ``div.article-content#zoom``, then the tail."""
    head = article.page_head(site)
    return f"""{head}
<body>
{header(site)}
{article.crumbs}
<div class="article">
<div class="article-head">
{article.head}
</div>
<div class="article-content" id="zoom">
{article.body}
</div>
{article.tail}
</div>
{footer(site)}
</body>
</html>
"""


def build(portal: Portal) -> Built:
    """A county column (or a tree of columns down to it) and the report page: the body is the
    text's paragraphs, its Markdown, or the report's PDF as the page's one attachment."""
    site, crumbs, head = portal.site, portal.crumbs, portal.head
    interactions = [
        html_interaction(url, list_page(site, name, crumbs[: n + 1], *portal.level_lists(n)))
        for n, (name, url) in portal.column_levels()
    ]
    if "pdf" in portal.data:
        pdf, url = portal.read_bytes("pdf"), portal.get("file")
        assert pdf.startswith(b"%PDF"), f"{portal.name}: not a PDF"
        interactions.append(body_interaction(url, pdf, "application/pdf"))
        body = f'<p>附件：<a href="{esc(url)}" target="_blank">{esc(portal.title)}.pdf</a></p>'
    else:
        body = portal.body_html()
    article = Article(
        portal.title, portal.crumbs_html(), "\n".join(head.html), body, column=crumbs[-1][0]
    )
    page = article_page(site, article)
    interactions.append(html_interaction(portal.article, page))
    return Built(interactions)
