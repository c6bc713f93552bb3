"""The generic spider against simulated portals of every family, served on 127.0.0.1.

Each simulated site lives on the real host of one portal of the material and holds that
portal's real report pages (taken from its cassette, under their real URLs). Around them the
test builds what a crawl from the home page meets: a home page, hub pages (政府信息公开,
政务公开), a 年报 column in the family's shape with paged lists (TRS ``createPageHTML``, Hanweb
``dataproxy.jsp`` GET and POST, gkmlpt JSON pages, 下一页 links) and per-year or per-township
sub-columns, and, in the lists, what must be skipped: notices about compiling reports,
website 年度报表, 企业年报, a 解读 page, a report on another domain. Those test pages are made
here and say nothing about any real portal; the non-report titles are real titles from the
material (SPEC.md §8, the 恩格贝 and 邯郸 pages) or SPEC.md §8's pattern filled in.

Every crawl runs through the simulator as an HTTP proxy, in one subprocess; a site passes when
the spider yields exactly its reports, requests none of the skipped pages, and never asks for a
host outside the start URL's registered domain.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from simulator import Portal, serving
from spider_runs import Replay, run_crawls

from nianbao.crawler.middlewares.cassette_yaml import Interaction, load_interactions
from nianbao.crawler.spiders.base.columns import registered_domain

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "cassettes"

#: Non-reports from the material: SPEC.md §8's notice with a year filled in, the 邯郸 page's
#: 政府网站年度工作报表, the brief's 企业年报, a 解读 page, 恩格贝's column news.
NOTICE = "关于做好2023年政府信息公开工作年度报告编制发布工作的通知"
WEBSITE_FORM = "政府网站年度工作报表"
COMPANY = "2023年度企业年报"
READING = "2019年政府信息公开工作年度报告解读"
NEWS = "恩格贝生态示范区召开2020年度工作会暨党风廉政建设会议"
#: A real report title (恩格贝's column) on another domain: never to be requested.
OFFSITE = ("内蒙古自治区2018年政府信息公开工作年度报告", "http://www.nmg.gov.cn/zwgk/xxgknb/1.html")


def cassette_pages(spider: str) -> dict[str, Interaction]:
    return {i.url: i for i in load_interactions(CASSETTES / spider) if i.method == "GET"}


def page(title: str, body: str, head: str = "", column: str = "") -> str:
    meta = f'<meta name="ColumnName" content="{column}">' if column else ""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{meta}{head}<title>{title}</title>"
        f"</head><body>{body}</body></html>"
    )


def links(rows: list[tuple[str, str]]) -> str:
    return (
        "<ul>" + "".join(f'<li><a href="{h}" title="{t}">{t}</a></li>' for t, h in rows) + "</ul>"
    )


def notices(host: str, prefix: str) -> list[tuple[str, str]]:
    """The non-reports of a list, each with its own (never to be fetched) page."""
    titles = (NOTICE, WEBSITE_FORM, COMPANY, READING, NEWS)
    return [(title, f"{host}{prefix}/n{number}.html") for number, title in enumerate(titles)]


# --- link_list: 耒阳 ---------------------------------------------------------------------------

LEIYANG = "http://www.leiyang.gov.cn"
LEIYANG_REPORT = LEIYANG + "/xxgk/bmxxgkml/gxzjdbsc/msz/xxgkndbg/20200214/i1180025.html"


def leiyang(portal: Portal) -> list[str]:
    """Home -> 政府信息公开 -> 政府信息公开年报 (page 1 of 2 by 下一页) -> 2019年 -> the report."""
    skipped = notices(LEIYANG, "/xxgk/tzgg")
    portal.html(
        LEIYANG + "/",
        page(
            "耒阳市人民政府",
            links([("首页", "/"), ("政府信息公开", "/xxgk/"), ("走进耒阳", "/zjly/")])
            + links(
                [
                    ("中国政府网", "http://www.gov.cn/"),
                    ("衡阳市人民政府", "http://www.hengyang.gov.cn/"),
                ]
            )
            + links(skipped[:1]),
        ),
    )
    portal.html(
        LEIYANG + "/xxgk/",
        page(
            "政府信息公开",
            links([("政府信息公开指南", "/xxgk/zn/"), ("政府信息公开年报", "/xxgk/xxgknb/")]),
        ),
    )
    portal.html(
        LEIYANG + "/xxgk/xxgknb/",
        page(
            "政府信息公开年报",
            links([*skipped, OFFSITE]) + '<div class="page"><a href="?page=2">下一页</a></div>',
        ),
    )
    portal.html(
        LEIYANG + "/xxgk/xxgknb/?page=2",
        page(
            "政府信息公开年报",
            links([("2019年", "/xxgk/xxgknb/2019/")]) + '<a href="/xxgk/xxgknb/">上一页</a>',
        ),
    )
    portal.html(
        LEIYANG + "/xxgk/xxgknb/2019/",
        page("2019年", links([("马水镇2019年政府信息公开年度报告", LEIYANG_REPORT), skipped[3]])),
    )
    portal.add(cassette_pages("hunan_leiyang")[LEIYANG_REPORT])
    return [url for _, url in skipped]


# --- TRS: 九龙坡 -------------------------------------------------------------------------------

CQJLP = "http://cqjlp.gov.cn"
CQJLP_REPORT = (
    CQJLP + "/bmjz/qzfjz_97456/eljd_97738/zwgk_97461/zfxxgknb_97478/202301/t20230130_11545442.html"
)


def trs_column(title: str, rows: list[tuple[str, str]], count: int, current: int) -> str:
    crumbs = (
        f'<a href="/" class="CurrChnlCls">首页</a>&gt;<a href="./" class="CurrChnlCls">{title}</a>'
    )
    pager = (
        f"<script>var currentPage = {current};var countPage = {count}//共多少页\n"
        'createPageHTML(countPage, currentPage, "index", "html");</script>'
        # A saved page's document.write output: links the next page twice; not followed.
        '<a href="index_1.html">2</a><a href="index_1.html">下一页</a>'
    )
    return page(title, f'<div class="pos">{crumbs}</div>' + links(rows) + pager, column=title)


def cqjlp(portal: Portal) -> list[str]:
    """Home -> 政务公开 -> 政府信息公开年报 (TRS, countPage 2) -> 2022年度 (TRS year folder)."""
    skipped = notices(CQJLP, "/zwgk/tzgg")
    portal.html(CQJLP + "/", page("九龙坡区人民政府", links([("政务公开", "/zwgk/")])))
    portal.html(
        CQJLP + "/zwgk/",
        page(
            "政务公开",
            links(
                [
                    ("法治政府建设年度报告", "/zwgk/fzzf/"),
                    ("政府信息公开年报", "/zwgk/zfxxgknb/"),
                ]
            ),
        ),
    )
    column = CQJLP + "/zwgk/zfxxgknb/"
    portal.html(column, trs_column("政府信息公开年报", skipped[:3], 2, 0))
    portal.html(
        column + "index_1.html",
        trs_column("政府信息公开年报", [*skipped[3:], ("2022年度", "./2022n_97001/")], 2, 1),
    )
    portal.html(
        column + "2022n_97001/",
        trs_column(
            "2022年度",
            [("重庆市九龙坡区二郎街道办事处2022年政府信息公开工作年度报告", CQJLP_REPORT)],
            1,
            0,
        ),
    )
    portal.add(cassette_pages("chongqing_jiulongpo")[CQJLP_REPORT])
    return [url for _, url in skipped]


# --- Hanweb, classic POST paging and a township tree: 凉州区 ----------------------------------

LIANGZHOU = "http://www.gsliangzhou.gov.cn"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def hanweb_column(
    title: str, column: int, records: list[tuple[str, str]], more: str = "", paging: str = "post"
) -> str:
    rows = "".join(
        f"<record><![CDATA[<li><a href='{href}' title='{text}'>{text}</a></li>]]></record>"
        for text, href in records
    )
    query = f"columnid={column}&amp;unitid=7"
    if paging == "post":
        nextgroup = f"{DATAPROXY}?startrecord=1&amp;endrecord=45&amp;perpage=15&amp;{query}"
    else:
        nextgroup = f"{DATAPROXY}?page=1&amp;appid=1&amp;webid=9&amp;path=/&amp;{query}"
        nextgroup += "&amp;permissiontype=0"
    body = (
        f'<div class="position">当前位置：<a href="/">首页</a></div>{more}'
        '<div id="7"><script type="text/xml"><datastore><nextgroup>'
        f'<![CDATA[<a href="{nextgroup}"></a>]]>'
        f"</nextgroup><recordset>{rows}</recordset></datastore></script></div>"
        f"<script>var param_7={{col:1,appid:1,webid:9,path:'/',columnid:{column},unitid:'7',"
        f"totalRecord:{len(records)}}};</script>"
    )
    head = "<meta name='Generator' content='大汉版通'>"
    return page(title, body, head=head, column=title)


def datastore(records: list[tuple[str, str]], total: int) -> str:
    rows = "".join(
        f"<record><![CDATA[<li><a href='{href}' title='{text}'>{text}</a></li>]]></record>"
        for text, href in records
    )
    return f"<datastore><totalrecord>{total}</totalrecord><recordset>{rows}</recordset></datastore>"


def liangzhou(portal: Portal) -> list[str]:
    """Home -> 政府信息公开 -> 政府信息公开年报 (county) -> 四坝镇 (its 年报 column, cassette)
    -> 2017 (cassette) -> the report with two attachments."""
    skipped = notices(LIANGZHOU, "/art/2024/1/1")
    pages = cassette_pages("gansu_liangzhou")
    portal.html(
        LIANGZHOU + "/",
        page("凉州区人民政府", links([("政府信息公开", "/col/col9000/index.html")])),
    )
    portal.html(
        LIANGZHOU + "/col/col9000/index.html",
        page(
            "政府信息公开",
            links(
                [
                    ("政府信息公开指南", "/col/col9002/index.html"),
                    ("政府信息公开年报", "/col/col9001/index.html"),
                ]
            ),
        ),
    )
    county = skipped[:3]
    portal.html(
        LIANGZHOU + "/col/col9001/index.html",
        hanweb_column(
            "政府信息公开年报",
            9001,
            county,
            more=links([("四坝镇", "/col/col9910/index.html")]),
        ),
    )
    portal.text(
        LIANGZHOU + DATAPROXY + "?startrecord=1&endrecord=45&perpage=15",
        datastore(county, 3),
        "text/xml; charset=utf-8",
        method="POST",
        form="columnid=9001",
    )
    for interaction in load_interactions(CASSETTES / "gansu_liangzhou"):
        portal.add(interaction)
    assert LIANGZHOU + "/col/col9910/index.html" in pages
    return [url for _, url in skipped]


# --- Hanweb, GET paging: 义乌 ----------------------------------------------------------------

YIWU = "http://www.yw.gov.cn"
YIWU_REPORT = YIWU + "/art/2023/1/11/art_1229134232_4052272.html"


def yiwu(portal: Portal) -> list[str]:
    """Home -> 信息公开年报 (Hanweb, 16 records: 15 on page 1, the report on page 2 of the
    GET dataproxy)."""
    skipped = notices(YIWU, "/art/2023/2/1")
    first = [skipped[number % len(skipped)] for number in range(15)]
    report = ("义乌市廿三里街道办事处2022年政府信息公开工作年度报告", YIWU_REPORT)
    portal.html(
        YIWU + "/",
        page("义乌市人民政府", links([("信息公开年报", "/col/col1229134232/index.html")])),
    )
    portal.html(
        YIWU + "/col/col1229134232/index.html",
        hanweb_column("信息公开年报", 1229134232, first, paging="get").replace(
            "totalRecord:15", "totalRecord:16"
        ),
    )
    query = "appid=1&webid=9&path=/&columnid=1229134232&unitid=7&permissiontype=0"
    portal.text(YIWU + f"{DATAPROXY}?page=1&{query}", datastore(first, 16), "text/xml")
    portal.text(YIWU + f"{DATAPROXY}?page=2&{query}", datastore([report], 16), "text/xml")
    portal.add(cassette_pages("zhejiang_yiwu")[YIWU_REPORT])
    return [url for _, url in skipped]


# --- UCAP: 沭阳 --------------------------------------------------------------------------------

SHUYANG = "http://www.shuyang.gov.cn"
SHUYANG_FGJ = SHUYANG + "/sygfj/gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml"


def shuyang(portal: Portal) -> list[str]:
    """Home -> 政府信息公开 -> 信息公开年报 (UCAP, 下一页 to a second page) -> both reports."""
    skipped = notices(SHUYANG, "/shuyang/tzgg/202401")
    pages = cassette_pages("jiangsu_shuyang")
    county = next(url for url in pages if "/shuyang/gknb/202601/" in url)
    ucap = "<ucaptitle></ucaptitle><script>var websiteId = 'x', websiteCode = 'shuyang';</script>"
    portal.html(
        SHUYANG + "/",
        page("沭阳县人民政府", links([("政府信息公开", "/shuyang/xxgk/xxgk.shtml")]) + ucap),
    )
    portal.html(
        SHUYANG + "/shuyang/xxgk/xxgk.shtml",
        page("政府信息公开", links([("信息公开年报", "/shuyang/gknb/gknb.shtml")]) + ucap),
    )
    portal.html(
        SHUYANG + "/shuyang/gknb/gknb.shtml",
        page(
            "信息公开年报",
            links([("沭阳县人民政府2025年政府信息公开工作年度报告", county), *skipped[:2]])
            + '<a href="gknb_2.shtml">下一页</a>'
            + ucap,
        ),
    )
    portal.html(
        SHUYANG + "/shuyang/gknb/gknb_2.shtml",
        page(
            "信息公开年报",
            links([*skipped[2:], ("沭阳县发展和改革局2023年政府信息公开年度报告", SHUYANG_FGJ)])
            + ucap,
        ),
    )
    portal.add(pages[county])
    portal.add(pages[SHUYANG_FGJ])
    return [url for _, url in skipped]


# --- gkmlpt: 遂溪县 乐民镇 ----------------------------------------------------------------------

SUIXI = "http://topx1.com/gzzwz/lmzrmzf"
SUIXI_REPORT = SUIXI + "/zwgk/xxgknb/content/post_1559311.html"


def suixi(portal: Portal) -> list[str]:
    """Home -> 政府信息公开 (a gkmlpt entry page whose TREE has a 政府信息公开年报 category)
    -> the JSON API, 101 articles on two pages, the report on the second.

    The TREE's layout is assumed (PORTALS.md §3 rates it unverified); the report page is the
    cassette's, served over http here (the simulator does not speak TLS)."""
    skipped = notices(SUIXI, "/gkmlpt/content/0/1")
    portal.html(SUIXI + "/", page("乐民镇", links([("政府信息公开", SUIXI + "/gkmlpt/index")])))
    tree = (
        "[{id: 1, name: '政府信息公开指南'}, {id: 2, name: '政府信息公开年报'}, "
        "{id: 3, name: '通知公告'}]"
    )
    portal.html(
        SUIXI + "/gkmlpt/index",
        page("政府信息公开", f"<script>window._CONFIG = {{SID: '759001', TREE: {tree}}};</script>"),
    )
    others = [
        {"id": n, "title": skipped[n % len(skipped)][0], "url": skipped[n % len(skipped)][1]}
        for n in range(100)
    ]
    report = {
        "id": 1559311,
        "title": "乐民镇2021年政府信息公开工作年度报告",
        "url": SUIXI_REPORT,
        "create_time": 1641484800,
    }
    api = SUIXI + "/gkmlpt/api/all/2?sid=759001&page="
    portal.text(api + "1", json.dumps({"total": 101, "articles": others}), "application/json")
    portal.text(api + "2", json.dumps({"total": 101, "articles": [report]}), "application/json")
    https = "https://topx1.com/gzzwz/lmzrmzf/zwgk/xxgknb/content/post_1559311.html"
    real = cassette_pages("guangdong_suixi")[https]
    portal.add(Interaction("GET", SUIXI_REPORT, 200, real.headers, real.body))
    return [url for _, url in skipped]


