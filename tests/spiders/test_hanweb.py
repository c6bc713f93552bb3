"""The Hanweb (大汉 JCMS) family on the shapes PORTALS.md §2 documents.

No Hanweb column page was ever saved whole, so the column page is PORTALS.md's own excerpt
(read from the file, ellipses included) and the dataproxy answer follows the documented
``<datastore>`` shape around one real report link (龙游县横山镇 2023 on www.longyou.gov.cn).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from scrapy import FormRequest, Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from nianbao.crawler.spiders.base.hanweb import HanwebSpider, datastore_records

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
# The host of PORTALS.md's column 33718 is not named there: a reserved fake host.
COLUMN = "http://portal.invalid/col/col33718/index.html"
ENDPOINT = "http://portal.invalid/module/web/jpage/dataproxy.jsp"
LONGYOU_REPORT = "https://www.longyou.gov.cn/art/2024/1/23/art_1229114055_88348.html"
LONGYOU_TITLE = "龙游县横山镇2023年政府信息公开工作年度报告"


def portals_excerpt() -> str:
    """The column page excerpt of PORTALS.md §2, exactly as printed there."""
    text = (SHARED / "spec" / "PORTALS.md").read_text(encoding="utf-8")
    section = text.split("**List page** (H)", 1)[1]
    return re.search(r"```\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


class ProbeHanwebSpider(HanwebSpider):
    name = "probe_hanweb"
    portal = "probe"
    allowed_domains = ("portal.invalid", "www.longyou.gov.cn")
    column_urls = (COLUMN,)


@pytest.fixture
def crawler() -> Crawler:
    return get_crawler(ProbeHanwebSpider)


@pytest.fixture
def spider(crawler: Crawler) -> ProbeHanwebSpider:
    return ProbeHanwebSpider.from_crawler(crawler)


def column_page() -> HtmlResponse:
    return HtmlResponse(
        url=COLUMN, body=portals_excerpt().encode(), encoding="utf-8", request=Request(COLUMN)
    )


def test_records_are_unwrapped_from_the_script(spider: ProbeHanwebSpider) -> None:
    assert datastore_records(portals_excerpt()) == [
        "<li><a href='/art/2026/9/11/art_33718_11828204.html' title='…'>…</a>"
        "<span>2026-09-11</span></li>"
    ]
    assert list(spider.record_links(column_page())) == [
        ("…", "http://portal.invalid/art/2026/9/11/art_33718_11828204.html", "2026-09-11")
    ]


def test_paging_parameters_come_from_the_page(spider: ProbeHanwebSpider) -> None:
    params = spider.jpage_params(column_page())
    assert {key: params[key] for key in ("unitid", "columnid", "webid", "appid", "path")} == {
        "unitid": "212860",
        "columnid": "33718",
        "webid": "1",
        "appid": "1",
        "path": "/",
    }
    assert params["_endpoint"] == "/module/web/jpage/dataproxy.jsp"
    assert params["_paging"] == "get"  # the <nextgroup> link pages with page=
    # PORTALS.md prints the column size beside the param script: "(also totalRecord:835)".
    assert params["totalRecord"] == "835"


def test_get_paging_requests_every_page(spider: ProbeHanwebSpider, crawler: Crawler) -> None:
    results = list(spider.parse(column_page()))
    # The excerpt's one record has the title "…": not a report.
    assert all(r.callback == spider.parse_dataproxy for r in results)
    assert crawler.stats is not None
    assert crawler.stats.get_value("nianbao/spider/skipped_titles") == 1
    # totalRecord 835 at 15 a page: 56 pages.
    assert len(results) == 56
    assert results[0].method == "GET"
    assert results[0].url == (
        f"{ENDPOINT}?page=1&appid=1&webid=1&path=%2F&columnid=33718&unitid=212860"
        "&webname=%E2%80%A6&permissiontype=0"
    )
    assert results[-1].url.startswith(f"{ENDPOINT}?page=56&")


def test_post_paging_asks_for_records_in_threes(crawler: Crawler) -> None:
    class Classic(ProbeHanwebSpider):
        paging = "post"

    spider = Classic.from_crawler(crawler)
    results = list(spider.parse(column_page()))
    # 835 records, 45 a call: 19 calls.
    assert len(results) == 19
    first = results[0]
    assert isinstance(first, FormRequest) and first.method == "POST"
    assert first.url == f"{ENDPOINT}?startrecord=1&endrecord=45&perpage=15"
    assert first.body == (
        b"col=1&appid=1&webid=1&path=%2F&columnid=33718&sourceContentType=1&unitid=212860"
        b"&webname=%E2%80%A6&permissiontype=0"
    )
    assert results[-1].url == f"{ENDPOINT}?startrecord=811&endrecord=855&perpage=15"


def dataproxy_answer(request: Request, total_pages: int) -> XmlResponse:
    body = (
        "<datastore><totalrecord>1928</totalrecord>"
        f"<totalpage>{total_pages}</totalpage><recordset>"
        f"<record><![CDATA[<li><a href='/art/2024/1/23/art_1229114055_88348.html' "
        f"title='{LONGYOU_TITLE}'>{LONGYOU_TITLE}</a><span>2024-01-23</span></li>]]></record>"
        "</recordset></datastore>"
    )
    return XmlResponse(url=request.url, body=body.encode(), encoding="utf-8", request=request)


def test_dataproxy_answer_yields_its_reports(spider: ProbeHanwebSpider) -> None:
    params = {"_endpoint": "/module/jpage/dataproxy.jsp", "unitid": "1", "columnid": "1229114055"}
    request = spider.dataproxy_request(
        "https://www.longyou.gov.cn/module/jpage/dataproxy.jsp", params, "get", 1, follow=False
    )
    results = list(spider.parse_dataproxy(dataproxy_answer(request, total_pages=20)))
    assert [(r.url, r.cb_kwargs) for r in results] == [
        (LONGYOU_REPORT, {"title": LONGYOU_TITLE, "published": "2024-01-23"})
    ]


def test_unknown_size_is_walked_call_by_call(spider: ProbeHanwebSpider) -> None:
    params = {"unitid": "1", "columnid": "1229114055"}
    endpoint = "https://www.longyou.gov.cn/module/jpage/dataproxy.jsp"
    first = spider.dataproxy_request(endpoint, params, "get", 1, follow=True)
    results = list(spider.parse_dataproxy(dataproxy_answer(first, total_pages=2)))
    following = [r for r in results if r.callback == spider.parse_dataproxy]
    assert [r.url.split("?")[1].split("&")[0] for r in following] == ["page=2"]
    last = list(spider.parse_dataproxy(dataproxy_answer(following[0], total_pages=2)))
    assert [r for r in last if r.callback == spider.parse_dataproxy] == []
