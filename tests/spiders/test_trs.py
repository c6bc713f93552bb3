"""The TRS WCM family on the two real TRS list pages of the corpus (PORTALS.md §1).

Both pages were saved from a browser, so they hold the pager script *and* its document.write
output: the pages must be generated from ``countPage`` once, not followed from both.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from nianbao.crawler.spiders.base.trs import TrsSpider

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
HTML = SHARED / "corpus" / "html"

# The 恩格贝 page's own URL was not recorded (corpus/html/sources.md): a reserved fake host.
ORDOS = "http://portal.invalid/xxgk/xxgknb/index.html"
# The 邯郸 近期信息公开 list: its URL is the one its own pager output links as 首页.
HANDAN = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"


class ProbeTrsSpider(TrsSpider):
    name = "probe_trs"
    portal = "probe"
    allowed_domains = ("portal.invalid", "hdzfxxgk.hd.gov.cn")
    column_urls = (ORDOS,)


@pytest.fixture
def crawler() -> Crawler:
    return get_crawler(ProbeTrsSpider)


@pytest.fixture
def spider(crawler: Crawler) -> ProbeTrsSpider:
    return ProbeTrsSpider.from_crawler(crawler)


def page(name: str, url: str, replace: tuple[str, str] | None = None) -> HtmlResponse:
    body = (HTML / name).read_bytes()
    if replace:
        old, new = (part.encode() for part in replace)
        assert old in body
        body = body.replace(old, new)
    return HtmlResponse(url=url, body=body, request=Request(url))


def split(results: list[Request], spider: TrsSpider) -> tuple[list[Request], list[Request]]:
    reports = [r for r in results if r.callback == spider.parse_report]
    pages = [r for r in results if r.callback == spider.parse]
    assert len(reports) + len(pages) == len(results)
    return reports, pages


def test_ordos_column_reports_and_one_generated_page(spider: ProbeTrsSpider) -> None:
    reports, pages = split(
        list(spider.parse(page("trs_list_ordos_egb_xxgknb.html", ORDOS))), spider
    )
    assert [(r.cb_kwargs["title"], r.cb_kwargs["published"]) for r in reports] == [
        ("鄂尔多斯市2019年政府信息公开工作年度报告", "2020-09-03"),
        ("鄂尔多斯市人民政府办公室2019年政府信息公开工作年度报告", "2020-03-11"),
        ("鄂尔多斯市2018年政府信息公开年度报告", "2019-05-30"),
        ("内蒙古自治区2018年政府信息公开工作年度报告", "2019-05-30"),
    ]
    assert reports[0].url == "http://portal.invalid/xxgk/xxgknb/202009/t20200903_2748784.html"
    # var countPage = 2: index_1.html only, although the saved pager links it four times.
    assert [r.url for r in pages] == ["http://portal.invalid/xxgk/xxgknb/index_1.html"]


def test_handan_pages_come_from_count_page(spider: ProbeTrsSpider, crawler: Crawler) -> None:
    reports, pages = split(list(spider.parse(page("trs_xxgk_list_handan.html", HANDAN))), spider)
    # The one row of the saved list is a 通知 of 邯郸市教育局, not a report.
    assert reports == []
    assert crawler.stats is not None
    assert crawler.stats.get_value("nianbao/spider/skipped_titles") > 0
    # var countPage=56: index_1 … index_55, each once; the pager output links only 6 of them.
    assert [r.url for r in pages] == [
        f"http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_{n}.html" for n in range(1, 56)
    ]


def test_list_page_limit_caps_generated_pages(crawler: Crawler) -> None:
    class Capped(ProbeTrsSpider):
        list_page_limit = 10

    spider = Capped.from_crawler(crawler)
    _, pages = split(list(spider.parse(page("trs_xxgk_list_handan.html", HANDAN))), spider)
    assert len(pages) == 9


def test_later_pages_generate_nothing(spider: ProbeTrsSpider) -> None:
    later = page(
        "trs_list_ordos_egb_xxgknb.html",
        "http://portal.invalid/xxgk/xxgknb/index_1.html",
        replace=("var currentPage = 0;", "var currentPage = 1;"),
    )
    reports, pages = split(list(spider.parse(later)), spider)
    assert pages == []
    assert len(reports) == 4


def test_create_page_html_names_the_files(spider: ProbeTrsSpider) -> None:
    """createPageHTML(countPage, currentPage, "index", "shtml"): the variables are read, the
    file extension comes from the call (PORTALS.md §1)."""
    shtml = page(
        "trs_list_ordos_egb_xxgknb.html",
        "http://portal.invalid/xxgk/xxgknb/",
        replace=(
            "var countPage = 2//",
            'var countPage = 3; createPageHTML(countPage, currentPage, "index", "shtml");//',
        ),
    )
    _, pages = split(list(spider.parse(shtml)), spider)
    assert [r.url for r in pages] == [
        "http://portal.invalid/xxgk/xxgknb/index_1.shtml",
        "http://portal.invalid/xxgk/xxgknb/index_2.shtml",
    ]


def test_file_appendix_attachments(spider: ProbeTrsSpider) -> None:
    """Attachments injected by ``var file_appendix='<a href=…>'`` (PORTALS.md §1), with the
    TRS upload name of the cz.xm.gov.cn example."""
    url = "https://cz.xm.gov.cn/xxgk/ndbg/202609/t20260911_3016829.htm"
    body = (
        "<html><head><meta name='ArticleTitle' content='x'></head><body>"
        "<div class='TRS_Editor'></div><script>var file_appendix='<a href=\"./"
        "P020260911578215495483.pdf\">附件</a>';</script></body></html>"
    )
    response = HtmlResponse(url=url, body=body.encode(), encoding="utf-8", request=Request(url))
    item = spider.report_page(response)
    assert item["attachments"] == [
        "https://cz.xm.gov.cn/xxgk/ndbg/202609/P020260911578215495483.pdf"
    ]
    assert item["published"] == "2026-09-11"  # from t20260911_
