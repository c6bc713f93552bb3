"""Helpers of the nightly tests: crawls of the simulated portal in subprocesses, one "night"
each, and what they left in the database."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support import environment
from support.portal import SimulatedPortal
from support.spiders import crawl_command

ROOT = Path(__file__).resolve().parents[2]

#: The portal's crawl settings (support.spiders.SETTINGS), its progress logged every second.
FAST = {"NIANBAO_PROGRESS": "log", "NIANBAO_PROGRESS_INTERVAL": "1", "LOG_LEVEL": "INFO"}


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
        return crawl_command(self.portal.url, self.db_url, self.tmp, *extra, **(FAST | settings))

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
