"""Helpers of the broad-crawl tests: the simulated network, and crawls of it in subprocesses."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import support

ROOT = Path(__file__).resolve().parents[2]
NIANBAO = [sys.executable, "-m", "nianbao.crawler"]

#: No politeness delay (the network is local), short timeouts, quick retries.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_TIMEOUT": "5",
    "NIANBAO_RETRY_BACKOFF_BASE": "0",
    "NIANBAO_PROGRESS": "off",
    "LOG_LEVEL": "INFO",
}


def command(registry: Path, db_url: str, tmp: Path, *extra: str, **settings: str) -> list[str]:
    """``nianbao crawl broad`` over the portals of ``registry`` into ``db_url``."""
    merged = FAST | {
        "HTTPCACHE_DIR": str(tmp / "cache"),
        "NIANBAO_JOBS_DIR": str(tmp / "jobs"),
        "NIANBAO_ATTACHMENT_STORE": str(tmp / "attachments"),
    }
    args = [*NIANBAO, "crawl", "broad", "-a", f"portals={registry}", "--db", db_url, *extra]
    for name, value in (merged | settings).items():
        args += ["-s", f"{name}={value}"]
    return args


def environment(proxy: str) -> dict[str, str]:
    """The test's environment, every request sent to the network's proxy."""
    return support.environment(http_proxy=proxy)


def crawl(args: list[str], proxy: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=ROOT,
        env=environment(proxy),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def query(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def stored(db_url: str) -> list[tuple[str, int]]:
    """(authority, year) of every stored report, repeats kept."""
    rows = query(
        db_url,
        "SELECT a.name, r.report_year FROM report r JOIN authority a ON a.id = r.authority_id",
    )
    return [(name, year) for name, year in rows]
