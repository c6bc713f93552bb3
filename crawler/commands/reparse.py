"""``nianbao reparse``: rebuild every report from the raw captures, with no network.

After a parser or spider improvement, the spiders run again exactly as they crawled, but every
request is answered from the WARC captures (``NIANBAO_WARC_DIR``), through the same pipelines
into the same database. What changed is stored as new revisions; the command ends with a table
of them (and of readings kept aside as rejected or conflicting).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from nianbao.crawler.errors import Failure

from .database import add_db_argument, database_url
from .output import print_table

COMMAND = "reparse"
ORDER = 40
HELP = "rebuild every report from the stored WARC captures (no network) and report what changed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spiders", nargs="*", help="only these spiders (default: all captured)")
    parser.add_argument("--warc-dir", help="capture folder (default: NIANBAO_WARC_DIR, ./warc)")
    add_db_argument(parser)
    parser.add_argument("-a", dest="spider_args", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--loglevel", "-L", default="WARNING", help="log level (WARNING)")


def not_captured(what: str, warc_dir: str) -> str:
    """Why there is nothing to reparse, and how to capture it (one line).

    The usual first contact is ``scripts/crawl.sh``, a ``--replay`` crawl: its answers come from
    cassettes, not the network, so the WARC middleware does not capture them, and a reparse
    right after it finds nothing. Exit 1 (a failure, not a usage error): the command line is
    right, but nothing was rebuilt, which a script chaining crawl and reparse must notice.
    """
    return (
        f"no captures of {what} in {warc_dir}: a --replay crawl is not captured; capture with a "
        "live crawl or --record all (WARC on: NIANBAO_WARC_DIR, default ./warc), or replay with "
        "-s NIANBAO_WARC_CAPTURE_REPLAYED=True"
    )


def replay_overrides(warc_dir: str, db: str) -> dict[str, Any]:
    """Settings of a reparse: captures answer every request; nothing is skipped as seen."""
    return {
        "NIANBAO_DATABASE_URL": db,
        "NIANBAO_WARC_DIR": warc_dir,
        "NIANBAO_WARC_REPLAY": True,
        "CASSETTE_ENABLED": False,
        # robots.txt was obeyed when the pages were fetched; only fetched pages are captured.
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "HTTPCACHE_ENABLED": False,
        # Every stored page must be read again, not skipped as unchanged since the last crawl.
        "NIANBAO_INCREMENTAL": False,
        "JOBDIR": None,
    }


def changed_since(url: str, since: dt.datetime) -> list[tuple[Any, ...]]:
    """(authority, year, scope, revision, status, note, changes) of revisions made since."""
    from sqlalchemy import select

    from nianbao.pipelines.db import make_engine, session_factory
    from nianbao.pipelines.db.models import ReportRevisionRow, ReportRow

    from .revisions import history

    engine = make_engine(url)
    rows = []
    try:
        with session_factory(engine)() as session:
            reports = session.scalars(
                select(ReportRow)
                .join(ReportRevisionRow, ReportRevisionRow.report_id == ReportRow.id)
                .where(ReportRevisionRow.created_at >= since)
                .distinct()
            ).all()
            for report in reports:
                found = history(session, report.authority.name, report.report_year, report.scope)
                assert found is not None
                for revision in found["revisions"]:  # type: ignore[union-attr]
                    created = revision["created_at"]
                    if created.tzinfo is None:
                        created = created.replace(tzinfo=dt.UTC)
                    if created < since:
                        continue
                    rows.append(
                        (
                            report.authority.name,
                            report.report_year,
                            report.scope,
                            revision["number"],
                            revision["status"],
                            revision["note"],
                            len(revision["changes"]),
                            "; ".join(str(c) for c in revision["_changes"][:3]),
                        )
                    )
    finally:
        engine.dispose()
    return sorted(rows)


def run(args: argparse.Namespace) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiderloader import get_spider_loader

    from nianbao.crawler.middlewares.warc import runs
    from nianbao.pipelines.db import make_engine, upgrade

    from .crawl import _pairs
    from .settings import build_settings

    base = build_settings()
    warc_dir = args.warc_dir or base.get("NIANBAO_WARC_DIR") or "warc"
    url = database_url(args)
    captured = runs(Path(warc_dir)) if Path(warc_dir).is_dir() else {}
    names = args.spiders or sorted(captured)
    missing = [name for name in names if name not in captured]
    if not names or missing:
        raise Failure(not_captured(", ".join(missing) if missing else "any spider", warc_dir))
    settings = build_settings(
        db=url,
        log_level=args.loglevel,
        extra={**replay_overrides(str(warc_dir), url)},
    )
    loader = get_spider_loader(settings)
    unknown = [name for name in names if name not in loader.list()]
    if unknown:
        print(f"nianbao reparse: unknown spider(s): {', '.join(unknown)}", file=sys.stderr)
        return 1
    engine = make_engine(url)
    upgrade(engine)  # before the clock starts, so that migration rows are not "changes"
    engine.dispose()
    since = dt.datetime.now(dt.UTC)
    process = CrawlerProcess(settings)
    crawlers = []
    spider_args = _pairs(args.spider_args, "-a")
    for name in names:
        # Each capture's own spider arguments (the generic spider's start_url), under what
        # the command line adds.
        for capture_run in captured[name]["runs"]:
            crawler = process.create_crawler(name)
            crawlers.append(crawler)
            arguments = {**capture_run["arguments"], **spider_args}
            process.crawl(crawler, start_urls=capture_run["start_urls"], **arguments)
    process.start()

    status = 0
    totals: dict[str, int] = {}
    for crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        for key, value in stats.items():
            if key.startswith(("nianbao/store/", "nianbao/warc/")):
                totals[key] = totals.get(key, 0) + int(value)
        if stats.get("finish_reason") not in (None, "finished"):
            status = 1
    replayed, misses = totals.get("nianbao/warc/replayed", 0), totals.get("nianbao/warc/miss", 0)
    outcomes = ", ".join(
        f"{key.removeprefix('nianbao/store/')} {value}"
        for key, value in sorted(totals.items())
        if key.startswith("nianbao/store/")
    )
    print(f"reparsed {', '.join(names)} from {replayed} captured responses ({misses} not captured)")
    print(f"reports: {outcomes or 'none stored'}")
    rows = changed_since(url, since)
    headers = ("authority", "year", "scope", "rev", "status", "note", "changes", "first changes")
    print(f"\n{len(rows)} revision(s) made by this reparse")
    print_table(headers, rows, sys.stdout)
    return status
