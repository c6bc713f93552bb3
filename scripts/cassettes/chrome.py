"""What every reconstructed page shares: the site facts it may print (:class:`Site`), its
``<head>`` with the standard meta tags (PORTALS.md §0), header, breadcrumb, footer and list
rows. Only facts from the material are printed; an unknown one is left out."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: A link on a page: (text, href).
Link = tuple[str, str]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


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


def meta_tags(site: Site, column: str | None, article: str | None, source: str | None) -> str:
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


def page_head(site: Site, title: str, extra: str = "", **meta: str | None) -> str:
    return f"""<!DOCTYPE html>
{site.note()}
<html lang="zh-CN">
<head>
<meta charset="utf-8">
{meta_tags(site, meta.get("column"), meta.get("article"), meta.get("source"))}
{extra}<title>{esc(title)}</title>
</head>"""


def links(pairs: Iterable[Link], item: str = "li") -> str:
    return "\n".join(
        f'<{item}><a href="{esc(href)}">{esc(text)}</a></{item}>' for text, href in pairs
    )


def side_menu(css_class: str, column: str, subcolumns: Sequence[Link]) -> str:
    """The menu of a column's sub-columns beside its list (nothing when it has none)."""
    if not subcolumns:
        return ""
    return f'<div class="{css_class}"><h3>{esc(column)}</h3><ul>\n{links(subcolumns)}\n</ul></div>'


def breadcrumb(crumbs: Sequence[Link], label: str = "当前位置：", sep: str = " &gt; ") -> str:
    anchors = sep.join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in crumbs)
    return f'<div class="position">{esc(label)}{anchors}</div>'


def header(site: Site) -> str:
    nav = links([("首页", site.home), *site.nav])
    return f"""<div class="header">
  <div class="logo"><a href="{esc(site.home)}">{esc(site.name)}</a></div>
  <ul class="nav">
{nav}
  </ul>
</div>"""


def footer(site: Site) -> str:
    publisher = f"<p>主办单位：{esc(site.publisher)}</p>" if site.publisher else ""
    code = f"<p>网站标识码：{esc(site.site_code)}</p>" if site.site_code else ""
    return f"""<div class="footer">
  <p><a href="javascript:;" class="jiucuo">我要纠错</a></p>
  {publisher}{code}
</div>"""


@dataclass(frozen=True)
class ListItem:
    """One row of a column list: its title as printed, its link, the date shown beside it."""

    title: str
    href: str
    date: str = ""


def rows(items: Iterable[ListItem]) -> str:
    rows = []
    for item in items:
        date = f"<span>{esc(item.date)}</span>" if item.date else ""
        rows.append(
            f'<li><a href="{esc(item.href)}" title="{esc(item.title)}" target="_blank">'
            f"{esc(item.title)}</a>{date}</li>"
        )
    return "\n".join(rows)


@dataclass(frozen=True)
class Article:
    """A report page's parts, already HTML: its breadcrumb, the lines above the body as the
    material prints them (title, info line …), the body, what follows it (attachments …);
    ``column`` and ``source`` go to the ``ColumnName`` and ``ContentSource`` meta tags."""

    title: str
    crumbs: str
    head: str
    body: str
    tail: str = ""
    column: str = ""
    source: str | None = None

    def page_head(self, site: Site, extra: str = "") -> str:
        return page_head(
            site,
            f"{self.title}_{site.name}",
            extra,
            column=self.column,
            article=self.title,
            source=self.source,
        )