SITES = {
    "link_list": (leiyang, LEIYANG + "/", [(LEIYANG_REPORT, "马水镇", 2019)]),
    "trs": (cqjlp, CQJLP + "/", [(CQJLP_REPORT, "重庆市九龙坡区二郎街道办事处", 2022)]),
    "hanweb_post": (
        liangzhou,
        LIANGZHOU + "/",
        [(LIANGZHOU + "/art/2018/2/1/art_9911_1.html", "四坝镇", 2017)],
    ),
    "hanweb_get": (yiwu, YIWU + "/", [(YIWU_REPORT, "义乌市廿三里街道办事处", 2022)]),
    "ucap": (
        shuyang,
        SHUYANG + "/",
        [(SHUYANG_FGJ, "沭阳县发展和改革局", 2023), ("county", "沭阳县人民政府", 2025)],
    ),
    "gkmlpt": (suixi, SUIXI + "/", [(SUIXI_REPORT, "乐民镇", 2021)]),
}
#: Start at a column instead of a home page, and start with another domain allowed.
EXTRA = {
    "trs_column_start": ("trs", CQJLP + "/zwgk/zfxxgknb/", {}),
    "follow_domains": ("link_list", LEIYANG + "/", {"follow_domains": "nmg.gov.cn"}),
}
POLITENESS_OFF = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


