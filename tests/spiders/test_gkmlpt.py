"""The gkmlpt family (Guangdong) on the shapes PORTALS.md §3 documents.

No gkmlpt page or API answer was saved, so the entry page is the documented
``window._CONFIG = {SID: …}`` script and the API answer the documented JSON fields around
one real report: 乐民镇2021年政府信息公开工作年度报告 (corpus text 008: its URL, its title
and its 时间 2022-01-07).
The API URL asserted is a real call listed in PORTALS.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from nianbao.crawler.spiders.base.gkmlpt import CHINA, GkmlptSpider, china_date, mobile_to_desktop

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
ENTRY = "https://www.gd.gov.cn/gkmlpt/index"
LEMIN_URL = "https://topx1.com/gzzwz/lmzrmzf/zwgk/xxgknb/content/post_1559311.html"
LEMIN_TITLE = "乐民镇2021年政府信息公开工作年度报告"


class ProbeGkmlptSpider(GkmlptSpider):
    name = "probe_gkmlpt"
    portal = "probe"
    allowed_domains = ("www.gd.gov.cn", "topx1.com")
    column_urls = (f"{ENTRY}#5",)


@pytest.fixture
def spider() -> ProbeGkmlptSpider:
    return ProbeGkmlptSpider.from_crawler(get_crawler(ProbeGkmlptSpider))


def entry_page(request: Request) -> HtmlResponse:
    body = "<html><head><script>window._CONFIG = {SID: '2', TREE: []};</script></head></html>"
    return HtmlResponse(url=request.url, body=body.encode(), encoding="utf-8", request=request)


def api_answer(request: Request, total: int) -> TextResponse:
    created = int(dt.datetime(2022, 1, 7, 10, 0, tzinfo=CHINA).timestamp())
    data = {
        "total": total,
        "articles": [
            {"id": 1559311, "title": LEMIN_TITLE, "url": LEMIN_URL, "create_time": created}
        ],
    }
    body = json.dumps(data, ensure_ascii=False).encode()
    return TextResponse(url=request.url, body=body, encoding="utf-8", request=request)


def test_material_is_real() -> None:
    text = (SHARED / "corpus/texts/008_lemin_zhen_2021.txt").read_text(encoding="utf-8")
    assert f"source_url: {LEMIN_URL}" in text and LEMIN_TITLE in text and "2022-01-07" in text
    portals = (SHARED / "spec/PORTALS.md").read_text(encoding="utf-8")
    assert "https://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2" in portals


async def start_requests(spider: GkmlptSpider) -> list[Request]:
    return [request async for request in spider.start()]


def test_entry_page_leads_to_the_documented_api_call(spider: ProbeGkmlptSpider) -> None:
    (start,) = asyncio.run(start_requests(spider))
    assert start.url == ENTRY  # the hash is never sent
    assert start.meta["gkmlpt_category"] == "5"
    (api,) = list(spider.parse(entry_page(start)))
    assert api.url == "https://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2"


def test_api_first_page_yields_reports_and_the_other_pages(spider: ProbeGkmlptSpider) -> None:
    first = spider.api_request(entry_page(Request(ENTRY)), "5", "2", 1)
    results = list(spider.parse_api(api_answer(first, total=250)))
    reports = [r for r in results if r.callback == spider.parse_report]
    pages = [r for r in results if r.callback == spider.parse_api]
    assert [(r.url, r.cb_kwargs) for r in reports] == [
        (LEMIN_URL, {"title": LEMIN_TITLE, "published": "2022-01-07"})
    ]
    assert [r.url for r in pages] == [
        "https://www.gd.gov.cn/gkmlpt/api/all/5?page=2&sid=2",
        "https://www.gd.gov.cn/gkmlpt/api/all/5?page=3&sid=2",
    ]
    later = list(spider.parse_api(api_answer(pages[0], total=250)))
    assert [r.callback for r in later] == [spider.parse_report]


def test_column_url_without_category_is_an_error() -> None:
    class NoCategory(ProbeGkmlptSpider):
        column_urls = (ENTRY,)

    with pytest.raises(ValueError, match="names no category"):
        asyncio.run(start_requests(NoCategory.from_crawler(get_crawler(NoCategory))))


def test_mobile_twin_and_dates() -> None:
    # PORTALS.md §3: post_{id}.html with a mobile twin mpost_{id}.html.
    mobile = "http://www.gd.gov.cn/gkmlpt/content/4/4284/mpost_4284753.html"
    assert (
        mobile_to_desktop(mobile) == "http://www.gd.gov.cn/gkmlpt/content/4/4284/post_4284753.html"
    )
    # 2022-01-07 00:30 in China is still 2022-01-06 in UTC: the China date is kept.
    late = int(dt.datetime(2022, 1, 7, 0, 30, tzinfo=CHINA).timestamp())
    assert china_date(late) == china_date(str(late)) == "2022-01-07"
    assert china_date(None) is None
