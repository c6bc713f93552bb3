"""``nianbao crawl``: run spiders through Scrapy, then print what was stored."""

from __future__ import annotations

import argparse
import sys

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoaderProtocol, get_spider_loader

from nianbao.crawler.errors import UsageError, unknown_names
from nianbao.crawler.extensions.progress import MODES as PROGRESS_MODES
from nianbao.crawler.lock import EXIT_LOCKED, AlreadyRunning, run_lock
from nianbao.crawler.middlewares.cassette import RECORD_MODES, STAT_MISS
from nianbao.crawler.notify import notify
from nianbao.crawler.spiders.broad import BroadSpider, is_mergeable

from .database import add_db_argument
from .runreport import close_run, open_run, print_run_report, run_status
from .settings import build_settings
from .summary import print_summary

COMMAND = "crawl"
ORDER = 10
HELP = "run spiders (live, --replay from cassettes, or --record)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spiders", nargs="*", help="spider names (see `nianbao list`)")
    parser.add_argument("--all", action="store_true", help="every spider that needs no -a")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--replay",
        action="store_true",
        help="serve every request from the cassettes; a request no cassette holds fails the run",
    )
    mode.add_argument("--record", choices=RECORD_MODES, help="record cassettes (vcrpy mode)")
    add_db_argument(parser)
    parser.add_argument("--cassette-dir", help="folder of per-spider cassette folders")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a hard rule fails")
    parser.add_argument(
        "-a",
        dest="spider_args",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="spider argument, as with scrapy crawl -a",
    )
    parser.add_argument(
        "-s",
        dest="set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting",
    )
    parser.add_argument("--loglevel", "-L", help="log level (default INFO)")
    nightly = parser.add_argument_group("nightly operation")
    nightly.add_argument(
        "--lock",
        nargs="?",
        const="",
        metavar="FILE",
        help="refuse to start (exit 75) while another run holds this lock "
        "(default file: NIANBAO_LOCK_FILE)",
    )
    nightly.add_argument(
        "--full",
        action="store_true",
        help="fetch and parse every report page again, ignoring the seen-set "
        "(after a parser upgrade)",
    )
    nightly.add_argument(
        "--no-resume",
        action="store_true",
        help="no job directory: a stopped crawl starts over instead of resuming",
    )
    nightly.add_argument(
        "--redis",
        metavar="URL",
        help="be one worker on a shared scrapy-redis queue (redis://host:6379/0)",
    )
    nightly.add_argument("--run-id", help="the night the --redis workers share (default: UTC date)")
    nightly.add_argument(
        "--progress", choices=PROGRESS_MODES, help="progress display (default auto)"
    )


def _pairs(values: list[str], what: str) -> dict[str, str]:
    out = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep:
            raise SystemExit(f"nianbao crawl: {what} must be NAME=VALUE, got {value!r}")
        out[name] = setting
    return out


def select_spiders(loader: SpiderLoaderProtocol, names: list[str], everything: bool) -> list[str]:
    """The spiders to run; ``--all`` leaves out those that need arguments (generic)."""
    known = set(loader.list())
    unknown = [name for name in names if name not in known]
    if unknown:
        raise unknown_names("spider", unknown, sorted(known))
    if everything:
        names = names + [
            name
            for name in sorted(known)
            if getattr(loader.load(name), "include_in_all", True) and name not in names
        ]
    if not names:
        raise UsageError("name at least one spider, or use --all")
    return names


def broad_split(
    loader: SpiderLoaderProtocol,
    names: list[str],
    settings: Settings,
    spider_args: dict[str, str],
) -> tuple[list[str], list[str]]:
    """(spiders run together through one broad crawler, spiders run in crawlers of their own).

    From ``NIANBAO_BROAD_THRESHOLD`` portal spiders on, one crawler for all of them costs a
    fraction of the memory and start-up of one crawler each (crawler/spiders/broad.py). Never
    with cassettes (they are kept per spider), nor with spider arguments; spiders with
    settings of their own always run alone.
    """
    threshold = settings.getint("NIANBAO_BROAD_THRESHOLD")
    mergeable = [name for name in names if is_mergeable(loader.load(name))]
    if (
        not threshold
        or len(mergeable) < threshold
        or spider_args
        or settings.getbool("CASSETTE_ENABLED")
    ):
        return [], names
    return mergeable, [name for name in names if name not in mergeable]


def run(args: argparse.Namespace) -> int:
    if args.lock is None:
        return crawl(args)
    settings = build_settings()
    path = args.lock or settings.get("NIANBAO_LOCK_FILE")
    try:
        with run_lock(path):
            return crawl(args)
    except AlreadyRunning as exc:
        print(f"nianbao crawl: {exc}; not starting a second run", file=sys.stderr)
        return EXIT_LOCKED


