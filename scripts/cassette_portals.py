"""Cassette builders of the portal spiders, one function per portal (泸定县 is in
build_cassettes.py). Each takes the report text from the shared material, puts it under the
real URL of its page, arranges the pages in the portal family's shape (the cassettes package),
and writes a PROVENANCE.md saying line by line what is real and what is reconstructed.

Conventions, the same for every portal:
- A report text goes onto its page line for line: the lines the material shows before the
  report (search box, breadcrumb, title, info line) go where such lines sit on the family's
  page, every other line into the body, in order; nothing is added to the text.
- A column URL is the real one when the material shows it (a breadcrumb, the folder an
  article lives in on a family whose articles live below their column); otherwise it is
  reconstructed and PROVENANCE.md says "not known".
- A column lists the reports the material holds and nothing else: other reports of the
  column are not known and are left out, never made up.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from cassettes.chrome import ListItem, Site, breadcrumb, esc
from cassettes.flipbook import flipbook_page
from cassettes.hanweb import (
    HanwebColumn,
    hanweb_article_page,
    hanweb_column_page,
    hanweb_dataproxy,
)
from cassettes.link_list import article_page, list_page
from cassettes.material import CorpusText, markdown_body, paragraphs, text_lines
from cassettes.output import body_interaction, html_interaction, not_found, provenance, write_portal
from cassettes.trs import trs_article_page, trs_list_page
from cassettes.ucap import ucap_article_page, ucap_list_page, ucap_meta_table

from nianbao.crawler.middlewares.cassette import Interaction

Builder = Callable[[Path, Path], list[Path]]
BUILDERS: dict[str, Builder] = {}

#: The text shown on every reconstructed cassette's PROVENANCE about robots.txt.
NO_ROBOTS = "No `robots.txt`: the cassette middleware answers it with a synthetic 404 on replay."


def builder(function: Builder) -> Builder:
    BUILDERS[function.__name__] = function
    return function


def corpus(shared: Path, name: str) -> CorpusText:
    return CorpusText.read(shared / "corpus" / "texts" / name)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def title_line(text: str) -> str:
    return f"<h1>{esc(text.strip())}</h1>"


def info_line(text: str) -> str:
    return f'<p class="info">{esc(text.strip())}</p>'


def md5_name(title: str) -> str:
    """A stand-in document id for a page whose real URL is not known: the MD5 of its title."""
    return hashlib.md5(title.encode("utf-8")).hexdigest()


def _source(text: CorpusText, name: str) -> str:
    return f"`corpus/texts/{name}` (source URL in its header: `{text.fields['source_url']}`)"


# --- 佳县 (shaanxi_jiaxian), plain list --------------------------------------------------------

JIAXIAN_TEXT = "001_xiu_zhen_2022.txt"
JIAXIAN = Site("shaanxi_jiaxian", "http://www.sxjiaxian.gov.cn/", "佳县人民政府")
JIAXIAN_COLUMN = "http://www.sxjiaxian.gov.cn/zwgk/zfxxgkzl/xtjdbnb/"
JIAXIAN_ARTICLE = "http://www.sxjiaxian.gov.cn/zwgk/zfxxgkzl/xtjdbnb/ct/49959.htm"


@builder
def shaanxi_jiaxian(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, JIAXIAN_TEXT)
    assert text.fields["source_url"] == JIAXIAN_ARTICLE
    tools, title, info = (line.strip() for line in text.lines[:3])
    crumbs = [
        ("首页", JIAXIAN.home),
        ("政务公开", "/zwgk/"),
        ("政府信息公开专栏", "/zwgk/zfxxgkzl/"),
        ("政府信息公开年报", JIAXIAN_COLUMN),
    ]
    column = list_page(
        JIAXIAN,
        "政府信息公开年报",
        crumbs,
        [ListItem(title, path_of(JIAXIAN_ARTICLE), "2023-01-31")],
    )
    interactions = [
        html_interaction(JIAXIAN_COLUMN, column),
        html_interaction(
            JIAXIAN_ARTICLE,
            _county_article(JIAXIAN, title, crumbs, [tools], [info], text.lines[3:]),
        ),
    ]
    note = provenance(
        "shaanxi_jiaxian",
        "佳县 (榆林, Shaanxi): one township report (螅镇 2022) in a county 年报 column.",
        real=[
            f"The report page: {_source(text, JIAXIAN_TEXT)}, every line on the page in order: "
            "the tool line 【字体: 】 打印, the title `2022年度螅镇政府信息公开工作年度报告`, the "
            "info line with 发布时间:2023-01-31 13:24, then the report (a 2022 report on the "
            "2019 template, all value cells blank, the text ends at (四)无法提供 3.).",
            f"The article URL `{JIAXIAN_ARTICLE}`.",
            "The list date 2023-01-31: the page's own 发布时间.",
        ],
        reconstructed=[
            f"The column URL `{JIAXIAN_COLUMN}`: the folder the article's `ct/` folder sits in. "
            "The real URL of the column's list page is not known.",
            "Both pages' markup (county-portal shape: standard meta tags, header, breadcrumb, "
            "list, `div.article-content#zoom`), the breadcrumb names 政务公开 > "
            "政府信息公开专栏 > 政府信息公开年报 (read off the path `zwgk/zfxxgkzl/`; the name of "
            "`xtjdbnb` is not known) and the site name 佳县人民政府 (the corpus infers 佳县 "
            "from the domain).",
        ],
        left_out=[
            "The other reports of the column (other townships, other years): not in the material.",
            "网站标识码, 主办单位, visit counts.",
            NO_ROBOTS,
        ],
    )
    return write_portal("shaanxi_jiaxian", interactions, note, root)


def _county_article(
    site: Site,
    title: str,
    crumbs: list[tuple[str, str]],
    before: list[str],
    after: list[str],
    body: list[str],
    *,
    source: str | None = None,
    tail_html: str = "",
) -> str:
    """A plain county article: lines before the title, the title, lines after it, the body."""
    head = "\n".join(
        [*(f'<p class="tools">{esc(line)}</p>' for line in before), title_line(title)]
        + [info_line(line) for line in after]
    )
    return article_page(
        site,
        title,
        breadcrumb(crumbs),
        head,
        paragraphs(body),
        tail_html,
        column=crumbs[-1][0],
        source=source,
    )


# --- 九龙坡区 (chongqing_jiulongpo), TRS -------------------------------------------------------

JIULONGPO_TEXT = "002_erlang_jiedao_2022.txt"
JIULONGPO = Site("chongqing_jiulongpo", "http://cqjlp.gov.cn/", "重庆市九龙坡区人民政府")
JIULONGPO_COLUMN = "http://cqjlp.gov.cn/bmjz/qzfjz_97456/eljd_97738/zwgk_97461/zfxxgknb_97478/"
JIULONGPO_ARTICLE = JIULONGPO_COLUMN + "202301/t20230130_11545442.html"


@builder
def chongqing_jiulongpo(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, JIULONGPO_TEXT)
    assert text.fields["source_url"] == JIULONGPO_ARTICLE
    title = text.lines[0].strip()
    crumbs = [
        ("首页", JIULONGPO.home),
        ("部门街镇", "/bmjz/"),
        ("街镇", "/bmjz/qzfjz_97456/"),
        ("二郎街道", "/bmjz/qzfjz_97456/eljd_97738/"),
        ("政务公开", "/bmjz/qzfjz_97456/eljd_97738/zwgk_97461/"),
        ("政府信息公开年报", JIULONGPO_COLUMN),
    ]
    items = [ListItem(title, "./202301/t20230130_11545442.html", "2023-01-30")]
    interactions = [
        html_interaction(
            JIULONGPO_COLUMN, trs_list_page(JIULONGPO, "政府信息公开年报", crumbs, items)
        ),
        html_interaction(
            JIULONGPO_ARTICLE,
            trs_article_page(
                JIULONGPO,
                title,
                crumbs,
                title_line(title),
                paragraphs(text.lines[1:]),
                column="政府信息公开年报",
            ),
        ),
    ]
    note = provenance(
        "chongqing_jiulongpo",
        "九龙坡区 (Chongqing), TRS: the 政府信息公开年报 column of 二郎街道 in the district "
        "portal's 街镇 tree, with its 2022 report.",
        real=[
            f"The report page: {_source(text, JIULONGPO_TEXT)}; its first line (the title "
            "`重庆市九龙坡区二郎街道办事处2022年政府信息公开工作年度报告`) is the page's `<h1>`, "
            "every other line a paragraph of the `TRS_Editor` body, in order. The text stops "
            "inside table 二 (as the corpus says).",
            f"The article URL `{JIULONGPO_ARTICLE}` and, from it, the column URL "
            f"`{JIULONGPO_COLUMN}`: TRS publishes an article below its column as "
            "`./YYYYMM/tYYYYMMDD_id.html` (PORTALS.md §1), so the column is the folder above "
            "`202301/`.",
            "The list date 2023-01-30, from the article URL (`t20230130_`).",
        ],
        reconstructed=[
            "The column page's markup in the TRS shape (PORTALS.md §1): `CurrChnlCls` "
            "breadcrumb, a list row with its date, the pager script "
            '`createPageHTML(countPage, currentPage, "index", "html")` with `countPage = 1`; '
            "the article page's markup: standard meta tags, breadcrumb, `div.TRS_Editor` with "
            "its inline style.",
            "The breadcrumb names 部门街镇 > 街镇 > 二郎街道 > 政务公开 > 政府信息公开年报, read "
            "off the path (`bmjz/qzfjz_97456/eljd_97738/zwgk_97461/zfxxgknb_97478`).",
        ],
        left_out=[
            "Other reports of the column (other years) and the other townships of the 街镇 "
            "tree: not in the material.",
            "PubDate, 索引号, 网站标识码.",
            NO_ROBOTS,
        ],
    )
    return write_portal("chongqing_jiulongpo", interactions, note, root)


# --- 耒阳市 (hunan_leiyang), township tree -----------------------------------------------------

LEIYANG_TEXT = "003_mashui_zhen_2019.txt"
LEIYANG = Site("hunan_leiyang", "http://www.leiyang.gov.cn/", "耒阳市人民政府")
LEIYANG_COUNTY = "http://www.leiyang.gov.cn/xxgk/bmxxgkml/gxzjdbsc/"
LEIYANG_TOWN = LEIYANG_COUNTY + "msz/"
LEIYANG_COLUMN = LEIYANG_TOWN + "xxgkndbg/"
LEIYANG_ARTICLE = LEIYANG_COLUMN + "20200214/i1180025.html"


@builder
def hunan_leiyang(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, LEIYANG_TEXT)
    assert text.fields["source_url"] == LEIYANG_ARTICLE
    names = [part.strip() for part in text.lines[0].split(":", 1)[1].split(">")]
    assert names == [
        "首页",
        "政府信息公开",
        "部门信息公开目录",
        "各乡镇、街道办事处",
        "马水镇",
        "信息公开年度报告",
    ]
    hrefs = ["/", "/xxgk/", "/xxgk/bmxxgkml/", LEIYANG_COUNTY, LEIYANG_TOWN, LEIYANG_COLUMN]
    crumbs = list(zip(names, hrefs, strict=True))
    title_index = text.index("马水镇2019年政府信息公开年度报告")
    title = text.lines[title_index].strip()
    article = article_page(
        LEIYANG,
        title,
        breadcrumb(crumbs, label="当前页面: "),
        title_line(title),
        paragraphs(text.lines[title_index + 1 :]),
        column="信息公开年度报告",
    )
    interactions = [
        html_interaction(
            LEIYANG_COUNTY,
            list_page(LEIYANG, names[3], crumbs[:4], subcolumns=[("马水镇", LEIYANG_TOWN)]),
        ),
        html_interaction(
            LEIYANG_TOWN,
            list_page(LEIYANG, names[4], crumbs[:5], subcolumns=[(names[5], LEIYANG_COLUMN)]),
        ),
        html_interaction(
            LEIYANG_COLUMN,
            list_page(
                LEIYANG,
                names[5],
                crumbs,
                [ListItem(title, "./20200214/i1180025.html", "2020-02-14")],
            ),
        ),
        html_interaction(LEIYANG_ARTICLE, article),
    ]
    note = provenance(
        "hunan_leiyang",
        "耒阳市 (衡阳, Hunan): the county's tree 各乡镇、街道办事处 > 马水镇 > 信息公开年度报告, "
        "walked from the county level down to 马水镇's 2019 report.",
        real=[
            f"The report page: {_source(text, LEIYANG_TEXT)}. Its first line, the breadcrumb "
            "`当前页面: 首页 > 政府信息公开 > 部门信息公开目录 > 各乡镇、街道办事处 > 马水镇 > "
            "信息公开年度报告`, is the page's breadcrumb; the title `马水镇2019年政府信息公开年度"
            "报告` its `<h1>`; every following line a paragraph, in order (the text stops inside "
            "table 二).",
            f"The article URL `{LEIYANG_ARTICLE}` and the three levels above it: the folders of "
            "its path, `gxzjdbsc/` (各乡镇、街道办事处), `msz/` (马水镇), `xxgkndbg/` "
            "(信息公开年度报告), named by the page's own breadcrumb. The breadcrumb's links "
            "to 首页, 政府信息公开 (`/xxgk/`) and 部门信息公开目录 (`/xxgk/bmxxgkml/`) follow "
            "the same path.",
            "The list date 2020-02-14: the article's date folder `20200214/`.",
        ],
        reconstructed=[
            "The markup of the four pages (county-portal shape). The real URL of each level's "
            "list page (the folder itself, an index page, …) is not known: the folders are used.",
            "The county level lists 马水镇 only and 马水镇's page lists its 信息公开年度报告 only.",
        ],
        left_out=[
            "The other townships and streets of 耒阳市, 马水镇's other columns and reports of "
            "other years: not in the material.",
            NO_ROBOTS,
        ],
    )
    return write_portal("hunan_leiyang", interactions, note, root)


# --- 迁安市 (hebei_qianan), plain list ---------------------------------------------------------

QIANAN_TEXT = "004_dawuli_zhen_2020.txt"
QIANAN = Site("hebei_qianan", "http://www.qianan.gov.cn/", "迁安市人民政府")
QIANAN_COLUMN = "http://www.qianan.gov.cn/single/29/"
QIANAN_ARTICLE = "http://www.qianan.gov.cn/single/29/71869.html"


@builder
def hebei_qianan(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, QIANAN_TEXT)
    assert text.fields["source_url"] == QIANAN_ARTICLE
    title, blank, info = text.lines[:3]
    assert not blank.strip()
    crumbs = [("首页", QIANAN.home), ("政府信息公开年报", QIANAN_COLUMN)]
    interactions = [
        html_interaction(
            QIANAN_COLUMN,
            list_page(
                QIANAN,
                "政府信息公开年报",
                crumbs,
                [ListItem(title, "/single/29/71869.html", "2021-01-29")],
            ),
        ),
        html_interaction(
            QIANAN_ARTICLE,
            _county_article(QIANAN, title, crumbs, [], [info], text.lines[3:]),
        ),
    ]
    note = provenance(
        "hebei_qianan",
        "迁安市 (唐山, Hebei): 大五里镇's 2020 report on the city portal.",
        real=[
            f"The report page: {_source(text, QIANAN_TEXT)}: the title `大五里镇2020年政府信息"
            "公开工作年度报告` as `<h1>`, the info line (发布日期: 2021-01-29 来源:大五里镇 …) "
            "under it, every other line a paragraph in order (the values keep their spaces, "
            "`0 `; the text stops at (三)不予公开).",
            f"The article URL `{QIANAN_ARTICLE}`.",
            "The list date 2021-01-29: the page's 发布日期.",
        ],
        reconstructed=[
            f"The column URL `{QIANAN_COLUMN}`, the article's folder. The real URL of the "
            "column that lists the report is not known (`single/` pages may be listed from "
            "anywhere on the portal).",
            "Both pages' markup (county-portal shape) and the column name 政府信息公开年报.",
        ],
        left_out=["Other reports of the portal: not in the material.", NO_ROBOTS],
    )
    return write_portal("hebei_qianan", interactions, note, root)


# --- 抚松县 (jilin_fusong), TRS ----------------------------------------------------------------

FUSONG_TEXT = "005_donggang_zhen_2020.txt"
FUSONG = Site("jilin_fusong", "http://xxgk-fs.cbs.gov.cn/", "抚松县人民政府")
FUSONG_COLUMN = "http://xxgk-fs.cbs.gov.cn/zsjg/aqjg/ndbg/"
FUSONG_ARTICLE = FUSONG_COLUMN + "202101/t20210105_655577.html"


@builder
def jilin_fusong(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, FUSONG_TEXT)
    assert text.fields["source_url"] == FUSONG_ARTICLE
    login, _, title, _, info = (line.strip() for line in text.lines[:5])
    crumbs = [("首页", FUSONG.home), ("年度报告", FUSONG_COLUMN)]
    head = "\n".join([f'<p class="login">{esc(login)}</p>', title_line(title), info_line(info)])
    items = [ListItem(title, "./202101/t20210105_655577.html", "2021-01-04")]
    interactions = [
        html_interaction(FUSONG_COLUMN, trs_list_page(FUSONG, "年度报告", crumbs, items)),
        html_interaction(
            FUSONG_ARTICLE,
            trs_article_page(
                FUSONG, title, crumbs, head, paragraphs(text.lines[5:]), column="年度报告"
            ),
        ),
    ]
    note = provenance(
        "jilin_fusong",
        "抚松县 (白山, Jilin), TRS: the 年度报告 column holding 东岗镇's 2020 report on the "
        "county's 信息公开 site.",
        real=[
            f"The report page: {_source(text, FUSONG_TEXT)}: the chrome line 登录 | 注册, the "
            "title as `<h1>`, the info line 发布日期:2021-01-04 点击数:, then every other line "
            "(the title printed again, the report to the first value of 二、上年结转) as a "
            "paragraph of the `TRS_Editor` body, in order.",
            f"The article URL `{FUSONG_ARTICLE}` and the column URL `{FUSONG_COLUMN}` above its "
            "`YYYYMM/` folder (TRS, PORTALS.md §1).",
            "The list date 2021-01-04: the page's 发布日期 (the URL's t20210105 is one day "
            "later; the page is what the list shows).",
        ],
        reconstructed=[
            "Both pages' markup in the TRS shape (`CurrChnlCls` breadcrumb, `createPageHTML` "
            "pager with countPage 1, `TRS_Editor` body); the column name 年度报告 (after the "
            "slug `ndbg`) and the site name 抚松县人民政府; the names of `zsjg/aqjg/` are not "
            "known and are not shown.",
        ],
        left_out=["Other reports of the column: not in the material.", NO_ROBOTS],
    )
    return write_portal("jilin_fusong", interactions, note, root)


# --- 文登区 (shandong_wendeng), flip-books -----------------------------------------------------

WENDENG_TEXTS = ("006_wendeng_xinfangju_2022_p8.txt", "007_wendeng_zhengfuban_2022_p9.txt")
WENDENG_SHELF = "http://180.76.149.248:88/book/2022dzs/"


@builder
def shandong_wendeng(shared: Path, root: Path) -> list[Path]:
    interactions: list[Interaction] = []
    rows = []
    reals = []
    for name in WENDENG_TEXTS:
        text = corpus(shared, name)
        url = text.fields["source_url"]
        assert url.startswith(WENDENG_SHELF)
        page_line = text.lines[0].strip()
        title = page_line.split(" - ", 1)[1]
        rows.append(ListItem(title, url.removeprefix(WENDENG_SHELF)))
        interactions.append(html_interaction(url, flipbook_page("shandong_wendeng", text.lines)))
        reals.append(
            f"`{url}`: {_source(text, name)}, every line a paragraph in order; its first line "
            f"`{page_line}` is also the page's `<title>`."
        )
    links = "\n".join(
        f'<li><a href="{esc(row.href)}" title="{esc(row.title)}">{esc(row.title)}</a></li>'
        for row in rows
    )
    shelf = f"""<!DOCTYPE html>
