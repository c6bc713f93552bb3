"""StorePipeline inside a Scrapy crawler: settings, stats, item fields and drops."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured, ScrapyDeprecationWarning
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.test import get_crawler
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from nianbao.crawler.items import ReportPage
from nianbao.parsers.model import Check, Report
from nianbao.pipelines.db import load_report, make_engine, session_factory
from nianbao.pipelines.store import StorePipeline

LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"


@pytest.fixture
def crawler(db_url: str) -> Crawler:
    return get_crawler(settings_dict={"NIANBAO_DATABASE_URL": db_url})


@pytest.fixture
def pipeline(crawler: Crawler) -> Iterator[StorePipeline]:
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    yield pipeline
    pipeline.close_spider()


def page(report: Report | None, **fields: object) -> ReportPage:
    item = ReportPage(
        spider="luding",
        portal="泸定县人民政府",
        source_url=LUDING_URL,
        authority="泸定县人民政府",
        report_year=2024,
        fetched_at="2025-01-20T08:00:00+00:00",
    )
    if report is not None:
        item["report"] = report
    item.update(fields)
    return item


def stats(crawler: Crawler) -> dict[str, int]:
    assert crawler.stats is not None
    prefix = "nianbao/store/"
    return {
        key.removeprefix(prefix): value
        for key, value in crawler.stats.get_stats().items()
        if key.startswith(prefix)
    }


def stored_rows(db_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_stores_items_and_counts_outcomes(
    crawler: Crawler,
    pipeline: StorePipeline,
    db_url: str,
    luding_report: Callable[..., Report],
) -> None:
    item = pipeline.process_item(page(luding_report(t4_padding_misread=True)))
    assert item["stored"] == "new"
    assert pipeline.process_item(page(luding_report()))["stored"] == "updated"
    assert pipeline.process_item(page(luding_report()))["stored"] == "unchanged"
    assert stats(crawler) == {"new": 1, "updated": 1, "unchanged": 1}
    assert stored_rows(
        db_url,
        "SELECT a.name, a.portal, r.report_year, r.spider, r.violations "
        "FROM report r JOIN authority a ON a.id = r.authority_id",
    ) == [("泸定县人民政府", "泸定县人民政府", 2024, "luding", 0)]


def test_item_fields_fill_in_what_the_report_lacks(
    pipeline: StorePipeline, db_url: str, luding_report: Callable[..., Report]
) -> None:
    report = luding_report()
    report.authority = None
    report.report_year = None
    report.source_url = None
    item = page(report, authority="泸定县政府", report_year="2024", published="2025-01-20")
    assert pipeline.process_item(item)["stored"] == "new"
    assert (report.authority, report.report_year, report.source_url) == (
        "泸定县政府",
        2024,
        LUDING_URL,
    )
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            loaded = load_report(session, "泸定县人民政府", 2024)
    finally:
        engine.dispose()
    assert loaded is not None
    assert loaded.source_url == LUDING_URL
    assert loaded.published is not None and loaded.published.isoformat() == "2025-01-20"
    assert loaded.tables["t3"].value("new_requests", "total") == 34


def test_what_the_report_says_wins_over_the_item(
    pipeline: StorePipeline, db_url: str, luding_report: Callable[..., Report]
) -> None:
    pipeline.process_item(page(luding_report(), authority="泸定县信访局", report_year=2023))
    assert stored_rows(db_url, "SELECT name FROM authority WHERE NOT inferred") == [
        ("泸定县人民政府",)
    ]
    assert stored_rows(db_url, "SELECT report_year FROM report") == [(2024,)]


def test_unkeyed_report_is_dropped_with_a_reason(
    crawler: Crawler,
    pipeline: StorePipeline,
    db_url: str,
    luding_report: Callable[..., Report],
) -> None:
    pipeline.process_item(page(luding_report()))
    report = luding_report()
    report.report_year = None
    with pytest.raises(DropItem, match="without report_year"):
        pipeline.process_item(page(report, report_year=None))
    assert report.warnings[-1].code == "unkeyed"
    assert stats(crawler) == {"new": 1, "unkeyed": 1}
    assert stored_rows(db_url, "SELECT count(*) FROM cell") == [(10 + 25 * 7 + 15,)]


def test_item_without_a_report_is_dropped(crawler: Crawler, pipeline: StorePipeline) -> None:
    with pytest.raises(DropItem, match="no parsed report"):
        pipeline.process_item(page(None))
    assert stats(crawler) == {"no_report": 1}


def test_database_error_is_counted_and_raised(
    crawler: Crawler,
    pipeline: StorePipeline,
    db_url: str,
    luding_report: Callable[..., Report],
) -> None:
    pipeline.process_item(page(luding_report()))
    broken = luding_report()  # a re-read that ranks as high (its text changed), written over
    broken.content_sha256 = "2" * 64
    broken.checks.append(Check("T4_GROUP_TOTAL", "maybe", "review"))  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        pipeline.process_item(page(broken))
    assert stats(crawler) == {"new": 1, "error": 1}
    assert stored_rows(db_url, "SELECT violations FROM report") == [(0,)]


def test_missing_database_url_disables_the_pipeline(db_url: str) -> None:
    crawler = get_crawler(settings_dict={"NIANBAO_DATABASE_URL": ""})
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(crawler)


def test_scrapy_accepts_the_pipeline_without_deprecation_warnings(db_url: str) -> None:
    crawler = get_crawler(
        settings_dict={
            "NIANBAO_DATABASE_URL": db_url,
            "ITEM_PIPELINES": {StorePipeline: 900},
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScrapyDeprecationWarning)
        manager = ItemPipelineManager.from_crawler(crawler)
    assert [type(mw) for mw in manager.middlewares] == [StorePipeline]


def test_which_input_the_report_was_read_from(
    pipeline: StorePipeline, db_url: str, luding_report: Callable[..., Report]
) -> None:
    pipeline.process_item(page(luding_report(t4_padding_misread=True), html="<html>…</html>"))
    assert stored_rows(db_url, "SELECT parsed_from FROM report") == [("page",)]
    from_file = luding_report()  # the attachment reads table 四 right: a better reading
    from_file.warn("tables_from_attachment", "tables read from http://www.luding.gov.cn/a.pdf")
    assert pipeline.process_item(page(from_file))["stored"] == "updated"
    assert stored_rows(db_url, "SELECT parsed_from FROM report") == [("attachment",)]


def test_a_page_that_now_names_another_year_is_a_counted_conflict(
    crawler: Crawler,
    pipeline: StorePipeline,
    db_url: str,
    luding_report: Callable[..., Report],
    caplog: pytest.LogCaptureFixture,
) -> None:
    pipeline.process_item(page(luding_report()))
    broken = luding_report()
    broken.report_year = 2023
    assert pipeline.process_item(page(broken, report_year=2023))["stored"] == "conflict"
    assert stats(crawler) == {"new": 1, "conflict": 1}
    assert "conflicts with a stored report" in caplog.text
    assert stored_rows(db_url, "SELECT report_year, revision FROM report") == [(2024, 1)]
    assert stored_rows(db_url, "SELECT status FROM report_revision ORDER BY number") == [
        ("current",),
        ("conflict",),
    ]


def test_batched_items_are_stored_with_their_own_outcomes(
    db_url: str,
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    """NIANBAO_STORE_BATCH 3: the third item writes the batch; an unkeyed and a broken report
    fail their own items only; what waits for a batch is written when the spider closes."""
    crawler = get_crawler(settings_dict={"NIANBAO_DATABASE_URL": db_url, "NIANBAO_STORE_BATCH": 3})
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    unkeyed = luding_report()
    unkeyed.authority = None
    broken = zero_t3_report("渔洋镇人民政府", 2024, "t3_2021")
    broken.checks.append(Check("T3_BALANCE", "maybe", "total"))  # type: ignore[arg-type]
    items = [
        page(luding_report()),
        page(unkeyed, authority=None),
        page(broken, source_url="http://www.yuyang.gov.cn/a", authority="渔洋镇人民政府"),
        page(zero_t3_report("邙岭镇人民政府", 2020, "t3_2019"), source_url="http://x.gov.cn/b"),
    ]
    results: list[object] = []
    for item in items:
        waiting = pipeline.store_or_wait(item)
        waiting.addBoth(results.append)
    assert len(results) == 3  # the first batch is written; the fourth item waits
    assert results[0] is items[0] and items[0]["stored"] == "new"
    assert results[1].check(DropItem)  # type: ignore[attr-defined]
    assert results[2].check(IntegrityError, Exception)  # type: ignore[attr-defined]
    pipeline.close_spider()
    assert results[3] is items[3] and items[3]["stored"] == "new"
    assert stats(crawler) == {"new": 2, "unkeyed": 1, "error": 1}
    names = stored_rows(
        db_url, "SELECT a.name FROM report r JOIN authority a ON a.id = r.authority_id"
    )
    assert sorted(names) == [("泸定县人民政府",), ("邙岭镇人民政府",)]
