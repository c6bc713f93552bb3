"""Page shapes for cassettes built from the shared real material (see build_cassettes.py).

Where no HTML of a portal was ever recorded, its pages are reconstructed around real report
text in the shape of the portal's CMS family (PORTALS.md): a county site with a plain list, a
TRS column with its ``createPageHTML`` pager and ``TRS_Editor`` body, a Hanweb column with its
``<datastore>`` and ``dataproxy.jsp`` answers, a UCAP article with its 索引号 table and
``<ucapcontent>``, a flip-book ``basic-html`` page. Every function here only arranges what it
is given: titles, dates, names and text come from the caller, which takes them from the
material and says so in the cassette's PROVENANCE.md. Each page starts with a comment saying it
is reconstructed. Same input, same bytes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.crawler.middlewares.cassette import Interaction, cassette_filename, write_cassette

HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}
XML_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}

#: A link on a page: (text, href).
Link = tuple[str, str]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# --- Real material -------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusText:
    """A corpus text: its header fields (source_url, authority …) and its lines, as found."""

    fields: dict[str, str]
    lines: list[str]

    @classmethod
    def read(cls, path: Path) -> CorpusText:
        head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
        if not sep:
            raise ValueError(f"{path}: no '---' line between header and text")
        fields = {}
        for line in head.splitlines():
            name, _, value = line.partition(":")
            fields[name.strip()] = value.strip()
        return cls(fields, body.splitlines())

    def index(self, line: str, start: int = 0) -> int:
        """Position of the first line equal to ``line`` (stripped) from ``start``."""
        for number in range(start, len(self.lines)):
            if self.lines[number].strip() == line:
                return number
        raise ValueError(f"line {line!r} not in the text")


def text_lines(path: Path) -> list[str]:
    """A seed file's lines (seeds have no header)."""
    return path.read_text(encoding="utf-8").splitlines()


# --- Text to HTML --------------------------------------------------------------------------


