"""Build spider cassettes from the shared real material, reproducibly.

Some portals cannot be recorded from here (no network, or no real HTML of the portal was ever
saved), but their report text is known. For those, the pages are reconstructed around the real
text, and the cassette says so in its PROVENANCE.md. One function per portal (泸定县 here, the
others in ``cassette_portals.py``, page shapes per CMS family in the ``cassettes`` package); each
writes
``cassettes/<spider>/<host>.yaml`` and ``PROVENANCE.md``, and the same inputs always give the
same bytes (no clocks, sorted interactions), so re-running leaves ``git diff`` empty.

    .venv/bin/python scripts/build_cassettes.py sichuan_luding
    .venv/bin/python scripts/build_cassettes.py            # every portal

The shared material is read from ``$NIANBAO_SHARED``, else ``../shared`` beside the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from cassette_portals import BUILDERS
from cassettes.material import pipe_text_body
from cassettes.output import html_interaction, write_portal

REPO = Path(__file__).resolve().parent.parent
CASSETTES = REPO / "cassettes"


def shared_dir() -> Path:
    return Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")


# --- 泸定县 (sichuan_luding) ----------------------------------------------------------------

LUDING_SEED = "seeds/002_54edbe98636d0c3c.txt"
LUDING_HOME = "http://www.luding.gov.cn/"
LUDING_COLUMN = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/"
LUDING_ARTICLE = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
LUDING_TITLE = "泸定县人民政府2024年政府信息公开工作年度报告"
#: SPEC.md §8: the report of 泸定县人民政府 is published by 泸定县人民政府办公室.
LUDING_PUBLISHER = "泸定县人民政府办公室"
#: A typical neighbour of a 年报 column: the State Council's page of the 条例 (off the portal).
REGULATION_URL = "https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm"
REGULATION_TITLE = "中华人民共和国政府信息公开条例"

_LUDING_NOTE = (
    "<!-- RECONSTRUCTED page (nianbao cassette, see cassettes/sichuan_luding/PROVENANCE.md): "
    "no HTML of this portal was recorded; the page shape, title and chrome are typical of a "
    "county portal, not copied from it. -->"
)
_LUDING_HEADER = f"""<div class="header">
  <div class="logo"><a href="{LUDING_HOME}">泸定县人民政府</a></div>
  <ul class="nav">
    <li><a href="{LUDING_HOME}">首页</a></li>
    <li><a href="#">政务公开</a></li>
    <li><a href="#">政务服务</a></li>
    <li><a href="#">互动交流</a></li>
    <li><a href="#">走进泸定</a></li>
  </ul>
</div>
<div class="position">当前位置：<a href="{LUDING_HOME}">首页</a> &gt; \
<a href="#">政务公开</a> &gt; <a href="{LUDING_COLUMN}">政府信息公开年报</a></div>"""
_LUDING_FOOTER = f"""<div class="footer">
  <p><a href="javascript:;" class="jiucuo">我要纠错</a></p>
  <p>主办单位：{LUDING_PUBLISHER}</p>
  <p>网站标识码：<!-- the real code is not in the material: left empty, not invented --></p>
</div>"""


def _luding_head(title: str, article_title: str | None) -> str:
    meta = [
        '<meta name="SiteName" content="泸定县人民政府">',
        '<meta name="SiteDomain" content="www.luding.gov.cn">',
        '<meta name="ColumnName" content="政府信息公开年报">',
    ]
    if article_title:
        meta += [
            f'<meta name="ArticleTitle" content="{article_title}">',
            f'<meta name="ContentSource" content="{LUDING_PUBLISHER}">',
        ]
    lines = "\n".join(meta)
    return f"""<!DOCTYPE html>
{_LUDING_NOTE}
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
{lines}
<title>{title}_泸定县人民政府</title>
</head>"""


def luding_list_page() -> str:
    """The column page: the one real report of the column, menus and a link off the portal."""
    return f"""{_luding_head("政府信息公开年报", None)}
<body>
{_LUDING_HEADER}
<div class="main">
  <div class="side">
    <h3>政府信息公开</h3>
    <ul>
      <li><a href="#">政府信息公开指南</a></li>
      <li><a href="#">政府信息公开制度</a></li>
      <li><a href="#">法定主动公开内容</a></li>
      <li><a href="{LUDING_COLUMN}">政府信息公开年报</a></li>
    </ul>
  </div>
  <div class="list">
    <h2>政府信息公开年报</h2>
    <ul>
      <li><a href="/ldxrmzf2024zfnbzf/article/633321" title="{LUDING_TITLE}" \
target="_blank">{LUDING_TITLE}</a></li>
    </ul>
    <div class="page">首页 上一页 <span class="current">1</span> 下一页 尾页</div>
  </div>
  <div class="related">
    <h3>相关法规</h3>
    <ul>
      <li><a href="{REGULATION_URL}" target="_blank">{REGULATION_TITLE}</a></li>
    </ul>
  </div>
