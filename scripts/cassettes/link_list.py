"""Pages of a plain county CMS: a column list and an article (PORTALS.md §3)."""

from __future__ import annotations

from collections.abc import Sequence

from .chrome import Link, ListItem, Site, breadcrumb, esc, footer, header, links, page_head, rows


def list_page(
    site: Site,
    column: str,
    crumbs: Sequence[Link],
    items: Sequence[ListItem] = (),
    subcolumns: Sequence[Link] = (),
) -> str:
    """A column page of a plain county CMS: breadcrumb, sub-column menu, list, empty pager."""
    side = (
        f'<div class="side"><h3>{esc(column)}</h3><ul>\n{links(subcolumns)}\n</ul></div>'
        if subcolumns
        else ""
    )
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


def article_page(
    site: Site,
    title: str,
    crumbs_html: str,
    head_html: str,
    body_html: str,
    tail_html: str = "",
    *,
    column: str = "",
    source: str | None = None,
    page_title: str | None = None,
) -> str:
    """A report page of a plain county CMS: ``head_html`` (the title and info lines as the
    material prints them), the body in ``div.article-content#zoom``, then ``tail_html``."""
    head = page_head(
        site, page_title or f"{title}_{site.name}", column=column, article=title, source=source
    )
    return f"""{head}
<body>
{header(site)}
{crumbs_html}
<div class="article">
<div class="article-head">
{head_html}
</div>
<div class="article-content" id="zoom">
{body_html}
</div>
{tail_html}
</div>
{footer(site)}
</body>
</html>
"""