def crawl(args: argparse.Namespace) -> int:
    settings = build_settings(
        db=args.db,
        replay=args.replay,
        record=args.record,
        cassette_dir=args.cassette_dir,
        strict=args.strict,
        log_level=args.loglevel,
        full=args.full,
        jobs_dir="" if args.no_resume else None,
        redis=args.redis,
        run_id=args.run_id,
        progress=args.progress,
        extra=_pairs(args.set, "-s"),
    )
    loader = get_spider_loader(settings)
    names = select_spiders(loader, args.spiders, args.all)
    spider_args = _pairs(args.spider_args, "-a")
    for name in names:
        missing = [
            argument
            for argument in getattr(loader.load(name), "required_arguments", ())
            if argument not in spider_args
        ]
        if missing:
            example = " ".join(f"-a {argument}=..." for argument in missing)
            raise UsageError(
                f"the {name} spider needs {example} (e.g. -a start_url=http://www.example.gov.cn/)"
            )
    database_url = settings.get("NIANBAO_DATABASE_URL")
    run_id = open_run(database_url, " ".join(sys.argv)) if database_url else None
    if run_id is not None:
        settings.set("NIANBAO_RUN_RECORD", run_id, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers: list[Crawler] = []
    failed: dict[str, str] = {}
    merged, alone = broad_split(loader, names, settings, spider_args)
    if merged:
        crawler = process.create_crawler(BroadSpider)
        crawlers.append(crawler)
        classes = [loader.load(name) for name in merged]
        started = process.crawl(crawler, portal_classes=classes)
        started.addErrback(_failed_to_run, BroadSpider.name, failed)
    for name in alone:
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        started = process.crawl(crawler, **spider_args)
        started.addErrback(_failed_to_run, name, failed)
    process.start()
    portals = [n for c in crawlers for n in getattr(c.spider, "spider_names", ())]
    print_summary(database_url, [*names, *portals])
    if run_id is not None:
        record_failures(database_url, run_id, failed)
        reasons = [_finish_reason(c) for c in crawlers]
        status = run_status(reasons)
        flagged = print_run_report(run_id, status, close_run(database_url, run_id, status))
        notify(settings, run_id, flagged)
    return exit_status(crawlers, replay=args.replay)


#: The finish reason of a spider that never ran (a pipeline that cannot import, a spider
#: argument missing): recorded in the run so a nightly cron sees which spider did not start.
FAILED_TO_START = "failed_to_start"


def _failed_to_run(failure, name: str, failed: dict[str, str]) -> None:
    """Errback of one crawler's start: one line, not a Twisted traceback, and remembered."""
    message = failure.getErrorMessage() or failure.type.__name__
    failed[name] = f"{failure.type.__name__}: {message}"
    print(f"nianbao crawl: {name}: did not run: {failed[name]}", file=sys.stderr)


def _finish_reason(crawler: Crawler) -> str:
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    return reason or FAILED_TO_START


def record_failures(database_url: str, run_id: int, failed: dict[str, str]) -> None:
    """A spider row per spider that never ran, flagged with why."""
    if not failed:
        return
    from nianbao.pipelines.db import make_engine, session_factory
    from nianbao.pipelines.db.nightly import record_spider

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            for name, why in failed.items():
                flags = [{"flag": FAILED_TO_START, "detail": why}]
                record_spider(
                    session,
                    run_id,
                    {"spider": name, "finish_reason": FAILED_TO_START, "flags": flags},
                )
    finally:
        engine.dispose()


def exit_status(crawlers: list[Crawler], *, replay: bool) -> int:
    """1 when a replay missed its cassette, a spider failed or strict validation failed."""
    status = 0
    for crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        name = crawler.spider.name if crawler.spider else crawler.spidercls.name
        misses = stats.get(STAT_MISS, 0)
        if replay and misses:
            print(f"nianbao crawl: {name}: {misses} request(s) had no cassette", file=sys.stderr)
            status = 1
        if stats.get("nianbao/validate/strict_failures"):
            print(f"nianbao crawl: {name}: hard rules failed (--strict)", file=sys.stderr)
            status = 1
        if _finish_reason(crawler) != "finished":
            print(f"nianbao crawl: {name}: {_finish_reason(crawler)}", file=sys.stderr)
            status = 1
        if stats.get("spider_exceptions/count") or stats.get("log_count/CRITICAL"):
            print(f"nianbao crawl: {name}: errors in the spider, see log", file=sys.stderr)
            status = 1
    return status
