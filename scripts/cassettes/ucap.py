"""Pages of a UCAP site, in the shape of the real 沭阳 page
(``corpus/html/ucap_shuyang_fgj_2023.html``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .chrome import Link, ListItem, Site, breadcrumb, esc, footer, header, page_head, rows
from .describe import Portal, path_of
from .output import Built, html_interaction


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


#: Labels that start the second pair of cells on a row of the UCAP table.
SECOND_LABELS = ("分类", "发文日期", "公开日期", "关键词")
#: What the tool that saved the real 沭阳 page wrapped it in (标题/单位/来源/采集时间).
_SAVER_WRAPPER = re.compile(r'<div class="meta">.*?</div>\n</div>\n', re.S)

Row = tuple[str, str, str, str]


def table_row(line: str) -> Row:
    """One printed row of the table (``索引号 X 分类 Y``, ``文号 关键词``, ``时效``) as cells."""
    label, _, rest = line.strip().partition(" ")
    for second in SECOND_LABELS:
        value, found, value2 = f" {rest} ".partition(f" {second} ")
        if found:
            return label, value.strip(), second, value2.strip()
    return label, rest.strip(), "", ""


def saved_page(portal: Portal) -> str:
    """The real page the description's ``saved`` names, without the saving tool's wrapper
    (never part of the portal's page; checked to be the tool's, for this URL)."""
    saved = portal.get("saved")
    page = (portal.shared / saved["page"]).read_text(encoding="utf-8")
    wrapper = _SAVER_WRAPPER.search(page)
    assert wrapper and "采集时间" in wrapper.group(0) and saved["url"] in wrapper.group(0)
    return page[: wrapper.start()] + page[wrapper.end() :]


def build(portal: Portal) -> Built:
    """A UCAP column page and the report page: the table (from the text's lines, or the
    description's ``table`` where the text has none), the title, the body; a real page the
    material holds (``saved``) is listed beside it and served as it was saved."""
    site, crumbs, head = portal.site, portal.crumbs, portal.head
    if "table" in head.lines:
        table = [table_row(line) for line in head.lines["table"]]
        assert table[0] == ("名称", portal.title, "", ""), table[0]
    else:
        table = [(*row, "", "")[:4] for row in portal.get("table")]  # type: ignore[misc]
    dates = [value2 for _, _, label2, value2 in table if label2 in ("发文日期", "公开日期")]
    items = [portal.item(date=dates[0] if dates else "")]
    interactions = []
    if "saved" in portal.data:
        saved = portal.get("saved")
        items.append(ListItem(saved["title"], path_of(saved["url"]), saved["date"]))
        interactions.append(html_interaction(saved["url"], saved_page(portal)))
    above = []  # what the text prints above the table: the search box, the breadcrumb
    if "search" in head.lines:
        box, button = (esc(line.strip()) for line in head.lines["search"])
        above.append(f'<div class="search"><span>{box}</span> <button>{button}</button></div>')
    if "crumbs" in head.lines:
        above.append(portal.crumbs_html())
    meta = ucap_meta_table([(a, esc(b), c, esc(d)) for a, b, c, d in table])
    article = ucap_article_page(
        site, portal.title, meta, portal.body_html(), before_title="\n".join(above)
    )
    column = ucap_list_page(site, crumbs[-1][0], crumbs, items)
    return Built(
        [
            html_interaction(portal.column, column),
            *interactions,
            html_interaction(portal.article, article),
        ]
    )
