"""泸定县 (sichuan_luding): callbacks on the cassette's pages, and one full replay of the spider.

The cassette is built by ``scripts/build_cassettes.py`` around the real report text of seed 002
(see cassettes/sichuan_luding/PROVENANCE.md): the page shapes are reconstructed, the report
and its URL are real. The callbacks are called directly on responses rebuilt from the cassette
(no engine, no network); the replay runs ``scrapy crawl`` in a subprocess because Twisted's
reactor cannot be restarted inside pytest.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from nianbao.crawler.items import ReportPage
from nianbao.crawler.middlewares.cassette_yaml import load_interactions
from nianbao.crawler.spiders.registry import SichuanLudingSpider

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
CASSETTE = REPO / "cassettes" / "sichuan_luding"
COLUMN = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/"
ARTICLE = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
TITLE = "泸定县人民政府2024年政府信息公开工作年度报告"
SEED = SHARED / "seeds" / "002_54edbe98636d0c3c.txt"


def cassette_response(url: str) -> HtmlResponse:
    """The recorded answer to ``GET url``, as the cassette middleware would hand it over."""
    for interaction in load_interactions(CASSETTE):
        if interaction.method == "GET" and interaction.url == url:
            return HtmlResponse(
                url=url,
                status=interaction.status,
                headers=dict(interaction.headers),
                body=interaction.body,
                request=Request(url),
            )
    raise AssertionError(f"{url} is not in {CASSETTE}")


@pytest.fixture
def crawler() -> Crawler:
    return get_crawler(SichuanLudingSpider)


@pytest.fixture
def spider(crawler: Crawler) -> SichuanLudingSpider:
    return SichuanLudingSpider.from_crawler(crawler)


def spider_stats(crawler: Crawler) -> dict[str, int]:
    assert crawler.stats is not None
    return {
        key.removeprefix("nianbao/spider/"): value
        for key, value in crawler.stats.get_stats().items()
        if key.startswith("nianbao/")
    }


def test_cassette_holds_the_column_and_the_report_only() -> None:
    urls = sorted(interaction.url for interaction in load_interactions(CASSETTE))
    assert urls == [COLUMN, ARTICLE]


def test_starts_at_the_column(spider: SichuanLudingSpider) -> None:
    assert spider.start_urls == [COLUMN]


def test_list_page_yields_one_request_to_the_report(
    spider: SichuanLudingSpider, crawler: Crawler
) -> None:
    requests = list(spider.parse(cassette_response(COLUMN)))

    assert [request.url for request in requests] == [ARTICLE]
    assert requests[0].callback == spider.parse_report
    assert requests[0].cb_kwargs == {"title": TITLE, "published": None}
    stats = spider_stats(crawler)
    assert stats["list_pages"] == 1
    # Menus, breadcrumb and the 条例 link on www.gov.cn: all skipped by their titles.
    assert stats["skipped_titles"] > 0
    assert "offsite_links" not in stats


def test_report_page_yields_one_labelled_item(
    spider: SichuanLudingSpider, crawler: Crawler
) -> None:
    items = list(spider.parse_report(cassette_response(ARTICLE), title=TITLE, published=None))

    assert len(items) == 1
    item = items[0]
    assert isinstance(item, ReportPage)
    assert item["spider"] == "sichuan_luding"
    assert item["portal"] == "泸定县人民政府"
    assert item["source_url"] == ARTICLE
    assert item["title"] == TITLE
    assert item["authority"] == "泸定县人民政府"
    assert item["report_year"] == 2024
    assert item["published"] is None  # no date was recorded for this page; none is invented
    assert item["attachments"] == []
    assert item["html"].count("<table") == 3
    assert "行政许可" in item["html"] and "15889" in item["html"]
    assert dt.datetime.fromisoformat(item["fetched_at"]).tzinfo is not None
    assert spider_stats(crawler) == {"report_pages": 1}


def test_article_tables_are_the_seed_rows_cell_for_cell() -> None:
    """The reconstruction adds no cell and loses none: every multi-cell line of the seed is a
    table row with the same cells, in order (empty cells included)."""
    seed_rows = [
        [cell.strip() for cell in line.split("|")[:-1]]
        for line in SEED.read_text(encoding="utf-8").splitlines()
    ]
    expected = [row for row in seed_rows if len(row) > 1]
    page = lxml_html.fromstring(cassette_response(ARTICLE).body)
    rows = [
        [cell.text_content().strip() for cell in tr.xpath("./td")]
        for tr in page.xpath("//div[@id='zoom']//table//tr")
    ]
    assert rows == expected
    prose = [p.text_content().strip() for p in page.xpath("//div[@id='zoom']/p")]
    assert prose == [row[0] for row in seed_rows if len(row) == 1]


def test_builder_reproduces_the_cassette(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "scripts/build_cassettes.py", "sichuan_luding", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NIANBAO_SHARED": str(SHARED)},
    )
    assert result.returncode == 0
    for name in ("www.luding.gov.cn.yaml", "PROVENANCE.md"):
        assert (tmp_path / "sichuan_luding" / name).read_bytes() == (CASSETTE / name).read_bytes()


def test_full_replay_from_the_cassette(tmp_path: Path) -> None:
    """``scrapy crawl`` against the cassette only: one item, no miss, nothing off the portal."""
    output = tmp_path / "items.jsonl"
    scrapy = Path(sys.executable).with_name("scrapy")
    result = subprocess.run(
        [
            str(scrapy),
            "crawl",
            "sichuan_luding",
            *("-s", "CASSETTE_ENABLED=True"),
            *("-s", "CASSETTE_RECORD_MODE=none"),
            *("-s", "ITEM_PIPELINES={}"),
            *("-s", "DOWNLOAD_DELAY=0"),
            *("-s", "AUTOTHROTTLE_ENABLED=False"),
            *("-s", "LOG_LEVEL=DEBUG"),
            *("-O", str(output)),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = result.stderr
    assert result.returncode == 0, log[-3000:]

    stats = dict(re.findall(r"'([\w/]+)': (\d+)", log.split("Dumping Scrapy stats:")[-1]))
    assert stats.get("cassette/miss", "0") == "0"
    assert stats["cassette/hit"] == "2"
    assert stats["item_scraped_count"] == "1"
    assert stats["nianbao/spider/report_pages"] == "1"
    assert "nianbao/blocked" not in stats

    requested = re.findall(r"Crawled \(\d+\) <(\w+) (\S+)>", log)
    hosts = {urlsplit(url).hostname for _, url in requested}
    assert hosts == {"www.luding.gov.cn"}, requested
    assert ("GET", ARTICLE) in requested

    items = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [(item["source_url"], item["authority"], item["report_year"]) for item in items] == [
        (ARTICLE, "泸定县人民政府", 2024)
    ]
