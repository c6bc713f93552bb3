"""Run several crawls in one process and write what each did as JSON.

Run by the spider tests in a subprocess (Twisted's reactor cannot restart inside pytest):
``python tests/spiders/crawl_runner.py JOB.json OUT.json``. The job names the settings
(``{"replay": true}`` for cassettes only, plus Scrapy settings) and the crawls
(``[{"key": …, "spider": …, "args": {…}}]``). For each crawl the output holds the items
(without their HTML), the stats, and every request the spider tried to send, seen by a
downloader middleware placed before Scrapy's OffsiteMiddleware (50) and RobotsTxtMiddleware
(100), so a request outside ``allowed_domains`` is caught even though Scrapy would drop it.
"""

from __future__ import annotations

import json
import sys
from typing import Any, ClassVar

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Request

from nianbao.crawler.commands.settings import build_settings

ISOLATED = {
    "HTTPCACHE_ENABLED": False,
    "NIANBAO_INCREMENTAL": False,
    "NIANBAO_JOBS_DIR": "",
    "NIANBAO_WARC_DIR": "",
    "NIANBAO_PROGRESS": "off",
}


class RequestSpy:
    """Downloader middleware: remember every request before any middleware can drop it."""

    seen: ClassVar[dict[int, list[list[str]]]] = {}

    def __init__(self, crawler: Crawler) -> None:
        self.requests = RequestSpy.seen.setdefault(id(crawler), [])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestSpy:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        self.requests.append([request.method, request.url])


def main(job_path: str, out: str) -> int:
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    settings = build_settings(replay=job.get("replay", False), log_level="WARNING")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["__main__.RequestSpy"] = 1
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    # Nothing of a test crawl may outlive it or leak into the next: no HTTP cache, seen-set,
    # job directory or WARC capture (they live under .scrapy/ in the checkout).
    settings.setdict(ISOLATED, priority="cmdline")
    settings.setdict(job.get("settings", {}), priority="cmdline")
    process = CrawlerProcess(settings)
    runs = []
    for crawl in job["crawls"]:
        crawler = process.create_crawler(crawl["spider"])
        items: list[dict[str, Any]] = []

        def collect(item: Any, items: list[dict[str, Any]] = items) -> None:
            row = dict(item)
            row["html_length"] = len(row.pop("html", "") or "")
            row.pop("fetched_at", None)
            items.append(row)

        crawler.signals.connect(collect, signal=signals.item_scraped, weak=False)
        runs.append((crawl["key"], crawler, items))
        process.crawl(crawler, **crawl.get("args", {}))
    process.start()
    results = {}
    for key, crawler, items in runs:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        results[key] = {
            "items": items,
            "stats": {k: v for k, v in stats.items() if isinstance(v, int | float | str)},
            "requests": RequestSpy.seen.get(id(crawler), []),
            "allowed_domains": list(getattr(crawler.spider, "allowed_domains", ()) or ()),
        }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, ensure_ascii=False, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