@pytest.fixture(scope="module")
def crawls(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Replay], Portal, dict[str, list[str]]]:
    portal = Portal()
    skipped = {family: build(portal) for family, (build, _, _) in SITES.items()}
    jobs: list[dict[str, Any]] = [
        {"key": family, "spider": "generic", "args": {"start_url": start}}
        for family, (_, start, _) in SITES.items()
    ]
    jobs += [
        {"key": key, "spider": "generic", "args": {"start_url": start, **args}}
        for key, (_, start, args) in EXTRA.items()
    ]
    with serving(portal) as proxy:
        runs = run_crawls(
            tmp_path_factory.mktemp("generic"),
            jobs,
            settings=POLITENESS_OFF,
            env={"http_proxy": proxy},
        )
    return runs, portal, skipped


def _expected(family: str, run: Replay) -> list[tuple[str, str, int]]:
    expected = []
    for url, authority, year in SITES[family][2]:
        if url == "county":  # the 沭阳 2025 page's reconstructed URL, from its cassette
            url = next(u for u in cassette_pages("jiangsu_shuyang") if "/shuyang/gknb/202601/" in u)
        expected.append((url, authority, year))
    return sorted(expected)


@pytest.mark.parametrize("family", list(SITES))
def test_finds_every_report_and_nothing_else(family: str, crawls: Any) -> None:
    runs, _, skipped = crawls
    run = runs[family]
    assert run.reports() == _expected(family, run)
    requested = {url for _, url in run.requests}
    assert not requested & set(skipped[family]), "a non-report was fetched"
    assert run.stat("nianbao/spider/columns_found") >= 1