def pipe_cells(line: str) -> list[str]:
    """The cells of one line of a " | "-joined text: split on "|", drop what follows the last.

    ``行政许可 | 15889 | ||`` gives ``["行政许可", "15889", "", ""]``: empty cells are kept
    where the text has them, nothing is merged or filled in.
    """
    if not line.rstrip().endswith("|"):
        raise ValueError(f"not a pipe-joined line: {line!r}")
    return [cell.strip() for cell in line.rstrip().split("|")[:-1]]


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>']
    for row in rows:
        cells = "".join(f"<td>{html.escape(cell, quote=False)}</td>" for cell in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return out


def pipe_text_body(text: str) -> str:
    """Report text of " | "-joined rows as an article body.

    A one-cell line is prose (a ``<p>``; an empty one stays an empty ``<p>``), and each run of
    lines with several cells becomes one ``<table>`` with one ``<td>`` per cell as printed.
    """
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            out.extend(_table(table))
            table.clear()

    for line in text.splitlines():
        cells = pipe_cells(line)
        if len(cells) > 1:
            table.append(cells)
            continue
        flush()
        out.append(f"<p>{html.escape(cells[0], quote=False)}</p>")
    flush()
    return "\n".join(out)


def paragraphs(lines: Iterable[str]) -> str:
    """One ``<p>`` per line of text, as printed (blank lines stay empty paragraphs).

    The text shapes of the corpus (one table cell per line, PDF lines, narrative) are kept
    line for line: nothing is joined, split or turned into a table that the text does not
    show as one.
    """
    return "\n".join(f"<p>{html.escape(line.strip(), quote=False)}</p>" for line in lines)


_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def markdown_body(lines: Iterable[str]) -> str:
    """A Markdown transcription as HTML: ``#`` headings, pipe tables, other lines as ``<p>``.

    Pipe tables become ``<table>`` with the transcription's own header row as the first row
    (wrong headers included: the corpus keeps the transcription's faults); the ``---`` rule
    line under a header is Markdown syntax, not content, and is dropped. Cells are taken as
    printed, empty ones kept.
    """
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            out.extend(_table(table))
            table.clear()

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            if not _MD_RULE.match(stripped):
                table.append([cell.strip() for cell in stripped[1:-1].split("|")])
            continue
        flush()
        heading = _MD_HEADING.match(stripped)
        if heading:
            level = min(len(heading.group(1)) + 1, 6)
            out.append(f"<h{level}>{html.escape(heading.group(2), quote=False)}</h{level}>")
        else:
            out.append(f"<p>{html.escape(stripped, quote=False)}</p>")
    flush()
    return "\n".join(out)


# --- Sites ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What a reconstructed page may say about its portal: only facts from the material.

    ``name`` goes to ``SiteName``, ``<title>`` suffixes and the logo; ``publisher`` (主办单位)
    and ``site_code`` (网站标识码) are printed only when known, else left empty.
    """

    spider: str
    home: str
    name: str
    publisher: str = ""
    site_code: str = ""
    nav: tuple[Link, ...] = field(default_factory=tuple)

    @property
    def domain(self) -> str:
        return re.sub(r"^https?://", "", self.home).split("/")[0]

    def note(self) -> str:
        return (
            f"<!-- RECONSTRUCTED page (nianbao cassette, see cassettes/{self.spider}/"
            "PROVENANCE.md): no HTML of this page was recorded; its shape is that of the "
            "portal's CMS family, its text and facts come from the shared material. -->"
        )


def _meta_tags(site: Site, column: str | None, article: str | None, source: str | None) -> str:
    tags = [f'<meta name="SiteName" content="{esc(site.name)}">']
    tags.append(f'<meta name="SiteDomain" content="{esc(site.domain)}">')
    if site.site_code:
        tags.append(f'<meta name="SiteIDCode" content="{esc(site.site_code)}">')
    if column:
        tags.append(f'<meta name="ColumnName" content="{esc(column)}">')
    if article:
        tags.append(f'<meta name="ArticleTitle" content="{esc(article)}">')
    if source:
        tags.append(f'<meta name="ContentSource" content="{esc(source)}">')
    return "\n".join(tags)


def _head(site: Site, title: str, extra: str = "", **meta: str | None) -> str:
    return f"""<!DOCTYPE html>
{site.note()}
<html lang="zh-CN">
<head>
<meta charset="utf-8">
{_meta_tags(site, meta.get("column"), meta.get("article"), meta.get("source"))}
{extra}<title>{esc(title)}</title>
</head>"""


def _links(links: Iterable[Link], item: str = "li") -> str:
    return "\n".join(
        f'<{item}><a href="{esc(href)}">{esc(text)}</a></{item}>' for text, href in links
    )


def breadcrumb(crumbs: Sequence[Link], label: str = "当前位置：", sep: str = " &gt; ") -> str:
    anchors = sep.join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in crumbs)
    return f'<div class="position">{esc(label)}{anchors}</div>'


def _header(site: Site) -> str:
    nav = _links([("首页", site.home), *site.nav])
    return f"""<div class="header">
  <div class="logo"><a href="{esc(site.home)}">{esc(site.name)}</a></div>
  <ul class="nav">
{nav}
  </ul>
</div>"""


def _footer(site: Site) -> str:
    publisher = f"<p>主办单位：{esc(site.publisher)}</p>" if site.publisher else ""
    code = f"<p>网站标识码：{esc(site.site_code)}</p>" if site.site_code else ""
    return f"""<div class="footer">
  <p><a href="javascript:;" class="jiucuo">我要纠错</a></p>
  {publisher}{code}
</div>"""


# --- Family: plain link list (county portals on small CMSs) --------------------------------


@dataclass(frozen=True)
class ListItem:
    """One row of a column list: its title as printed, its link, the date shown beside it."""

    title: str
    href: str
    date: str = ""


def _rows(items: Iterable[ListItem]) -> str:
    rows = []
    for item in items:
        date = f"<span>{esc(item.date)}</span>" if item.date else ""
        rows.append(
            f'<li><a href="{esc(item.href)}" title="{esc(item.title)}" target="_blank">'
            f"{esc(item.title)}</a>{date}</li>"
        )
    return "\n".join(rows)


def list_page(
    site: Site,
    column: str,
    crumbs: Sequence[Link],
    items: Sequence[ListItem] = (),
    subcolumns: Sequence[Link] = (),
) -> str:
    """A column page of a plain county CMS: breadcrumb, sub-column menu, list, empty pager."""
    side = (
        f'<div class="side"><h3>{esc(column)}</h3><ul>\n{_links(subcolumns)}\n</ul></div>'
        if subcolumns
        else ""
    )
    return f"""{_head(site, f"{column}_{site.name}", column=column)}
<body>
{_header(site)}
{breadcrumb(crumbs)}
<div class="main">
  {side}
  <div class="list">
    <h2>{esc(column)}</h2>
    <ul>
{_rows(items)}
    </ul>
    <div class="page">首页 上一页 <span class="current">1</span> 下一页 尾页</div>
  </div>
</div>
{_footer(site)}
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
    head = _head(
        site, page_title or f"{title}_{site.name}", column=column, article=title, source=source
    )
    return f"""{head}
<body>
{_header(site)}
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
{_footer(site)}
</body>
</html>
"""


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
    return f"""{_head(site, f"{column}_{site.name}", column=column)}
<body>
{_header(site)}
<div class="pos">您现在的位置是：{anchors}</div>
<div class="main">
  <ul class="gl_list">
{_rows(items)}
  </ul>
  <div class="page">
<script type="text/javascript">
var currentPage = 0;//所在页从0开始
var countPage = {pages}//共多少页
createPageHTML(countPage, currentPage, "index", "html");
</script>
  </div>
</div>
{_footer(site)}
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
    return f"""{_head(site, f"{title}_{site.name}", column=column, article=title, source=source)}
<body>
{_header(site)}
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
{_footer(site)}
</body>
</html>
"""


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
        f'<div class="lm_list"><h3>{esc(column)}</h3><ul>\n{_links(subcolumns)}\n</ul></div>'
        if subcolumns
        else ""
    )
    return f"""{_head(site, f"{column}_{site.name}", _HANWEB_HEAD, column=column)}
<body>
{_header(site)}
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
{_footer(site)}
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
    head = _head(
        site, f"{title}_{site.name}", _HANWEB_HEAD, column=column, article=title, source=source
    )
    return f"""{head}
<body>
{_header(site)}
{crumbs_html}
<div class="article">
{head_html}
<div id="zoom">
{body_html}
</div>
{tail_html}
</div>
{_footer(site)}
{_HANWEB_TAIL}
</body>
</html>
"""


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
    return f"""{_head(site, f"{title}-{site.name}", column="信息公开年报")}
<body>
{_header(site)}
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
{_footer(site)}
</body>
</html>
"""


def ucap_list_page(
    site: Site, column: str, crumbs: Sequence[Link], items: Sequence[ListItem]
) -> str:
    """A UCAP column page (``<column>/<column>.shtml``): breadcrumb and a list of links."""
    return f"""{_head(site, f"{column}-{site.name}", column=column)}
<body>
{_header(site)}
<div class="xxgkMain"><div class="container">
{breadcrumb(crumbs, label="您当前所在位置：")}
<div class="xxgkList"><ul>
{_rows(items)}
</ul></div>
</div></div>
{_footer(site)}
</body>
</html>
"""


# --- Flip-book pages (FLBook-style files/basic-html/pageN.html) ----------------------------


def flipbook_page(spider: str, lines: Sequence[str]) -> str:
    """One page of a PDF flip-book as text: its first line (``Page N - <title>``) is also the
    page's ``<title>``; every line is a ``<p>``, as the text has them."""
    note = (
        f"<!-- RECONSTRUCTED page (nianbao cassette, see cassettes/{spider}/PROVENANCE.md): "
        "the text is the real flip-book page's; the markup around it is not recorded. -->"
    )
    return f"""<!DOCTYPE html>
{note}
<html>
<head>
<meta charset="utf-8">
<title>{esc(lines[0].strip())}</title>
</head>
<body>
<div class="page-text">
{paragraphs(lines)}
</div>
</body>
</html>
"""


# --- Interactions and files ----------------------------------------------------------------


def html_interaction(url: str, page: str) -> Interaction:
    return Interaction("GET", url, 200, HTML_HEADERS, page.encode("utf-8"))


def body_interaction(
    url: str, body: bytes, content_type: str, method: str = "GET", request_body: bytes = b""
) -> Interaction:
    return Interaction(method, url, 200, {"Content-Type": content_type}, body, request_body)


def not_found(url: str) -> Interaction:
    """An empty 404: the answer a replay gives for a file the material does not hold."""
    return Interaction("GET", url, 404, {"Content-Type": "text/html; charset=utf-8"}, b"")


def write_portal(
    spider: str, interactions: list[Interaction], provenance: str, root: Path
) -> list[Path]:
    """Write the cassette file(s), one per host, and PROVENANCE.md of one spider."""
    folder = root / spider
    folder.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        by_file.setdefault(cassette_filename(interaction.url), []).append(interaction)
    paths = []
    for name, items in sorted(by_file.items()):
        write_cassette(folder / name, items)
        paths.append(folder / name)
    (folder / "PROVENANCE.md").write_text(provenance, encoding="utf-8")
    return [*paths, folder / "PROVENANCE.md"]


def provenance(
    spider: str,
    title: str,
    real: Sequence[str],
    reconstructed: Sequence[str],
    left_out: Sequence[str],
) -> str:
    """PROVENANCE.md in one shape for every built cassette."""

    def items(lines: Sequence[str]) -> str:
        return "\n".join(f"- {line}" for line in lines)

    return f"""# {spider} cassette: provenance

{title}

Built by `scripts/build_cassettes.py {spider}` from the shared material; re-running the
script gives byte-identical files. Do not edit the cassette by hand.

## Real

{items(real)}

## Reconstructed

{items(reconstructed)}

## Left out rather than invented

{items(left_out)}

No figure on these pages was invented.
"""
