"""Replay portal spiders from their cassettes in one process and write what they did as JSON.

Run by tests/spiders/conftest.py in a subprocess (Twisted's reactor cannot restart inside
pytest): ``python tests/spiders/replay_runner.py OUT.json SPIDER…``. For each spider it records
the items (without their HTML), the crawl stats, and every request the spider tried to send,
seen by a downloader middleware placed before Scrapy's OffsiteMiddleware, so a request outside
``allowed_domains`` is caught even though Scrapy would drop it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import Request

from nianbao.crawler.commands.settings import build_settings

REQUESTS: dict[str, list[list[str]]] = {}


class RequestSpy:
    """Downloader middleware: remember every request before any middleware can drop it."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RequestSpy:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        name = self.crawler.spider.name
        REQUESTS.setdefault(name, []).append([request.method, request.url])


def main(out: str, names: list[str]) -> int:
    settings = build_settings(replay=True, log_level="WARNING")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    # OffsiteMiddleware sits at 50 and RobotsTxtMiddleware at 100 (Scrapy's defaults).
    middlewares["__main__.RequestSpy"] = 1
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    process = CrawlerProcess(settings)
    results: dict[str, dict[str, Any]] = {}
    crawlers = []
    for name in names:
        crawler = process.create_crawler(name)
        items: list[dict[str, Any]] = []

        def collect(item: Any, items: list[dict[str, Any]] = items) -> None:
            row = dict(item)
            row["html_length"] = len(row.pop("html", "") or "")
            row.pop("fetched_at", None)
            items.append(row)

        crawler.signals.connect(collect, signal=signals.item_scraped, weak=False)
        crawlers.append((name, crawler, items))
        process.crawl(crawler)
    process.start()
    for name, crawler, items in crawlers:
        stats = {
            key: value
            for key, value in (crawler.stats.get_stats() if crawler.stats else {}).items()
            if isinstance(value, int | float | str)
        }
        spider = crawler.spider
        results[name] = {
            "items": items,
            "stats": stats,
            "requests": REQUESTS.get(name, []),
            "allowed_domains": list(getattr(spider, "allowed_domains", ()) or ()),
        }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, ensure_ascii=False, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