@pytest.mark.parametrize("family", list(SITES))
def test_never_leaves_the_registered_domain(family: str, crawls: Any) -> None:
    runs, _, _ = crawls
    run = runs[family]
    start = SITES[family][1]
    assert run.allowed_domains == [registered_domain(start)]
    hosts = {urlsplit(url).hostname for _, url in run.requests}
    assert {registered_domain(f"http://{host}/") for host in hosts} == {registered_domain(start)}
    assert run.offsite_requests() == []


def test_walks_each_family_with_its_own_rules(crawls: Any) -> None:
    runs, _, _ = crawls
    assert runs["trs"].stat("nianbao/spider/family/trs") >= 3
    # countPage = 2 generates index_1.html once; the pager links in the HTML are not followed.
    trs_pages = [url for _, url in runs["trs"].requests if "zfxxgknb" in url and "t2023" not in url]
    assert trs_pages.count(CQJLP + "/zwgk/zfxxgknb/index_1.html") == 1
    assert runs["hanweb_post"].stat("nianbao/spider/family/hanweb") >= 3
    posts = [url for method, url in runs["hanweb_post"].requests if method == "POST"]
    assert len(posts) == 2  # the county column's and the 2017 column's dataproxy calls
    gets = [url for _, url in runs["hanweb_get"].requests if "dataproxy" in url]
    assert sorted(url.split("page=")[1][0] for url in gets) == ["1", "2"]
    assert runs["gkmlpt"].stat("nianbao/spider/family/gkmlpt") == 1
    assert runs["ucap"].stat("nianbao/spider/family/ucap") == 2
    assert runs["link_list"].stat("nianbao/spider/subcolumns") == 1


