"""A night over the simulated national network: one broad crawler, then 1/2/4 Redis workers.

The network (tests/support/network.py: ``--portals`` portals of mixed families, a twelfth
of them broken, each publishing 1-4 of the project's real reports) is served by one proxy on
127.0.0.1 in this process. Measured, with the politeness of a nightly run (``--per-domain``
requests at a time per portal, ``--delay`` seconds apart, AutoThrottle on), parsing and storing
on (SQLite for the one-process nights, PostgreSQL for the workers):

1. ``scrapy bench`` in the same run, for scale (Scrapy's own server and spider, 10 s);
2. night 1: ``nianbao crawl broad`` over every portal in one process: wall time, requests/s
   (answers the network gave / wall time), peak RSS of the crawl process, reports stored;
3. night 2 on the same database and cache: downloads (answers with a body) as a share of
   night 1's;
4. ``--per-spider N``: the old way for comparison, one Scrapy crawler per portal for the first
   N portals in one process (wall time, peak RSS);
5. ``--workers 1,2,4``: the network crawled by that many ``nianbao crawl broad --redis``
   processes into one fresh PostgreSQL database each time; every report must be stored exactly
   once and every report page fetched once; wall time per worker count.

    python benchmarks/bench_network.py [--portals 1000] [--delay 1] [--per-domain 1]
        [--per-spider 200] [--workers 1,2,4] [--redis redis://127.0.0.1:6379/14]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))  # the test scaffolding: see tests/support/__init__.py

import support  # noqa: E402
from bench_crawl import scrapy_bench  # noqa: E402
from support.network import Network, NetworkServer  # noqa: E402

NIANBAO = [sys.executable, "-m", "nianbao.crawler"]


def settings(delay: float, per_domain: int, tmp: Path) -> dict[str, str]:
    return {
        "DOWNLOAD_DELAY": str(delay),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(per_domain),
        "DOWNLOAD_TIMEOUT": "10",
        "NIANBAO_RETRY_BACKOFF_BASE": "0.5",
        "NIANBAO_PROGRESS": "off",
        "LOG_LEVEL": "WARNING",
        "HTTPCACHE_DIR": str(tmp / "cache"),
        "NIANBAO_JOBS_DIR": str(tmp / "jobs"),
        "NIANBAO_ATTACHMENT_STORE": str(tmp / "attachments"),
        "NIANBAO_WARC_DIR": "",
    }


def environment(proxy: str) -> dict[str, str]:
    """A crawl's environment, every request sent to the network's proxy."""
    return support.environment(http_proxy=proxy)


def run(args: list[str], proxy: str, log: Path) -> tuple[int, float, float]:
    """(exit status, wall seconds, peak RSS in MB) of one crawl process."""
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=environment(proxy), stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.monotonic() - started, usage.ru_maxrss / 1024


def crawl_args(registry: Path, db: str, options: dict[str, str], *extra: str) -> list[str]:
    args = [*NIANBAO, "crawl", "broad", "-a", f"portals={registry}", "--db", db, *extra]
    for name, value in options.items():
        args += ["-s", f"{name}={value}"]
    return args


def database_mb(db: str) -> float:
    """Size of the database (SQLite file, or PostgreSQL's pg_database_size), in MB."""
    if db.startswith("sqlite"):
        return Path(db.removeprefix("sqlite:///")).stat().st_size / 2**20
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            size = connection.execute(text("SELECT pg_database_size(current_database())"))
            return int(size.scalar_one()) / 2**20
    finally:
        engine.dispose()


def redis_mb(url: str, run_id: str) -> float:
    """Memory Redis held for a night's keys (queue, seen-set, workers) in MB; then drops them
    (a benchmark's night need not live out its TTL)."""
    import redis

    server = redis.Redis.from_url(url)
    try:
        keys = server.keys(f"nianbao:{run_id}:*")
        held = sum(server.memory_usage(key) or 0 for key in keys) / 2**20
        if keys:
            server.delete(*keys)
        return held
    finally:
        server.close()


def count_reports(db: str) -> tuple[int, int]:
    """(reports stored, distinct authority/year keys among them)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT authority_id, report_year FROM report")
            ).fetchall()
    finally:
        engine.dispose()
    return len(rows), len({tuple(row) for row in rows})


def summary(label: str, status: int, wall: float, db: str, *details: str) -> tuple[int, int]:
    """Print one line for a night (its exit status, wall time, ``details``, what ``db`` holds
    and its size) and return (reports stored, distinct keys): one format for every night."""
    stored, keys = count_reports(db)
    parts = [f"exit {status}", f"{wall:.1f} s", *details]
    parts += [f"{stored} reports stored ({keys} distinct)", f"database {database_mb(db):.1f} MB"]
    print(f"{label}: {', '.join(parts)}", flush=True)
    return stored, keys


# --- The old way: one crawler per portal (child process) -------------------------------------


def per_spider(registry: str, db: str, options: list[str]) -> None:
    """One CrawlerProcess, one crawler per portal, as `nianbao crawl --all` did."""
    from scrapy.crawler import CrawlerProcess

    from nianbao.crawler.commands.settings import build_settings
    from nianbao.crawler.spiders.broad import read_portal_classes

    extra = dict(option.split("=", 1) for option in options)
    process = CrawlerProcess(build_settings(db=db, extra=extra))
    for cls in read_portal_classes(Path(registry)):
        process.crawl(cls)
    process.start()


# --- Scale-out ----------------------------------------------------------------------------------


def fresh_pg(server: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    name = f"nianbao_bench_{uuid.uuid4().hex[:8]}"
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_pg(server: str, db: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    libpq = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    name = make_url(db).database
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scale_out(
    network: Network,
    registry: Path,
    counts: list[int],
    options: dict[str, str],
    redis: str,
    pg: str,
) -> list[tuple[int, float, int, int, int, int]]:
    """(workers, wall s, reports, distinct keys, report pages fetched twice, worst exit)."""
    from nianbao.pipelines.db import make_engine, upgrade

    results = []
    expected = network.expected_reports()
    for count in counts:
        db = fresh_pg(pg)
        engine = make_engine(db)
        upgrade(engine)  # once, before the workers start (README "Scale-out")
        engine.dispose()
        run_id = f"bench-{uuid.uuid4().hex[:8]}"
        with tempfile.TemporaryDirectory() as folder, NetworkServer(network) as server:
            tmp = Path(folder)
            worker_options = settings_for_workers(options, tmp)
            args = crawl_args(registry, db, worker_options, "--redis", redis, "--run-id", run_id)
            started = time.monotonic()
            workers = []
            for number in range(count):
                log = (tmp / f"worker{number}.log").open("w")
                env = environment(server.url)
                workers.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log))
            worst = max(worker.wait() for worker in workers)
            wall = time.monotonic() - started
            fetched = Counter(
                (host, path)
                for (host, path, status), n in server.hits.items()
                for _ in range(n)
                if status == 200
                and (path.endswith(".html") or path.endswith(".shtml"))
                and "/20" in path
            )
            twice = sum(1 for n in fetched.values() if n > 1)
        stored, keys = summary(
            f"  {count} worker(s)",
            worst,
            wall,
            db,
            f"{len(expected)} reports expected",
            f"report pages fetched twice: {twice}",
            f"Redis keys of the night {redis_mb(redis, run_id):.1f} MB",
        )
        drop_pg(pg, db)
        results.append((count, wall, stored, keys, twice, worst))
    return results


def settings_for_workers(options: dict[str, str], tmp: Path) -> dict[str, str]:
    # Each worker is idle for a while before it leaves the shared queue (others may still add).
    return options | {
        "HTTPCACHE_DIR": str(tmp / "cache"),
        "NIANBAO_ATTACHMENT_STORE": str(tmp / "attachments"),
        "NIANBAO_REDIS_IDLE_WAIT": "10",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--per-domain", type=int, default=1)
    parser.add_argument("--per-spider", type=int, default=0, help="portals for the comparison")
    parser.add_argument("--workers", default="", help="worker counts, e.g. 1,2,4")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    shared = os.environ.get("NIANBAO_SHARED", str(ROOT.parent / "shared"))
    parser.add_argument("--shared", type=Path, default=Path(shared))
    parser.add_argument("--no-scrapy-bench", action="store_true")
    parser.add_argument("--per-spider-child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.per_spider_child:
        registry, db, *rest = options.per_spider_child
        per_spider(registry, db, rest)
        return

    bench = None if options.no_scrapy_bench else scrapy_bench()
    network = Network.build(options.portals, options.shared, ROOT / "cassettes")
    expected = network.expected_reports()
    broken = Counter(p.broken for p in network.portals if p.broken)
    print(
        f"network: {len(network.portals)} portals ({dict(broken)} broken), "
        f"{len(expected)} reports to store; politeness: {options.per_domain} request(s) at a "
        f"time per portal, {options.delay} s apart, AutoThrottle on",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        registry = network.write_registry(tmp / "portals.csv")
        crawl_options = settings(options.delay, options.per_domain, tmp)
        db = f"sqlite:///{tmp / 'nianbao.db'}"
        nights = []
        with NetworkServer(network) as server:
            for night in (1, 2):
                before_requests, before_downloads = server.requests(), server.downloads()
                status, wall, rss = run(
                    crawl_args(registry, db, crawl_options), server.url, tmp / f"night{night}.log"
                )
                requests = server.requests() - before_requests
                downloads = server.downloads() - before_downloads
                stored, _ = summary(
                    f"night {night}",
                    status,
                    wall,
                    db,
                    f"{requests} requests ({requests / wall:.1f}/s)",
                    f"{downloads} downloads",
                    f"peak RSS {rss:.0f} MB",
                )
                nights.append((status, wall, rss, requests, downloads, stored))
                if status:
                    print((tmp / f"night{night}.log").read_text()[-3000:])
            starved = [p.host for p in network.portals if p.host not in server.first_seen]
        old = None
        if options.per_spider:
            small = Network(
                network.portals[: options.per_spider], network.challenge, network.attachment
            )
            small_registry = small.write_registry(tmp / "small.csv")
            small_db = f"sqlite:///{tmp / 'per_spider.db'}"
            child = [
                sys.executable,
                __file__,
                "--per-spider-child",
                str(small_registry),
                small_db,
                *(f"{k}={v}" for k, v in crawl_options.items()),
            ]
            with NetworkServer(small) as server:
                status, wall, rss = run(child, server.url, tmp / "per_spider.log")
                per_requests = server.requests()
            with NetworkServer(small) as server:
                small_tmp = tmp / "broad_small"
                small_options = settings(options.delay, options.per_domain, small_tmp)
                args = crawl_args(small_registry, f"sqlite:///{tmp / 'small.db'}", small_options)
                b_status, b_wall, b_rss = run(args, server.url, tmp / "broad_small.log")
            old = (status, wall, rss, per_requests, b_status, b_wall, b_rss)
        workers = []
        if options.workers:
            counts = [int(n) for n in options.workers.split(",")]
            print(f"scale-out over Redis {options.redis} into PostgreSQL:", flush=True)
            workers = scale_out(network, registry, counts, crawl_options, options.redis, options.pg)

    first, second = nights
    print()
    print(f"{'':34}{'wall s':>8}{'requests/s':>12}{'peak RSS MB':>13}")
    if bench is not None:
        print(f"{'scrapy bench (10 s, no delay)':34}{'':8}{bench[0]:12.0f}{bench[1]:13.0f}")
    label = f"night 1, {len(network.portals)} portals, 1 process"
    print(f"{label:34}{first[1]:8.1f}{first[3] / first[1]:12.1f}{first[2]:13.0f}")
    label = "night 2 (unchanged network)"
    print(f"{label:34}{second[1]:8.1f}{second[3] / second[1]:12.1f}{second[2]:13.0f}")
    print(
        f"second night downloads: {second[4]} of night 1's {first[4]} "
        f"({second[4] / max(1, first[4]):.1%}); reports stored {first[5]} of {len(expected)}; "
        f"portals never asked: {len(starved)}"
    )
    if old is not None:
        status, wall, rss, requests, b_status, b_wall, b_rss = old
        print(
            f"{options.per_spider} portals, one crawler each (exit {status}): {wall:.1f} s, "
            f"peak RSS {rss:.0f} MB; the same portals through one broad crawler (exit "
            f"{b_status}): {b_wall:.1f} s, peak RSS {b_rss:.0f} MB"
        )
    for count, wall, stored, keys, twice, worst in workers:
        print(
            f"{count} worker(s): {wall:.1f} s, {stored} reports ({keys} distinct of "
            f"{len(expected)}), pages fetched twice {twice}, exit {worst}"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process, the network's server: peak RSS {own:.0f} MB)")


if __name__ == "__main__":
    main()