</div>
{_LUDING_FOOTER}
</body>
</html>
"""


def luding_article_page(report_text: str) -> str:
    """The report page: standard meta tags, chrome, and the real report text as its body."""
    return f"""{_luding_head(LUDING_TITLE, LUDING_TITLE)}
<body>
{_LUDING_HEADER}
<div class="article">
  <h1 class="article-title">{LUDING_TITLE}</h1>
  <div class="article-info">
    <span>来源：{LUDING_PUBLISHER}</span>
    <span class="font-size">【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> \
<a href="javascript:;">小</a>】</span>
  </div>
  <div class="article-content" id="zoom">
{pipe_text_body(report_text)}
  </div>
  <div class="article-tools">
    <a href="javascript:window.print();">打印本页</a>
    <a href="javascript:window.close();">关闭窗口</a>
  </div>
  <div class="qrcode"><span>扫一扫在手机上查看当前页面</span></div>
</div>
{_LUDING_FOOTER}
</body>
</html>
"""


LUDING_PROVENANCE = f"""# sichuan_luding cassette: provenance

Built by `scripts/build_cassettes.py sichuan_luding` from the shared material; re-running the
script gives byte-identical files. Do not edit the cassette by hand.

## Real

- The report text: seed `{LUDING_SEED}` (泸定县, 甘孜州, Sichuan, report year 2024, 2021 format),
  copied into the article body without change. Every figure on the page comes from that file.
- The article URL `{LUDING_ARTICLE}`, as recorded for the seed in `seeds/README.md`.
- The publisher 泸定县人民政府办公室 (meta `ContentSource`, 来源, 主办单位), from SPEC.md §8.

## Reconstructed (no HTML of www.luding.gov.cn was ever recorded)

- The shape of both pages: head with the standard meta tags `SiteName`, `SiteDomain`,
  `ColumnName`, `ArticleTitle`, `ContentSource` (PORTALS.md §0), header navigation, the
  当前位置 breadcrumb, an `<h1>` title, an info line with 【字体：大 中 小】, the body in
  `div.article-content#zoom`, then 打印本页, 关闭窗口, 扫一扫在手机上查看当前页面, 我要纠错 and a
  footer with 主办单位 and 网站标识码. Each page starts with an HTML comment saying it is
  reconstructed.
- The article title `{LUDING_TITLE}`, worded after the column slug
  `ldxrmzf2024zfnbzf` (泸定县人民政府, 2024, 政府年报) and the usual title pattern; the seed
  itself carries no title line.
- The body markup: each line of the seed ends with ` |`; a line with one cell is a `<p>` (an
  empty line `|` an empty `<p>`), each run of lines with several cells one `<table>` with one
  `<td>` per cell exactly as the text has them (split on `|`, the piece after the last `|`
  dropped; empty cells kept; no `colspan`/`rowspan`, no value added).
- The column URL `{LUDING_COLUMN}` (the folder of the article URL) and its list page: the
  report link, side menus (政府信息公开指南/制度/法定主动公开内容 with `#` links), a pager with no
  links (one page), and a link to the State Council's page of the {REGULATION_TITLE}
  (`{REGULATION_URL}`, off the portal). The spider skips every non-report link by its title, and
  the 条例 link is also outside `allowed_domains`; none of them is in the cassette.

## Left out rather than invented

- No `PubDate`, 发布时间 or list date (the publication date is not known), no `SiteIDCode`
  (网站标识码 is printed empty), no visit counts, no other reports or pages of the portal.
- No `robots.txt`: the cassette middleware answers it with a synthetic 404 on replay.

No figure on these pages was invented.
"""


def sichuan_luding(shared: Path, root: Path = CASSETTES) -> list[Path]:
    report_text = (shared / LUDING_SEED).read_text(encoding="utf-8")
    interactions = [
        html_interaction(LUDING_COLUMN, luding_list_page()),
        html_interaction(LUDING_ARTICLE, luding_article_page(report_text)),
    ]
    return write_portal("sichuan_luding", interactions, LUDING_PROVENANCE, root)


# --- Command line --------------------------------------------------------------------------

PORTALS: dict[str, Callable[..., list[Path]]] = {
    "sichuan_luding": sichuan_luding,
    **BUILDERS,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spiders", nargs="*", help=f"default: all of {', '.join(PORTALS)}")
    parser.add_argument("--out", type=Path, default=CASSETTES, help="cassette root folder")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.spiders) - set(PORTALS))
    if unknown:
        parser.error(f"no cassette builder for {', '.join(unknown)}")
    shared = shared_dir()
    if not shared.is_dir():
        parser.error(f"shared material not found at {shared} (set NIANBAO_SHARED)")
    for spider in args.spiders or list(PORTALS):
        for path in PORTALS[spider](shared, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
