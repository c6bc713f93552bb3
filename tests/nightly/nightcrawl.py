"""Helpers of the nightly tests: crawls of the simulated portal in subprocesses, one "night"
each, and what they left in the database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.crawler.testing.portal import SimulatedPortal

ROOT = Path(__file__).resolve().parents[2]
NIANBAO = [sys.executable, "-m", "nianbao.crawler"]

#: Fast, impatient settings: no politeness delays, short timeouts, quick retries.
FAST = {
    "SPIDER_MODULES": "nianbao.crawler.testing.spiders",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "DOWNLOAD_TIMEOUT": "3",
    "NIANBAO_RETRY_BACKOFF_BASE": "0",
    "NIANBAO_PAGE_MAXSIZE": str(1024 * 1024),
    "NIANBAO_PROGRESS": "log",
    "NIANBAO_PROGRESS_INTERVAL": "1",
    "LOG_LEVEL": "INFO",
}


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(extra)
    return env


@dataclass
class Night:
    """One crawl: its exit status, output, and the run record it left."""

    returncode: int
    stdout: str
    stderr: str
    run: dict[str, Any]


@dataclass
class Nights:
    """Crawls of one portal into one database, with one cache and one jobs folder."""

    portal: SimulatedPortal
    db_url: str
    tmp: Path

    def command(self, *extra: str, **settings: str) -> list[str]:
        merged = (
            FAST
            | {
                "HTTPCACHE_DIR": str(self.tmp / "cache"),
                "NIANBAO_JOBS_DIR": str(self.tmp / "jobs"),
            }
            | settings
        )
        args = [*NIANBAO, "crawl", "simulated_portal", "-a", f"portal_url={self.portal.url}"]
        args += ["--db", self.db_url, *extra]
        for name, value in merged.items():
            args += ["-s", f"{name}={value}"]
        return args

    def crawl(self, *extra: str, timeout: float = 240, **settings: str) -> Night:
        result = subprocess.run(
            self.command(*extra, **settings),
            cwd=ROOT,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Night(result.returncode, result.stdout, result.stderr, self.last_run())

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        if self.db_url.startswith("sqlite"):
            with sqlite3.connect(self.db_url.removeprefix("sqlite:///")) as connection:
                return connection.execute(sql, params).fetchall()
        from sqlalchemy import create_engine, text

        engine = create_engine(self.db_url)
        try:
            with engine.connect() as connection:
                return [tuple(r) for r in connection.execute(text(sql), dict(enumerate(params)))]
        finally:
            engine.dispose()

    def last_run(self) -> dict[str, Any]:
        try:
            rows = self.query(
                "SELECT s.spider, s.full_downloads, s.not_modified, s.skipped_unchanged, "
                "s.reports_new, s.reports_updated, s.reports_unchanged, s.reports_kept, "
                "s.errors, s.faults, s.flags, s.finish_reason, s.report_links, r.status "
                "FROM crawl_run_spider s JOIN crawl_run r ON r.id = s.run_id "
                "ORDER BY s.id DESC LIMIT 1"
            )
        except Exception:  # no database yet
            return {}
        if not rows:
            return {}
        keys = (
            "spider", "full_downloads", "not_modified", "skipped", "new", "updated",
            "unchanged", "kept", "errors", "faults", "flags", "finish_reason", "report_links",
            "status",
        )  # fmt: skip
        run = dict(zip(keys, rows[0], strict=True))
        for key in ("faults", "flags"):
            if isinstance(run[key], str):
                run[key] = json.loads(run[key])
        return run

    def reports(self) -> dict[tuple[str, int], tuple[str | None, int]]:
        """(authority, year) -> (content hash, number of cells) of every stored report."""
        rows = self.query(
            "SELECT a.name, r.report_year, r.content_sha256, "
            "(SELECT count(*) FROM cell c WHERE c.report_id = r.id) "
            "FROM report r JOIN authority a ON a.id = r.authority_id"
        )
        return {(name, year): (digest, cells) for name, year, digest, cells in rows}
