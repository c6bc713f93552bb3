"""Column recognition, registered domains, the report year from the text, attachments behind
download gateways, and the page title of flip-book pages: the pieces the bases and the generic
spider share, on text taken from the material.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from nianbao.crawler.spiders.base.column_walk import META_YEAR
from nianbao.crawler.spiders.base.columns import (
    column_year,
    is_below,
    names_nianbao_column,
    registered_domain,
)
from nianbao.crawler.spiders.base.link_list import LinkListSpider
from nianbao.crawler.spiders.base.pages import is_attachment_url
from nianbao.parsers.titles import period_year

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")

#: (sentence as printed, file it is copied from, year of the statistics period)
PERIODS = [
    ("统计期限自201911日起至20191231日止", "corpus/texts/003_mashui_zhen_2019.txt", 2019),
    ("统计期限为201711日至20171231日", "corpus/texts/010_suqian_shi_2017.txt", 2017),
    ("统计期限为:2022年1月1日-2022年12月31日", "corpus/texts/002_erlang_jiedao_2022.txt", 2022),
    ("统计期限自 2023 年 1 月 1 日", "corpus/texts/011_hongze_qu_2023.txt", 2023),
    ("统计时间为2024年1月1日至2024年12月31日", "seeds/000_b5566a94ec5fc8f8.txt", 2024),
]


@pytest.mark.parametrize(("sentence", "source", "year"), PERIODS)
def test_year_of_the_statistics_period(sentence: str, source: str, year: int) -> None:
    assert sentence in (SHARED / source).read_text(encoding="utf-8")
    assert period_year(f"本报告所列数据的{sentence}。") == year


def test_no_period_no_year() -> None:
    # 发布时间 is a publication date, never the year reported on (corpus text 001's info line).
    assert period_year("来源:原创     发布时间:2023-01-31 13:24    浏览次数:次") is None


class Probe(LinkListSpider):
    name = "probe"
    portal = "probe"
    allowed_domains = ("180.76.149.248", "luding.gov.cn")
    column_urls = ("http://www.luding.gov.cn/ldxrmzf2024zfnbzf/",)


@pytest.fixture
def spider() -> Probe:
    crawler: Crawler = get_crawler(Probe)
    return Probe.from_crawler(crawler)


def test_report_year_falls_back_to_the_text_then_the_year_column(spider: Probe) -> None:
    url = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/1"
    # A title naming no year; the text's 统计期限 names it (seed 002's sentence).
    body = (
        "<html><head><title>政府信息公开工作年度报告</title></head><body><p>以下所列数据"
        "统计期限为2024年1月1日至2024年12月31日。</p></body></html>"
    )
    response = HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url))
    assert spider.report_page(response)["report_year"] == 2024
    # Neither: the year of the sub-column it was listed in.
    bare = "<html><head><title>政府信息公开工作年度报告</title></head><body></body></html>"
    listed = Request(url, meta={META_YEAR: 2017})
    response = HtmlResponse(url, body=bare.encode(), encoding="utf-8", request=listed)
    assert spider.report_page(response)["report_year"] == 2017


def test_flip_book_page_title(spider: Probe) -> None:
    """The <title> of a flip-book page puts ``Page N -`` before the report's title (text 006)."""
    url = "http://180.76.149.248:88/book/2022dzs/xinfang/files/basic-html/page8.html"
    line = (SHARED / "corpus/texts/006_wendeng_xinfangju_2022_p8.txt").read_text("utf-8")
    title = line.split("---\n", 1)[1].splitlines()[0]
    assert title == "Page 8 - 威海市文登区信访局2022年政府信息公开工作年度报告"
    body = f"<html><head><title>{title}</title></head><body></body></html>"
    item = spider.report_page(HtmlResponse(url, body=body.encode(), encoding="utf-8"))
    assert item["title"] == "威海市文登区信访局2022年政府信息公开工作年度报告"
    assert (item["authority"], item["report_year"]) == ("威海市文登区信访局", 2022)
    assert spider.allows(url)  # the port does not take the host out of allowed_domains


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=1802011040418.xls", True),
        ("http://x.gov.cn/download.do?file=nb2023.pdf", True),
        ("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=list.html", False),
        ("http://x.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp?page=1", False),
    ],
)
def test_download_gateways_are_attachments(url: str, expected: bool) -> None:
    assert is_attachment_url(url) is expected


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        ("信息公开年报", "", True),  # 恩格贝's menu
        ("政府信息公开年报", "", True),
        ("信息公开年度报告", "", True),  # 耒阳's breadcrumb
        ("政府信息公开工作年度报告", "", True),
        ("年度报告", "", True),
        (
            "更多",
            "http://cqjlp.gov.cn/bmjz/qzfjz_97456/eljd_97738/zwgk_97461/zfxxgknb_97478/",
            True,
        ),
        ("更多", "http://xxgk-fs.cbs.gov.cn/zsjg/aqjg/ndbg/", True),
        ("更多", "https://suqian.gov.cn/zfb/gknb/gknb.shtml", True),
        ("政府网站年度工作报表", "", False),  # 邯郸's menu
        ("法治政府建设年度报告", "", False),
        ("2023年度企业年报", "", False),
        ("统计年报", "", False),
        ("政府信息公开指南", "", False),
    ],
)
def test_nianbao_columns_by_text_and_slug(text: str, url: str, expected: bool) -> None:
    assert names_nianbao_column(text, url) is expected


def test_year_sub_columns() -> None:
    assert [column_year(t) for t in ("2017", "2023年", "2022年度", " 2019 ")] == [
        2017,
        2023,
        2022,
        2019,
    ]
    assert column_year("2017年政府信息公开年度报告") is None


def test_sub_columns_are_folders_below_the_column() -> None:
    county = "http://www.leiyang.gov.cn/xxgk/bmxxgkml/gxzjdbsc/"
    assert is_below(county + "msz/", county)
    assert is_below(county + "msz/xxgkndbg/", county)
    assert is_below(
        "http://x.gov.cn/xxgk/xxgknb/2023n_109815/index.shtml", "http://x.gov.cn/xxgk/xxgknb/"
    )
    assert not is_below(county + "index_1.html", county)  # a page of the same column
    assert not is_below(county + "msz/xxgkndbg/20200214/i1180025.html", county)  # an article
    assert not is_below("http://www.leiyang.gov.cn/xxgk/", county)  # up the tree


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("http://www.luding.gov.cn/ldxrmzf2024zfnbzf/", "luding.gov.cn"),
        ("http://xxgk-fs.cbs.gov.cn/zsjg/aqjg/ndbg/", "cbs.gov.cn"),
        ("http://cqjlp.gov.cn/", "cqjlp.gov.cn"),
        ("https://www.shanghai.gov.cn/nw12344/", "shanghai.gov.cn"),
        ("https://topx1.com/gzzwz/", "topx1.com"),
        ("http://180.76.149.248:88/book/2022dzs/", "180.76.149.248"),
        ("http://localhost:8080/", "localhost"),
    ],
)
def test_registered_domain(url: str, domain: str) -> None:
    """gov.cn is a public suffix: two counties never share a registered domain."""
    assert registered_domain(url) == domain
    assert registered_domain("www.gov.cn") == "www.gov.cn"
