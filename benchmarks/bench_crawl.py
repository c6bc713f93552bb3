"""Crawl throughput and memory on a simulated portal of 10,000 pages, next to ``scrapy bench``.

A Twisted web server (a child process) serves a TRS 年报 column on 127.0.0.1: ``index.html``
… ``index_{N-1}.html`` paged by ``createPageHTML``, each listing report pages, every report
page being the real 泸定县 2024 report page of cassettes/sichuan_luding (the same bytes under
each URL: no report is made up). A TrsSpider walks it with the project's settings, politeness
off (no AutoThrottle, no delay, no robots.txt, 16 requests at once), no item pipelines: what
is measured is fetching and labelling. ``scrapy bench`` (Scrapy's own server and link-following
spider, 10 s) runs in the same process group, before it, on the same machine.

Printed: requests/s of both, their ratio, each crawler process's peak RSS, and the crawl's RSS
after 1,000 and after all pages (memory must stay flat).

    python benchmarks/bench_crawl.py [--pages 10000] [--per-list 99] [--project-extras]

``--project-extras`` keeps the nightly machinery on (HTTP cache, WARC capture, job directory,
all in a temporary folder), as a nightly crawl runs; by default they are off, so the figure is
the spider's and Scrapy's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"


# --- The simulated portal (child process) ------------------------------------------------------


def serve(port_file: str, pages: int, per_list: int) -> None:
    """Serve the column; write the port to ``port_file`` once listening."""
    from twisted.internet import reactor
    from twisted.web import resource as web_resource
    from twisted.web import server

    from nianbao.crawler.middlewares.cassette_yaml import load_interactions

    report = next(
        i.body for i in load_interactions(ROOT / "cassettes/sichuan_luding") if i.url == REPORT_URL
    )
    lists = max(1, -(-pages // (per_list + 1)))
    title = "泸定县人民政府2024年政府信息公开工作年度报告"
    page_name = re.compile(rb"^/xxgk/xxgknb/(?:index(?:_(\d+))?\.html)?$")
    article = re.compile(rb"^/xxgk/xxgknb/202501/t20250101_(\d+)\.html$")

    def list_page(number: int) -> bytes:
        first = number * per_list
        last = min(first + per_list, pages - lists)
        rows = "".join(
            f'<li><a href="./202501/t20250101_{n}.html" title="{title}">{title}</a>'
            "<span>2025-01-01</span></li>"
            for n in range(first, last)
        )
        script = (
            f"<script>var currentPage = {number};var countPage = {lists};"
            'createPageHTML(countPage, currentPage, "index", "html");</script>'
        )
        return (
            "<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body>"
            f"<ul>{rows}</ul>{script}</body></html>"
        ).encode()

    class Portal(web_resource.Resource):
        isLeaf = True

        def render_GET(self, request):  # type: ignore[no-untyped-def]
            request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
            listed = page_name.match(request.path)
            if listed:
                return list_page(int(listed.group(1) or 0))
            if article.match(request.path):
                return report
            request.setResponseCode(404)
            return b""

    listening = reactor.listenTCP(0, server.Site(Portal()), interface="127.0.0.1")
    Path(port_file).write_text(str(listening.getHost().port))
    reactor.run()


# --- The crawl (child process) -------------------------------------------------------------


def crawl(port: int, out: str, extras: bool, workdir: str) -> None:
    """Crawl the simulated portal; write figures as JSON to ``out``."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from nianbao.crawler.commands.settings import build_settings
    from nianbao.crawler.spiders.base.trs import TrsSpider

    class BenchPortalSpider(TrsSpider):
        name = "bench_portal"
        portal = "simulated portal"
        allowed_domains = ("127.0.0.1",)
        column_urls = (f"http://127.0.0.1:{port}/xxgk/xxgknb/",)
        list_page_limit = 10_000

    settings = build_settings(log_level="WARNING")
    politeness_off = {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "ITEM_PIPELINES": {},
        "NIANBAO_PROGRESS": "off",
        "NIANBAO_INCREMENTAL": False,
        "TELNETCONSOLE_ENABLED": False,
        # The portal is on 127.0.0.1, which crawls refuse unless this allows it.
        "NIANBAO_ALLOW_PRIVATE_ADDRESSES": True,
    }
    if extras:
        politeness_off |= {
            "HTTPCACHE_DIR": f"{workdir}/httpcache",
            "NIANBAO_WARC_DIR": f"{workdir}/warc",
            "NIANBAO_JOBS_DIR": f"{workdir}/jobs",
        }
    else:
        politeness_off |= {
            "HTTPCACHE_ENABLED": False,
            "NIANBAO_WARC_DIR": "",
            "NIANBAO_JOBS_DIR": "",
        }
    settings.setdict(politeness_off, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchPortalSpider)
    figures: dict[str, float] = {"responses": 0, "items": 0}

    def rss_mb() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def received(**_: object) -> None:
        figures["responses"] += 1
        if figures["responses"] == 1:
            figures["start"] = time.perf_counter()
        if figures["responses"] == 1000:
            figures["rss_1000_mb"] = rss_mb()

    def scraped(**_: object) -> None:
        figures["items"] += 1

    crawler.signals.connect(received, signal=signals.response_received)
    crawler.signals.connect(scraped, signal=signals.item_scraped)
    process.crawl(crawler)
    process.start()
    figures["seconds"] = time.perf_counter() - figures["start"]
    figures["rss_end_mb"] = rss_mb()
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps(figures))


