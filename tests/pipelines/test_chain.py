"""The four pipelines in their order on real pages and on bad ones.

The good page is the 泸定县 article from its cassette. Bad input (an empty page, a page with no
report, a truncated table) must end in a warning or a reasoned drop, never a crash, and must
never cost the report already stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from nianbao.crawler.items import ReportPage
from nianbao.crawler.middlewares.cassette_yaml import load_interactions
from nianbao.pipelines.clean import CleanPipeline
from nianbao.pipelines.db import load_report, make_engine, session_factory
from nianbao.pipelines.parse import ParsePipeline
from nianbao.pipelines.store import StorePipeline
from nianbao.pipelines.validate import ValidatePipeline

ROOT = Path(__file__).resolve().parents[2]
LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
# What the spider knows from the column list before the page is parsed.
HINTS = {
    "authority": "泸定县人民政府",
    "report_year": 2024,
    "spider": "sichuan_luding",
    "title": "泸定县人民政府2024年政府信息公开工作年度报告",
}


@pytest.fixture(scope="module")
def luding_html() -> str:
    pages = {i.url: i for i in load_interactions(ROOT / "cassettes/sichuan_luding")}
    return pages[LUDING_URL].body.decode("utf-8")


class Chain:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stages = [
            CleanPipeline.from_crawler(crawler),
            ParsePipeline.from_crawler(crawler),
            ValidatePipeline.from_crawler(crawler),
            StorePipeline.from_crawler(crawler),
        ]

    def __call__(self, html: str, url: str = LUDING_URL) -> ReportPage:
        item = ReportPage(html=html, source_url=url, **HINTS)
        for stage in self.stages:
            # The clean and parse stages' process_item await a worker thread (needs a
            # reactor); their read() is the same stage in this thread.
            reader = getattr(stage, "read", None)
            item = reader(item) if reader is not None else stage.process_item(item)
        return item

    def stat(self, key: str) -> int:
        return self.crawler.stats.get_value(key, 0)


@pytest.fixture
def chain(db_url: str) -> Iterator[Chain]:
    chain = Chain(get_crawler(settings_dict={"NIANBAO_DATABASE_URL": db_url}))
    chain.stages[-1].open_spider()
    yield chain
    chain.stages[-1].close_spider()


def _stored(db_url: str):
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            return load_report(session, "泸定县人民政府", 2024)
    finally:
        engine.dispose()


def test_real_page_goes_through_every_stage(chain: Chain, luding_html: str, db_url: str) -> None:
    item = chain(luding_html)
    assert item["stored"] == "new"
    assert "扫一扫在手机上查看当前页面" not in item["text"]
    assert "我要纠错" not in item["text"] and "关闭窗口" not in item["text"]
    assert "以下所列数据统计期限为2024年1月1日至2024年12月31日" in item["text"]
    assert chain.stat("nianbao/parse/layout/t3/grid") == 1
    assert chain.stat("nianbao/validate/fail") == 0
    stored = _stored(db_url)
    assert stored is not None
    assert stored.tables["t3"].value("new_requests", "total") == 34  # seed 002
    assert chain(luding_html)["stored"] == "unchanged"


def test_empty_page_is_dropped_with_a_reason(chain: Chain, luding_html: str, db_url: str) -> None:
    chain(luding_html)
    with pytest.raises(DropItem, match="empty page"):
        chain("")
    assert _stored(db_url).tables["t3"].value("new_requests", "total") == 34


def test_page_without_a_report_never_replaces_the_stored_one(
    chain: Chain, luding_html: str, db_url: str, shared: Path
) -> None:
    chain(luding_html)
    listing = (shared / "corpus/html/trs_list_ordos_egb_xxgknb.html").read_text("utf-8")
    item = chain(listing)
    assert item["stored"] == "kept_stored"
    assert {w.code for w in item["report"].warnings} >= {"table_missing"}
    assert chain.stat("nianbao/parse/no_tables") == 1
    assert _stored(db_url).tables["t4"].value("review", "total") == 6


def test_truncated_table_is_flagged_and_kept_apart(
    chain: Chain, luding_html: str, db_url: str
) -> None:
    chain(luding_html)
    cut = luding_html.index("2.其他法律行政法规禁止公开")
    item = chain(luding_html[:cut])
    assert item["stored"] == "kept_stored"
    assert "table_missing" in {w.code for w in item["report"].warnings}
    stored = _stored(db_url)
    assert stored.tables["t3"].value("carried_forward", "total") == 0
    assert len(stored.tables["t3"].cells) == 25 * 7


def test_a_truncated_first_reading_is_stored_and_flagged(
    chain: Chain, luding_html: str, db_url: str
) -> None:
    cut = luding_html.index("2.其他法律行政法规禁止公开")
    item = chain(luding_html[:cut])
    assert item["stored"] == "new"
    stored = _stored(db_url)
    assert "table_missing" in {w.code for w in stored.warnings}
    assert stored.tables["t3"].value("new_requests", "total") == 34
    # The complete page read later replaces the truncated reading.
    assert chain(luding_html)["stored"] == "updated"
    assert len(_stored(db_url).tables["t3"].cells) == 25 * 7
