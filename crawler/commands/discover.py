"""``nianbao discover URL... | --file FILE [--append [--registry FILE]]``: registry rows for
the 年报 columns found from home or hub pages.

    nianbao discover http://www.luding.gov.cn/ http://www.yw.gov.cn/
    nianbao discover --file counties.txt > found.csv       # a registry of its own
    nianbao discover http://www.luding.gov.cn/ --append     # onto crawler/portals.csv
    nianbao discover --file towns.txt --append --registry generated.csv

Runs the generic spider's column search (crawler/discovery.py) politely, through the
project's settings (robots.txt, delays, address guard), stores nothing and fetches no report.
Prints a registry fragment: the header, then per column a ``#`` line (family detected, the
reports its lists show, a confidence; the registry skips ``#`` lines) and its row. With
``--append`` the rows at or above ``--min-confidence`` are checked as the loader checks them
and appended to the registry file, each printed; below it they are printed as not appended.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.spiderloader import get_spider_loader

from .crawl import _pairs
from .settings import build_settings

COMMAND = "discover"
ORDER = 45
HELP = "find 年报 columns from home or hub pages and print (or --append) registry rows"
#: Nothing a discovery run fetches is kept: no cache, capture, seen-set, job or database.
ISOLATED = {
    "ITEM_PIPELINES": {},
    "HTTPCACHE_ENABLED": False,
    "NIANBAO_WARC_DIR": "",
    "NIANBAO_JOBS_DIR": "",
    "NIANBAO_INCREMENTAL": False,
    "NIANBAO_PROGRESS": "off",
}
#: Report links are noted, not followed: the empty-list warning and the run monitor's
#: zero-reports flag would be about that, not about the portal.
QUIET = {
    "SPIDER_MIDDLEWARES": {"nianbao.crawler.middlewares.lists.ListPageMiddleware": None},
    "EXTENSIONS": {"nianbao.crawler.extensions.monitor.RunMonitor": None},
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="*", metavar="URL", help="home, hub or column pages")
    parser.add_argument("--file", type=Path, help="start URLs, one a line (# comments)")
    parser.add_argument("--append", action="store_true", help="append the rows to --registry")
    parser.add_argument(
        "--registry",
        type=Path,
        help="the registry --append writes to (default: crawler/portals.csv of the checkout)",
    )
    parser.add_argument(
        "--min-confidence", type=float, default=0.5, help="rows appended from (default 0.5)"
    )
    parser.add_argument("--follow-domains", default="", help="comma-separated further domains")
    parser.add_argument("--depth", type=int, help="hub pages followed to a column (default 2)")
    parser.add_argument(
        "-s", dest="set", action="append", default=[], metavar="NAME=VALUE", help="a setting"
    )
    parser.add_argument("--loglevel", "-L", default="WARNING", help="log level (WARNING)")


def start_urls(args: argparse.Namespace) -> list[str]:
    urls = list(args.urls)
    if args.file:
        for line in args.file.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                urls.append(line.strip())
    return urls


def run(args: argparse.Namespace) -> int:
    from nianbao.crawler.discovery import DiscoverySpider, column_rows
    from nianbao.crawler.spiders.registry import (
        COLUMNS,
        DEFAULT_REGISTRY,
        RegistryError,
        append_rows,
    )

    urls = start_urls(args)
    if not urls:
        print("nianbao discover: give URLs or --file FILE", file=sys.stderr)
        return 2
    settings = build_settings(log_level=args.loglevel, extra={**ISOLATED, **_pairs(args.set, "-s")})
    for name, disabled in QUIET.items():
        settings.set(name, {**settings.getdict(name), **disabled}, priority="cmdline")
    loader = get_spider_loader(settings)
    taken = set(loader.list())
    modules = taken - {row.name for row in getattr(loader, "rows", ())}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DiscoverySpider)
    options = {"start_urls": urls, "follow_domains": args.follow_domains}
    if args.depth is not None:
        options["search_depth"] = args.depth
    process.crawl(crawler, **options)
    process.start()
    spider = crawler.spider
    if spider is None:
        print("nianbao discover: the search did not start", file=sys.stderr)
        return 1
    found = column_rows(spider, taken)
    registry = None
    if args.append:
        from nianbao.crawler.settings import PROJECT_ROOT

        registry = args.registry or PROJECT_ROOT / "crawler" / DEFAULT_REGISTRY
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    if registry is None:
        writer.writeheader()
    appended: list[dict[str, str]] = []
    for row, column in found:
        titles = "; ".join(title for title, _, _ in list(column.reports.values())[:3])
        more = len(column.reports) - 3
        note = (
            f"# {row['name']}: family {column.family}, confidence {column.confidence():.2f}, "
            f"{len(column.reports)} report(s) seen in {column.pages} list page(s)"
            + (f": {titles}" + (f" (+{more})" if more > 0 else "") if titles else "")
        )
        keep = registry is not None and column.confidence() >= args.min_confidence
        if registry is not None and not keep:
            note += f" -- NOT appended (confidence below {args.min_confidence})"
        out.write(note + "\n")
        writer.writerow(row)
        if keep:
            appended.append(row)
    searched = {column.start for _, column in found}
    for url in urls:
        if url not in searched:
            out.write(f"# {url}: no 年报 column found (blocked, unreachable or none linked)\n")
    sys.stdout.write(out.getvalue())
    if registry is None:
        return 0 if found else 1
    if appended:
        try:
            append_rows(registry, appended, taken=modules)
        except RegistryError as error:
            print(f"nianbao discover: not appended: {error}", file=sys.stderr)
            return 1
    names = ", ".join(row["name"] for row in appended) or "nothing"
    print(f"nianbao discover: appended {names} to {registry}", file=sys.stderr)
    return 0 if found else 1