<!-- RECONSTRUCTED page (nianbao cassette, see cassettes/shandong_wendeng/PROVENANCE.md): the
list of the 2022 report flip-books of 威海市文登区; only the books' titles and page URLs
are real. -->
<html>
<head>
<meta charset="utf-8">
<title>2022dzs</title>
</head>
<body>
<ul>
{links}
</ul>
</body>
</html>
"""
    interactions.append(html_interaction(WENDENG_SHELF, shelf))
    note = provenance(
        "shandong_wendeng",
        "文登区 (威海, Shandong): the 2022 reports of two district departments, each published "
        "as a PDF flip-book on 180.76.149.248:88 (one PDF page per `basic-html/pageN.html`).",
        real=[
            *reals,
            "The titles of both reports, as printed on their pages (the 办公室's page prints "
            "`威海市文登人民政府办公室`, without 区; it is kept so).",
        ],
        reconstructed=[
            f"The column `{WENDENG_SHELF}` (the folder holding both books) and its page: the real "
            "page or column that lists the books is not known. It links each report to the one "
            "page of its book that the material holds (page 8 of 信访局's, page 9 of the "
            "办公室's), where a real list would link the book itself.",
            "The markup of the flip-book pages: only their text was recorded.",
        ],
        left_out=[
            "The other pages of both books (the material holds one page of each, so each item "
            "carries a part of its report: table 四 and section 五 for 信访局, the closing "
            "sections for the 办公室), and other departments' books.",
            NO_ROBOTS,
        ],
    )
    return write_portal("shandong_wendeng", interactions, note, root)


# --- 遂溪县 乐民镇 (guangdong_suixi), plain list ------------------------------------------------

SUIXI_TEXT = "008_lemin_zhen_2021.txt"
SUIXI = Site("guangdong_suixi", "https://topx1.com/gzzwz/lmzrmzf/", "遂溪县乐民镇人民政府")
SUIXI_COLUMN = "https://topx1.com/gzzwz/lmzrmzf/zwgk/xxgknb/"
SUIXI_ARTICLE = SUIXI_COLUMN + "content/post_1559311.html"


@builder
def guangdong_suixi(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, SUIXI_TEXT)
    assert text.fields["source_url"] == SUIXI_ARTICLE
    title, blank, info = text.lines[:3]
    assert not blank.strip()
    crumbs = [
        ("首页", SUIXI.home),
        ("政务公开", SUIXI.home + "zwgk/"),
        ("政府信息公开年报", SUIXI_COLUMN),
    ]
    interactions = [
        html_interaction(
            SUIXI_COLUMN,
            list_page(
                SUIXI,
                "政府信息公开年报",
                crumbs,
                [ListItem(title, "content/post_1559311.html", "2022-01-07")],
            ),
        ),
        html_interaction(
            SUIXI_ARTICLE,
            _county_article(SUIXI, title, crumbs, [], [info], text.lines[3:]),
        ),
    ]
    note = provenance(
        "guangdong_suixi",
        "遂溪县 (湛江, Guangdong): 乐民镇's 2021 report, from the copy of the 遂溪县 portal's "
        "乐民镇 sub-site on topx1.com (the only place the material has it).",
        real=[
            f"The report page: {_source(text, SUIXI_TEXT)}: the title as `<h1>`, the info line "
            "(来源:本网 | 时间:2022-01-07 …) under it, every other line a paragraph in order (the "
            "text ends at heading 三).",
            f"The article URL `{SUIXI_ARTICLE}` and the column `{SUIXI_COLUMN}` above its "
            "`content/` folder: Guangdong's intensive platform publishes an article as "
            "`<column>/content/post_<id>.html` (PORTALS.md §3, url_shapes.md).",
            "The list date 2022-01-07: the page's 时间.",
        ],
        reconstructed=[
            "The column page's markup and list (the real list page was not recorded), the "
            "article page's markup, the breadcrumb names 政务公开 > 政府信息公开年报 (after the "
            "slugs `zwgk/xxgknb/`), the site name.",
        ],
        left_out=["Other reports of the column: not in the material.", NO_ROBOTS],
    )
    return write_portal("guangdong_suixi", interactions, note, root)


# --- 义乌市 (zhejiang_yiwu), Hanweb ------------------------------------------------------------

YIWU_TEXT = "009_niansanli_jiedao_2022.txt"
YIWU = Site("zhejiang_yiwu", "http://www.yw.gov.cn/", "义乌市人民政府")
YIWU_COLUMN = "http://www.yw.gov.cn/col/col1229134232/index.html"
YIWU_ARTICLE = "http://www.yw.gov.cn/art/2023/1/11/art_1229134232_4052272.html"
#: unitid and webid of the column are not known: 1 and 1 say "reconstructed".
YIWU_JPAGE = HanwebColumn(1229134232, unit_id=1, web_id=1, web_name="义乌市人民政府")


@builder
def zhejiang_yiwu(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, YIWU_TEXT)
    assert text.fields["source_url"] == YIWU_ARTICLE
    title = text.lines[0].strip()
    crumbs = [("首页", YIWU.home), ("政府信息公开年报", YIWU_COLUMN)]
    items = [ListItem(title, path_of(YIWU_ARTICLE), "2023-01-11")]
    column = hanweb_column_page(YIWU, "政府信息公开年报", YIWU_JPAGE, crumbs, items)
    interactions = [
        html_interaction(YIWU_COLUMN, column),
        hanweb_dataproxy(YIWU_COLUMN, column, items),
        html_interaction(
            YIWU_ARTICLE,
            hanweb_article_page(
                YIWU,
                title,
                breadcrumb(crumbs),
                title_line(title),
                paragraphs(text.lines[1:]),
                column="政府信息公开年报",
            ),
        ),
    ]
    note = provenance(
        "zhejiang_yiwu",
        "义乌市 (金华, Zhejiang), Hanweb: 廿三里街道's 2022 report in the column "
        "`col1229134232` of the city portal.",
        real=[
            f"The report page: {_source(text, YIWU_TEXT)}: its first line (the title) is the "
            "`<h1>`, every other line a paragraph of `#zoom`, in order (narrative only; the "
            "text holds no tables).",
            f"The article URL `{YIWU_ARTICLE}` and the column URL `{YIWU_COLUMN}`: a Hanweb "
            "article `art_{columnid}_{id}` lives in column `col{columnid}` (PORTALS.md §2).",
            "The list date 2023-01-11, from the article URL (`/art/2023/1/11/`).",
        ],
        reconstructed=[
            "The column page in the Hanweb shape: first records as XML in "
            '`<div id="1"><script type="text/xml"><datastore>`, `<nextgroup>` naming '
            "`/module/web/jpage/dataproxy.jsp?page=1&…` (the newer GET call), "
            "`var param_1={…,totalRecord:1}`. The `unitid` and `webid` of the real column "
            "are not known: both are `1`.",
            "The `dataproxy.jsp` answer to that GET call (`<datastore><totalrecord>1…`), which "
            "repeats the one record.",
            "The article page's markup: Generator/Author meta tags 大汉版通/大汉网络, a "
            "breadcrumb, `#zoom`, the hidden `Produced By 大汉网络 大汉版通发布系统` link. The "
            "Zhejiang 索引号 table is left out (its values are not known).",
        ],
        left_out=["Other reports of the column: not in the material.", NO_ROBOTS],
    )
    return write_portal("zhejiang_yiwu", interactions, note, root)


# --- 凉州区 (gansu_liangzhou), Hanweb, per-year sub-column, attachments ------------------------

LIANGZHOU_SEED = "seeds/003_9be01f7833830f67.txt"
LIANGZHOU = Site("gansu_liangzhou", "http://www.gsliangzhou.gov.cn/", "武威市凉州区人民政府")
LIANGZHOU_COLUMN = "http://www.gsliangzhou.gov.cn/col/col9910/index.html"
LIANGZHOU_YEAR = "http://www.gsliangzhou.gov.cn/col/col9911/index.html"
LIANGZHOU_ARTICLE = "http://www.gsliangzhou.gov.cn/art/2018/2/1/art_9911_1.html"
LIANGZHOU_FILES = (
    (
        "政府信息公开情况统计表",
        "http://www.gsliangzhou.gov.cn/module/download/downfile.jsp?classid=0&filename=sbz2017_1.xls",
    ),
    (
        "政府信息公开情况分析说明",
        "http://www.gsliangzhou.gov.cn/module/download/downfile.jsp?classid=0&filename=sbz2017_2.doc",
    ),
)


@builder
def gansu_liangzhou(shared: Path, root: Path) -> list[Path]:
    lines = text_lines(shared / LIANGZHOU_SEED)
    assert lines[0] == "当前位置:首页" and lines[1] == ">政府信息公开>四坝镇>政府信息公开年报>2017"
    labels, values, title, info = lines[2], lines[3], lines[4].strip(), lines[5]
    named = next(n for n, line in enumerate(lines) if line.strip() == LIANGZHOU_FILES[0][0])
    first_file = max(n for n in range(named) if lines[n].strip() == "附件")
    body, tail = lines[6:first_file], lines[first_file:]
    assert [line.strip() for line in tail if line.strip()] == [
        "附件",
        "政府信息公开情况统计表",
        "附件",
        "政府信息公开情况分析说明",
        "扫一扫在手机打开当前页",
        "Produced By 大汉网络 大汉版通发布系统",
    ]
    crumbs = [
        ("首页", LIANGZHOU.home),
        ("政府信息公开", "#"),
        ("四坝镇", "#"),
        ("政府信息公开年报", LIANGZHOU_COLUMN),
        ("2017", LIANGZHOU_YEAR),
    ]
    crumb_html = (
        '<div class="position">当前位置:<a href="/">首页</a><br>'
        + "".join(f'&gt;<a href="{esc(href)}">{esc(name)}</a>' for name, href in crumbs[1:])
        + "</div>"
    )
    head = "\n".join(
        [
            '<table class="xxgk_table"><tr>'
            + "".join(f"<td>{esc(cell)}</td>" for cell in labels.split())
            + "</tr><tr>"
            + "".join(f"<td>{esc(cell)}</td>" for cell in values.split())
            + "</tr></table>",
            title_line(title),
            info_line(info),
        ]
    )
    files = "\n".join(
        f'<p>附件</p>\n<p><a href="{esc(url)}" target="_blank">{esc(name)}</a></p>'
        for name, url in LIANGZHOU_FILES
    )
    tail_html = f'<div class="fj">\n{files}\n</div>\n<div class="qr">扫一扫在手机打开当前页</div>'
    item = ListItem(title, path_of(LIANGZHOU_ARTICLE), "2018-02-01")
    year_page = hanweb_column_page(
        LIANGZHOU, "2017", HanwebColumn(9911, 1, 1, "凉州区", paging="post"), crumbs, [item]
    )
    interactions = [
        html_interaction(
            LIANGZHOU_COLUMN,
            hanweb_column_page(
                LIANGZHOU,
                "政府信息公开年报",
                HanwebColumn(9910, 1, 1, "凉州区", paging="post"),
                crumbs[:4],
                [],
                subcolumns=[("2017", LIANGZHOU_YEAR)],
            ),
        ),
        html_interaction(LIANGZHOU_YEAR, year_page),
        hanweb_dataproxy(LIANGZHOU_YEAR, year_page, [item]),
        html_interaction(
            LIANGZHOU_ARTICLE,
            hanweb_article_page(
                LIANGZHOU,
                title,
                crumb_html,
                head,
                paragraphs(body),
                tail_html,
                column="2017",
                source="凉州区四坝镇人民政府",
            ),
        ),
        *(not_found(url) for _, url in LIANGZHOU_FILES),
    ]
    note = provenance(
        "gansu_liangzhou",
        "凉州区 (武威, Gansu), Hanweb: 四坝镇's 政府信息公开年报 column, its 2017 sub-column and "
        "the 2017 report, whose tables are only in two attachments.",
        real=[
            f"The report text: seed `{LIANGZHOU_SEED}` (四坝镇 2017, before the 2019 format), "
            "every line on the page in order: the breadcrumb `当前位置:首页` / "
            "`>政府信息公开>四坝镇>政府信息公开年报>2017` (which gives the tree walked: the "
            "年报 column of 四坝镇 and its sub-column 2017), the 索引号/公开方式/发布机构 row "
            "(116223010153210935/2018-14316, 主动公开, 凉州区四坝镇人民政府), the title, the "
            "info line (发布日期: 2018-02-01), the narrative, the two 附件 lines naming "
            "政府信息公开情况统计表 and 政府信息公开情况分析说明, 扫一扫在手机打开当前页 and "
            "Produced By 大汉网络 大汉版通发布系统.",
            "The portal's domain gsliangzhou.gov.cn and its Hanweb article shape "
            "`/art/YYYY/M/D/art_COLUMN_ID.html` (seeds/README.md); the article's date "
            "2018/2/1 is its 发布日期.",
        ],
        reconstructed=[
            "Every URL but the domain: the host `www.gsliangzhou.gov.cn`, the column ids 9910 "
            "(政府信息公开年报 of 四坝镇) and 9911 (2017), the article id 1, the jpage "
            "`unitid`/`webid` 1. The real URLs are not in the material.",
            "The two attachment links: their names are the page's, their URLs (Hanweb's "
            "`/module/download/downfile.jsp?classid=0&filename=…`) and file types (.xls for "
            "the 统计表, .doc for the 说明) are not known. The files are not in the material: "
            "the cassette answers both with an empty 404, so that a replay that fetches "
            "attachments runs without them.",
            "The pages' markup in the Hanweb shape (datastore, `var param_…`, the classic "
            "POST `dataproxy.jsp?startrecord=1&endrecord=45&perpage=15` call of the year "
            "column and its answer, made with the spider's own request code).",
        ],
        left_out=[
            "Other years and other townships of 凉州区: not in the material.",
            "The attachments' contents (the report's tables).",
            NO_ROBOTS,
        ],
    )
    return write_portal("gansu_liangzhou", interactions, note, root)


# --- 宿迁市 (jiangsu_suqian), UCAP -------------------------------------------------------------

SUQIAN_TEXT = "010_suqian_shi_2017.txt"
SUQIAN = Site("jiangsu_suqian", "https://suqian.gov.cn/", "宿迁市人民政府")
SUQIAN_COLUMN = "https://suqian.gov.cn/zfb/gknb/gknb.shtml"
SUQIAN_ARTICLE = "https://suqian.gov.cn/zfb/gknb/201802/a21fdc4296de494da7adce40d7541728.shtml"


@builder
def jiangsu_suqian(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, SUQIAN_TEXT)
    assert text.fields["source_url"] == SUQIAN_ARTICLE
    lines = [line.strip() for line in text.lines]
    assert lines[:3] == ["请输入关键字", "确定", "您当前所在位置:首页 > 信息公开年报"]
    title = lines[3].removeprefix("名称 ")
    assert lines[10] == title and lines[8] == "时效"
    index_no, category = re.fullmatch(r"索引号 (\S+) 分类 (.+)", lines[4]).groups()
    publisher, issued = re.fullmatch(r"发布机构 (\S+) 发文日期 (\S+)", lines[5]).groups()
    assert lines[6] == "文号 关键词" and lines[7] == f"文件下载 {title}"
    crumbs = [("首页", SUQIAN.home), ("信息公开年报", SUQIAN_COLUMN)]
    table = ucap_meta_table(
        [
            ("名称", esc(title), "", ""),
            ("索引号", esc(index_no), "分类", esc(category)),
            ("发布机构", esc(publisher), "发文日期", esc(issued)),
            ("文号", "", "关键词", ""),
            ("文件下载", esc(title), "", ""),
            ("时效", "", "", ""),
        ]
    )
    before = (
        '<div class="search"><span>请输入关键字</span> <button>确定</button></div>\n'
        + breadcrumb(crumbs, label="您当前所在位置:")
    )
    interactions = [
        html_interaction(
            SUQIAN_COLUMN,
            ucap_list_page(
                SUQIAN, "信息公开年报", crumbs, [ListItem(title, path_of(SUQIAN_ARTICLE), issued)]
            ),
        ),
        html_interaction(
            SUQIAN_ARTICLE,
            ucap_article_page(
                SUQIAN, title, table, paragraphs(text.lines[11:]), before_title=before
            ),
        ),
    ]
    note = provenance(
        "jiangsu_suqian",
        "宿迁市 (Jiangsu), UCAP: the city's 信息公开年报 column with its 2017 report.",
        real=[
            f"The report page: {_source(text, SUQIAN_TEXT)}, every line on the page in order: "
            "the search box (请输入关键字, 确定), the breadcrumb 您当前所在位置:首页 > "
            "信息公开年报, the 名称/索引号 (00000001/2018-00042)/分类/发布机构 "
            "(宿迁市人民政府办公室)/发文日期 "
            "(2018-02-26)/文号/关键词/文件下载/时效 table, the title, the narrative.",
            f"The article URL `{SUQIAN_ARTICLE}`.",
            "The page shape: the same UCAP template as the real 沭阳 page "
            "(corpus/html/ucap_shuyang_fgj_2023.html): the table above the title, "
            "`<h1><ucaptitle>`, `<ucapcontent>`.",
            "The list date 2018-02-26: the page's 发文日期.",
        ],
        reconstructed=[
            f"The column URL `{SUQIAN_COLUMN}`, after the UCAP column-page names on the real "
            "沭阳 page (`/shuyang/xxgk/xxgk.shtml`); the real URL of the list page is not "
            "known (the breadcrumb names the column 信息公开年报).",
            "The markup (the 沭阳 template's classes, not its chrome).",
        ],
        left_out=[
            "The file behind 文件下载: its URL is not in the material, so the name is kept as "
            "text, not as a link (the item has no attachment).",
            "Other reports of the column: not in the material.",
            NO_ROBOTS,
        ],
    )
    return write_portal("jiangsu_suqian", interactions, note, root)


# --- 沭阳县 (jiangsu_shuyang), UCAP ------------------------------------------------------------

SHUYANG_PAGE = "corpus/html/ucap_shuyang_fgj_2023.html"
SHUYANG_TEXT = "012_shuyang_xian_2025.txt"
SHUYANG_NAV = (
    ("走进沭阳", "/shuyang/zjsy/zjsy.shtml"),
    ("办事服务", "/shuyang/bsfw/bsfw.shtml"),
    ("政民互动", "/shuyang/zmhd/zmhd.shtml"),
    ("政府信息公开", "/shuyang/xxgk/xxgk.shtml"),
    ("数据开放", "/shuyang/sjkf/sjfb.shtml"),
)
SHUYANG = Site(
    "jiangsu_shuyang",
    "http://www.shuyang.gov.cn/",
    "沭阳县人民政府",
    site_code="3213220037",
    nav=SHUYANG_NAV,
)
SHUYANG_COLUMN = "http://www.shuyang.gov.cn/shuyang/gknb/gknb.shtml"
SHUYANG_FGJ = "http://www.shuyang.gov.cn/sygfj/gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml"
SHUYANG_FGJ_TITLE = "沭阳县发展和改革局2023年政府信息公开年度报告"
#: The transcription's file name is the report page's title (``<title>-<site>``, as the 发改局
#: page saved by the same tool: ``…年度报告-沭阳县发改局``).
SHUYANG_TITLE = "沭阳县人民政府2025年政府信息公开工作年度报告"
SHUYANG_2025 = f"http://www.shuyang.gov.cn/shuyang/gknb/202601/{md5_name(SHUYANG_TITLE)}.shtml"
_SAVER_WRAPPER = re.compile(r'<div class="meta">.*?</div>\n</div>\n', re.S)


@builder
def jiangsu_shuyang(shared: Path, root: Path) -> list[Path]:
    saved = (shared / SHUYANG_PAGE).read_text(encoding="utf-8")
    wrapper = _SAVER_WRAPPER.search(saved)
    assert wrapper and "采集时间" in wrapper.group(0) and SHUYANG_FGJ in wrapper.group(0)
    fgj_page = saved[: wrapper.start()] + saved[wrapper.end() :]
    text = corpus(shared, SHUYANG_TEXT)
    assert SHUYANG_TITLE in text.fields["source_url"]
    table = ucap_meta_table(
        [
            ("名称", esc(SHUYANG_TITLE), "", ""),
            ("索引号", "", "分类", ""),
            ("发布机构", "沭阳县人民政府", "公开日期", ""),
            ("文号", "", "关键词", ""),
            ("文件下载", "", "", ""),
            ("时效", "", "", ""),
        ]
    )
    crumbs = [
        ("首页", "/shuyang/index.shtml"),
        ("政府信息公开", "/shuyang/xxgk/xxgk.shtml"),
        ("信息公开年报", SHUYANG_COLUMN),
    ]
    items = [
        ListItem(SHUYANG_TITLE, path_of(SHUYANG_2025)),
        ListItem(SHUYANG_FGJ_TITLE, path_of(SHUYANG_FGJ), "2024-01-17"),
    ]
    interactions = [
        html_interaction(SHUYANG_COLUMN, ucap_list_page(SHUYANG, "信息公开年报", crumbs, items)),
        html_interaction(SHUYANG_FGJ, fgj_page),
        html_interaction(
            SHUYANG_2025,
            ucap_article_page(SHUYANG, SHUYANG_TITLE, table, markdown_body(text.lines)),
        ),
    ]
    note = provenance(
        "jiangsu_shuyang",
        "沭阳县 (宿迁, Jiangsu), UCAP: a county 信息公开年报 column with the county's 2025 "
        "report and the 2023 report of its 发展和改革局.",
        real=[
            f"`{SHUYANG_FGJ}`: the real page `{SHUYANG_PAGE}` as saved on 2025-12-30, byte for "
            'byte except the saving tool\'s own `<div class="meta">` block (标题/单位/来源/'
            "采集时间), which was never part of the portal's page. Its tables, "
            "`<ucapcontent>`, 索引号 table and 公开日期 2024-01-17 are the portal's.",
            f"The county's 2025 report: {_source(text, SHUYANG_TEXT)}, a Markdown "
            "transcription of the report (沭阳 printed 沐阳 throughout, table 三 split into "
            "blocks with placeholder headers 数据1–数据6 and one wrong header row), rendered "
            "line for line: `#` headings as headings, pipe tables as `<table>` with the "
            "transcription's own header rows as first rows, other lines as paragraphs.",
            f"The title `{SHUYANG_TITLE}`: the transcription's file name, which the same tool "
            "makes from the page title (as `…年度报告-沭阳县发改局` for the 发改局 page).",
            "The site facts on the reconstructed pages: SiteName 沭阳县人民政府, SiteIDCode "
            "3213220037 and the navigation links (走进沭阳, 办事服务, 政民互动, 政府信息公开, "
            "数据开放) of the real page.",
        ],
        reconstructed=[
            f"The column `{SHUYANG_COLUMN}` and its page, listing both reports: the real list "
            "page is not known (its name follows the UCAP column pages of the real page, "
            "`/shuyang/xxgk/xxgk.shtml`).",
            f"The 2025 report's URL `{SHUYANG_2025}`: the real one is not in the material; "
            "its 32-hex name is the MD5 of the title, not the portal's document id. Its page "
            "is the 沭阳 UCAP template with only 名称 and 发布机构 filled in. The body is the "
            "transcription, not the portal's HTML (which may publish a PDF; none is in the "
            "material).",
        ],
        left_out=[
            "The 2025 page's 索引号, 公开日期 and attachments; other reports of the column.",
            NO_ROBOTS,
        ],
    )
    return write_portal("jiangsu_shuyang", interactions, note, root)


# --- 洪泽区 (jiangsu_hongze), a report published as a PDF --------------------------------------

HONGZE_PDF = "corpus/attachments/hongze_qu_2023.pdf"
HONGZE_TEXT = "011_hongze_qu_2023.txt"
HONGZE = Site("jiangsu_hongze", "http://www.hongze.gov.cn/", "淮安市洪泽区人民政府")
HONGZE_COLUMN = "http://www.hongze.gov.cn/hzqzf/xxgknb/"
HONGZE_ARTICLE = HONGZE_COLUMN + "hzq2023.html"
HONGZE_FILE = HONGZE_COLUMN + "hzq2023.pdf"


@builder
def jiangsu_hongze(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, HONGZE_TEXT)
    first, second = (line.strip() for line in text.lines[:2])
    title = (first + second).replace(" ", "")
    assert title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    pdf = (shared / HONGZE_PDF).read_bytes()
    assert pdf.startswith(b"%PDF")
    crumbs = [("首页", HONGZE.home), ("政府信息公开年报", HONGZE_COLUMN)]
    body = f'<p>附件：<a href="{esc(HONGZE_FILE)}" target="_blank">{esc(title)}.pdf</a></p>'
    interactions = [
        html_interaction(
            HONGZE_COLUMN,
            list_page(
                HONGZE, "政府信息公开年报", crumbs, [ListItem(title, path_of(HONGZE_ARTICLE))]
            ),
        ),
        html_interaction(
            HONGZE_ARTICLE,
            article_page(
                HONGZE,
                title,
                breadcrumb(crumbs),
                title_line(title),
                body,
                column="政府信息公开年报",
            ),
        ),
        body_interaction(HONGZE_FILE, pdf, "application/pdf"),
    ]
    note = provenance(
        "jiangsu_hongze",
        "洪泽区 (淮安, Jiangsu): the district's 2023 report, published as a PDF: the report "
        "page carries only its title and the file.",
        real=[
            f"The PDF `{HONGZE_PDF}` (洪泽区人民政府2023年政府信息公开工作年度报告, 5 pages with "
            f"a text layer; corpus text `{HONGZE_TEXT}` is its text), served byte for byte at "
            f"`{HONGZE_FILE}` as application/pdf.",
            "The title `洪泽区人民政府2023年政府信息公开工作年度报告`: the PDF's first two lines.",
        ],
        reconstructed=[
            "Every URL. The material gives no URL for this report (the PDF comes from a "
            "GitHub repository); `www.hongze.gov.cn` is the district portal's domain, the "
            f"column `{HONGZE_COLUMN}`, the page `{HONGZE_ARTICLE}` and the file name "
            "`hzq2023.pdf` (after the PDF's name in the repository, hzq2023_working.pdf) "
            "are reconstructed.",
            "The shape chosen for the report: a page holding the title and the PDF as its "
            "attachment, as portals publish PDF-only reports (PORTALS.md §5), rather than "
            "the PDF's text pasted as HTML: the text is a PDF text layer, not a page. The "
            "spider yields the page with the PDF in `attachments`; the tables are read from "
            "the file by the attachment stage.",
        ],
        left_out=["The publication date (not known); other reports of the column.", NO_ROBOTS],
    )
    return write_portal("jiangsu_hongze", interactions, note, root)


# --- 上海市人民政府办公厅 (shanghai_bangongting) ------------------------------------------------

SHANGHAI_TEXT = "013_shanghai_bgt_2025.txt"
SHANGHAI = Site("shanghai_bangongting", "https://www.shanghai.gov.cn/", "上海市人民政府")
SHANGHAI_COLUMN = "https://www.shanghai.gov.cn/nw12344/index.html"
SHANGHAI_TITLE = "2025年上海市人民政府办公厅政府信息公开工作年度报告"
SHANGHAI_ARTICLE = f"https://www.shanghai.gov.cn/nw12344/{md5_name(SHANGHAI_TITLE)}.html"


@builder
def shanghai_bangongting(shared: Path, root: Path) -> list[Path]:
    text = corpus(shared, SHANGHAI_TEXT)
    assert text.lines[0].strip() == "正文"
    assert (text.lines[1] + text.lines[2]).replace(" ", "") == SHANGHAI_TITLE
    crumbs = [("首页", SHANGHAI.home), ("政府信息公开年报", SHANGHAI_COLUMN)]
    interactions = [
        html_interaction(
            SHANGHAI_COLUMN,
            list_page(
                SHANGHAI,
                "政府信息公开年报",
                crumbs,
                [ListItem(SHANGHAI_TITLE, path_of(SHANGHAI_ARTICLE))],
            ),
        ),
        html_interaction(
            SHANGHAI_ARTICLE,
            article_page(
                SHANGHAI,
                SHANGHAI_TITLE,
                breadcrumb(crumbs),
                title_line(SHANGHAI_TITLE),
                markdown_body(text.lines),
                column="政府信息公开年报",
            ),
        ),
    ]
    note = provenance(
        "shanghai_bangongting",
        "上海市人民政府办公厅: its 2025 report in the 政府信息公开年报 column `nw12344` of the "
        "Shanghai portal.",
        real=[
            f"The report: {_source(text, SHANGHAI_TEXT)}, a transcription of the PDF mixing "
            "plain lines and pipe tables (table 二 第（一）项 split into loose lines, table 三 "
            "labels partly detached from their numbers, page footers — N —), rendered line for "
            "line: pipe tables as `<table>`, the other lines as paragraphs.",
            f"The title `{SHANGHAI_TITLE}`: the text's lines 2–3.",
            "The column `nw12344`: the folder of the Shanghai reports cited in SPEC.md §10 "
            "(`https://www.shanghai.gov.cn/nw12344/20200813/0001-12344_64595.html`).",
        ],
        reconstructed=[
            f"The column page URL `{SHANGHAI_COLUMN}` and its page: the real list page is not "
            "known.",
            f"The report URL `{SHANGHAI_ARTICLE}`: the real one (with its `/YYYYMMDD/` folder) "
            "is not in the material; the date folder is left out rather than a date made up, "
            "and the 32-hex name is the MD5 of the title.",
            "The page: an HTML article holding the transcription, not the portal's own page "
            "(which also links the PDF; the PDF is not in the material).",
        ],
        left_out=["The publication date; other reports of the column.", NO_ROBOTS],
    )
    return write_portal("shanghai_bangongting", interactions, note, root)