# --- scrapy bench ------------------------------------------------------------------------------


def scrapy_bench() -> tuple[float, float]:
    """(pages/s at the end of Scrapy's 10 s bench, its crawler's peak RSS in MB)."""
    code = (
        "import atexit, resource, sys\n"
        "atexit.register(lambda: print('PEAK_RSS_KB', "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n"
        "from scrapy.cmdline import execute\n"
        "sys.argv = ['scrapy', 'bench']\n"
        "execute()\n"
    )
    # Outside the project (no scrapy.cfg): Scrapy's defaults, as `scrapy bench` is meant to run.
    with tempfile.TemporaryDirectory() as empty:
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=empty, capture_output=True, text=True, timeout=120
        )
    log = result.stderr
    rates = [int(n) for n in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", log)]
    crawled = re.findall(r"'response_received_count': (\d+)", log)
    elapsed = re.findall(r"'elapsed_time_seconds': ([\d.]+)", log)
    peak = re.search(r"PEAK_RSS_KB (\d+)", log)
    if not crawled or not elapsed or not peak:
        raise SystemExit(f"scrapy bench failed:\n{log[-3000:]}")
    overall = int(crawled[-1]) / float(elapsed[-1])
    # LOGSTATS_INTERVAL is 1 s in scrapy bench: each "at N pages/min" is one second's rate.
    # Their mean, start-up second left out, is the steady rate the crawl is compared with.
    running = [rate / 60 for rate in rates if rate > 0][1:]
    steady = sum(running) / len(running) if running else overall
    print(
        f"scrapy bench: {crawled[-1]} pages in {float(elapsed[-1]):.1f} s "
        f"({overall:.0f}/s overall, {steady:.0f}/s once running)"
    )
    return steady, int(peak.group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--per-list", type=int, default=99)
    parser.add_argument("--project-extras", action="store_true")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--crawl", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), int(args.serve[2]))
        return
    if args.crawl:
        crawl(int(args.crawl[0]), args.crawl[1], args.crawl[2] == "1", args.crawl[3])
        return

    bench_rate, bench_rss = scrapy_bench()
    with tempfile.TemporaryDirectory() as workdir:
        port_file = Path(workdir) / "port"
        server = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                str(port_file),
                str(args.pages),
                str(args.per_list),
            ]
        )
        try:
            for _ in range(100):
                if port_file.exists() and port_file.read_text():
                    break
                time.sleep(0.1)
            out = Path(workdir) / "figures.json"
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--crawl",
                    port_file.read_text(),
                    str(out),
                    "1" if args.project_extras else "0",
                    workdir,
                ],
                check=True,
                cwd=workdir,
            )
        finally:
            server.terminate()
            server.wait()
        figures = json.loads(out.read_text())
    rate = figures["responses"] / figures["seconds"]
    extras = " with HTTP cache, WARC, job dir" if args.project_extras else ""
    print(
        f"nianbao crawl: {figures['responses']:.0f} pages ({figures['items']:.0f} reports) in "
        f"{figures['seconds']:.1f} s{extras}"
    )
    print()
    print(f"{'':22}{'requests/s':>12}{'peak RSS MB':>14}")
    print(f"{'scrapy bench':22}{bench_rate:12.0f}{bench_rss:14.0f}")
    print(f"{'nianbao (10k pages)':22}{rate:12.0f}{figures['peak_rss_mb']:14.0f}")
    print(f"ratio: {rate / bench_rate:.0%} of scrapy bench")
    print(
        f"RSS after 1,000 pages {figures['rss_1000_mb']:.0f} MB, after "
        f"{figures['responses']:.0f} pages {figures['rss_end_mb']:.0f} MB "
        f"(+{figures['rss_end_mb'] - figures['rss_1000_mb']:.0f} MB)"
    )


if __name__ == "__main__":
    main()
