"""The page shape of the sichuan_luding cassette, the first one built (``shape = "luding"``).

It predates the family shapes (:mod:`.chrome`): its chrome (nav, side menu, 相关法规 box, an
info line with 【字体：大 中 小】) is its own, and its report text is a seed of " | "-joined
rows, rendered as tables (:func:`.material.pipe_text_body`). Kept apart rather than folded
into :mod:`.link_list`, so that the committed cassette stays byte for byte what it was.
"""

from __future__ import annotations

from .describe import Portal, path_of
from .material import pipe_text_body
from .output import Built, html_interaction

_NOTE = (
    "<!-- RECONSTRUCTED page (nianbao cassette, see cassettes/{name}/PROVENANCE.md): "
    "no HTML of this portal was recorded; the page shape, title and chrome are typical of a "
    "county portal, not copied from it. -->"
)


def _header(p: Portal) -> str:
    return f"""<div class="header">
  <div class="logo"><a href="{p.home}">{p.site.name}</a></div>
  <ul class="nav">
    <li><a href="{p.home}">首页</a></li>
    <li><a href="#">政务公开</a></li>
    <li><a href="#">政务服务</a></li>
    <li><a href="#">互动交流</a></li>
    <li><a href="#">走进泸定</a></li>
  </ul>
</div>
<div class="position">当前位置：<a href="{p.home}">首页</a> &gt; \
<a href="#">政务公开</a> &gt; <a href="{p.column}">政府信息公开年报</a></div>"""


def _footer(p: Portal) -> str:
    return f"""<div class="footer">
  <p><a href="javascript:;" class="jiucuo">我要纠错</a></p>
  <p>主办单位：{p.get("publisher")}</p>
  <p>网站标识码：<!-- the real code is not in the material: left empty, not invented --></p>
</div>"""


def _head(p: Portal, title: str, article_title: str | None) -> str:
    meta = [
        f'<meta name="SiteName" content="{p.site.name}">',
        f'<meta name="SiteDomain" content="{p.site.domain}">',
        '<meta name="ColumnName" content="政府信息公开年报">',
    ]
    if article_title:
        meta += [
            f'<meta name="ArticleTitle" content="{article_title}">',
            f'<meta name="ContentSource" content="{p.get("publisher")}">',
        ]
    lines = "\n".join(meta)
    return f"""<!DOCTYPE html>
{_NOTE.format(name=p.name)}
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
{lines}
<title>{title}_{p.site.name}</title>
</head>"""


def list_page(p: Portal) -> str:
    """The column page: the one real report of the column, menus and a link off the portal."""
    regulation, regulation_url = p.get("regulation"), p.get("regulation_url")
    return f"""{_head(p, "政府信息公开年报", None)}
<body>
{_header(p)}
<div class="main">
  <div class="side">
    <h3>政府信息公开</h3>
    <ul>
      <li><a href="#">政府信息公开指南</a></li>
      <li><a href="#">政府信息公开制度</a></li>
      <li><a href="#">法定主动公开内容</a></li>
      <li><a href="{p.column}">政府信息公开年报</a></li>
    </ul>
  </div>
  <div class="list">
    <h2>政府信息公开年报</h2>
    <ul>
      <li><a href="{path_of(p.article)}" title="{p.title}" \
target="_blank">{p.title}</a></li>
    </ul>
    <div class="page">首页 上一页 <span class="current">1</span> 下一页 尾页</div>
  </div>
  <div class="related">
    <h3>相关法规</h3>
    <ul>
      <li><a href="{regulation_url}" target="_blank">{regulation}</a></li>
    </ul>
  </div>
</div>
{_footer(p)}
</body>
</html>
"""


def article_page(p: Portal) -> str:
    """The report page: standard meta tags, chrome, and the real report text as its body."""
    body = pipe_text_body("\n".join(p.lines))
    return f"""{_head(p, p.title, p.title)}
<body>
{_header(p)}
<div class="article">
  <h1 class="article-title">{p.title}</h1>
  <div class="article-info">
    <span>来源：{p.get("publisher")}</span>
    <span class="font-size">【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> \
<a href="javascript:;">小</a>】</span>
  </div>
  <div class="article-content" id="zoom">
{body}
  </div>
  <div class="article-tools">
    <a href="javascript:window.print();">打印本页</a>
    <a href="javascript:window.close();">关闭窗口</a>
  </div>
  <div class="qrcode"><span>扫一扫在手机上查看当前页面</span></div>
</div>
{_footer(p)}
</body>
</html>
"""


def build(portal: Portal) -> Built:
    return Built(
        [
            html_interaction(portal.column, list_page(portal)),
            html_interaction(portal.article, article_page(portal)),
        ]
    )
