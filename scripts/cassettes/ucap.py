"""Pages of a UCAP site, in the shape of the real 沭阳 page
(``corpus/html/ucap_shuyang_fgj_2023.html``)."""

from __future__ import annotations

from collections.abc import Sequence

from .chrome import Link, ListItem, Site, breadcrumb, esc, footer, header, page_head, rows

# --- Family: UCAP --------------------------------------------------------------------------


def ucap_meta_table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    """The 名称/索引号/分类/发布机构/… table above a UCAP article, cell for cell as given.

    A row is (label, value, label, value); a row whose second label is empty spans the value
    over three cells, as on the real 沭阳 page.
    """
    out = ['<div class="article-tb"><table class="table_content"><tbody>']
    for label, value, label2, value2 in rows:
        if label2:
            out.append(
                f'<tr><td class="c1">{esc(label)}</td><td class="c2">{value}</td>'
                f'<td class="c1">{esc(label2)}</td><td class="c3">{value2}</td></tr>'
            )
        else:
            out.append(
                f'<tr><td class="c1">{esc(label)}</td><td class="c4" colspan="3">{value}</td></tr>'
            )
    out.append("</tbody></table></div>")
    return "\n".join(out)


def ucap_article_page(
    site: Site, title: str, meta_table: str, body_html: str, *, before_title: str = ""
) -> str:
    """A UCAP article in the shape of the real 沭阳 page: the table, ``<h1><ucaptitle>``,
    the body in ``<ucapcontent>`` inside ``#zoomcon``."""
    return f"""{page_head(site, f"{title}-{site.name}", column="信息公开年报")}
<body>
{header(site)}
<div class="xxgkMain"><div class="container">
{before_title}
<div class="xxgkArticle">
{meta_table}
<div class="xxgkcont clearfix"><div class="xxfkl l">
<h1 class="article-title"><ucaptitle>{esc(title)}</ucaptitle></h1>
<div class="article-content" id="zoomcon"><ucapcontent>
{body_html}
</ucapcontent></div>
</div></div>
</div>
</div></div>
{footer(site)}
</body>
</html>
"""


def ucap_list_page(
    site: Site, column: str, crumbs: Sequence[Link], items: Sequence[ListItem]
) -> str:
    """A UCAP column page (``<column>/<column>.shtml``): breadcrumb and a list of links."""
    return f"""{page_head(site, f"{column}-{site.name}", column=column)}
<body>
{header(site)}
<div class="xxgkMain"><div class="container">
{breadcrumb(crumbs, label="您当前所在位置：")}
<div class="xxgkList"><ul>
{rows(items)}
</ul></div>
</div></div>
{footer(site)}
</body>
</html>
"""