def test_items_are_those_of_a_portal_spider(crawls: Any, replay_all: dict[str, Replay]) -> None:
    """The same page gives the same item whichever spider fetched it (spider and portal aside)."""
    runs, _, _ = crawls
    generic = runs["hanweb_post"].items[0]
    portal = replay_all["gansu_liangzhou"].items[0]
    ignore = {"spider", "portal"}
    assert {k: v for k, v in generic.items() if k not in ignore} == {
        k: v for k, v in portal.items() if k not in ignore
    }
    assert generic["attachments"] == portal["attachments"] and len(generic["attachments"]) == 2


def test_starts_at_a_column_too(crawls: Any) -> None:
    runs, _, _ = crawls
    assert runs["trs_column_start"].reports() == _expected("trs", runs["trs"])


def test_follow_domains_lets_it_leave(crawls: Any) -> None:
    runs, _, _ = crawls
    run = runs["follow_domains"]
    assert run.allowed_domains == ["leiyang.gov.cn", "nmg.gov.cn"]
    # The report link on www.nmg.gov.cn is now followed (the simulator has no page: 404).
    assert ("GET", OFFSITE[1]) in run.requests
    assert run.reports() == _expected("link_list", run)


def test_needs_a_start_url() -> None:
    from nianbao.crawler.spiders.generic import GenericSpider

    with pytest.raises(ValueError, match="start_url"):
        GenericSpider()
    with pytest.raises(ValueError, match="family"):
        GenericSpider(start_url="http://www.luding.gov.cn/", family="joomla")
    spider = GenericSpider(start_url="http://www.luding.gov.cn/", follow_domains="gov.cn.example")
    assert spider.allowed_domains == ["luding.gov.cn", "gov.cn.example"]


def test_both_command_lines(tmp_path: Path) -> None:
    """`nianbao crawl generic -a start_url=…` stores the reports; `scrapy crawl generic … -O`
    lists them without a database."""
    import sqlite3
    import subprocess
    import sys

    portal = Portal()
    leiyang(portal)
    isolated = [
        *("-s", "HTTPCACHE_ENABLED=False"),
        *("-s", "NIANBAO_WARC_DIR="),
        *("-s", "NIANBAO_INCREMENTAL=False"),
        *("-s", "AUTOTHROTTLE_ENABLED=False"),
        *("-s", "DOWNLOAD_DELAY=0"),
    ]
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    db = tmp_path / "generic.db"
    feed = tmp_path / "reports.jsonl"
    with serving(portal) as proxy:
        environment["http_proxy"] = proxy
        stored = subprocess.run(
            [
                sys.executable,
                "-m",
                "nianbao.crawler",
                "crawl",
                "generic",
                "-a",
                f"start_url={LEIYANG}/",
                "--db",
                f"sqlite:///{db}",
                *isolated,
            ],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        listed = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "generic",
                "-a",
                f"start_url={LEIYANG}/",
                "-s",
                "ITEM_PIPELINES={}",
                *isolated,
                "-O",
                str(feed),
            ],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert stored.returncode == 0, stored.stderr[-3000:]
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT a.name, r.report_year, r.source_url FROM report r "
            "JOIN authority a ON a.id = r.authority_id"
        ).fetchall()
    assert rows == [("马水镇人民政府", 2019, LEIYANG_REPORT)]  # the parser's canonical name
    assert listed.returncode == 0, listed.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert [(i["source_url"], i["authority"], i["report_year"]) for i in items] == [
        (LEIYANG_REPORT, "马水镇", 2019)
    ]
