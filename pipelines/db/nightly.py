"""Nightly bookkeeping in the report database: the seen-set and the run records.

- ``page_seen``: one row per report page whose report was stored, with the validators and the
  body hash it was fetched with. The crawler asks conditionally for these pages and never
  re-parses an identical body (:mod:`nianbao.crawler.middlewares.incremental`). A page is added
  only *after* its report was saved, so a page lost to a failure is fetched again next night.
- ``crawl_run`` and ``crawl_run_spider``: every run, and per spider what it fetched, stored,
  skipped, failed on and which rules its reports broke, with the flags the monitor raised.
  Earlier runs are the baseline against which an error rate "jumps".

The tables are independent of the report tables (no foreign key into them), so the report
schema can evolve without touching these.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base

logger = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PageSeenRow(Base):
    """A report page stored once, and how to ask the portal whether it changed."""

    __tablename__ = "page_seen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    spider: Mapped[str | None] = mapped_column(String(100), index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    #: The store's outcome when the page was last read: new, updated, unchanged, kept_stored.
    outcome: Mapped[str | None] = mapped_column(String(16))
    authority: Mapped[str | None] = mapped_column(String(200))
    report_year: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_stored: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CrawlRunRow(Base):
    """One invocation of ``nianbao crawl`` (or of a plain ``scrapy crawl``)."""

    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: running, finished (every spider finished), failed, interrupted (stopped, resumable),
    #: killed (its process died without closing it: found by the next run, see close_stale_runs).
    status: Mapped[str] = mapped_column(String(16))
    host: Mapped[str | None] = mapped_column(String(200))
    #: The crawling process, so the next run on ``host`` can tell a killed run from a live one.
    pid: Mapped[int | None] = mapped_column(Integer)
    command: Mapped[str | None] = mapped_column(Text)


class CrawlRunSpiderRow(Base):
    """What one spider did in one run."""

    __tablename__ = "crawl_run_spider"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id", ondelete="CASCADE"), index=True)
    spider: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    #: Responses received (network, cache and 304 alike) and bodies that came over the network.
    pages: Mapped[int] = mapped_column(Integer, default=0)
    full_downloads: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    list_pages: Mapped[int] = mapped_column(Integer, default=0)
    report_links: Mapped[int] = mapped_column(Integer, default=0)
    report_pages: Mapped[int] = mapped_column(Integer, default=0)
    skipped_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    reports_new: Mapped[int] = mapped_column(Integer, default=0)
    reports_updated: Mapped[int] = mapped_column(Integer, default=0)
    reports_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    reports_kept: Mapped[int] = mapped_column(Integer, default=0)
    #: Items dropped by a pipeline (empty page, unparsable, no key, database error).
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    error_rate: Mapped[float] = mapped_column(Float, default=0.0)
    #: Reports stored tonight that break at least one hard rule.
    rule_violations: Mapped[int] = mapped_column(Integer, default=0)
    #: ``{"timeout": 3, "blocked": 1, ...}``
    faults: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: ``[{"flag": "zero_reports", "detail": "..."}]``
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: Every Scrapy stat of the crawl, for whoever needs one not summarised above.
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# --- Seen-set ---------------------------------------------------------------------------------


def load_seen(session: Session, spider: str | None = None) -> dict[str, PageSeenRow]:
    """Every seen page (of ``spider`` when given), by URL."""
    statement = select(PageSeenRow)
    if spider is not None:
        statement = statement.where(PageSeenRow.spider == spider)
    return {row.url: row for row in session.scalars(statement)}


def record_seen(
    session: Session,
    urls: Iterable[str],
    *,
    spider: str | None,
    etag: str | None,
    last_modified: str | None,
    body_sha256: str | None,
    outcome: str,
    authority: str | None,
    report_year: int | None,
) -> None:
    """Insert or refresh the seen rows of a stored report page (its link and its final URL)."""
    now = _now()
    for url in dict.fromkeys(urls):
        row = session.scalar(select(PageSeenRow).where(PageSeenRow.url == url))
        if row is None:
            row = PageSeenRow(url=url, first_seen=now)
            session.add(row)
        row.spider = spider
        row.etag = etag
        row.last_modified = last_modified
        row.body_sha256 = body_sha256
        row.outcome = outcome
        row.authority = authority
        row.report_year = report_year
        row.last_stored = now
    session.commit()


# --- Runs ---------------------------------------------------------------------------------


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def close_stale_runs(session: Session) -> list[int]:
    """Close as ``killed`` the runs of this host still ``running`` whose process is gone.

    Only this host's runs can be checked (a pid means nothing elsewhere); runs recorded before
    pids were (``pid`` NULL) are left as they are. Returns the ids closed.
    """
    statement = select(CrawlRunRow).where(
        CrawlRunRow.status == "running",
        CrawlRunRow.host == socket.gethostname(),
        CrawlRunRow.pid.is_not(None),
        CrawlRunRow.pid != os.getpid(),
    )
    closed = []
    for row in session.scalars(statement):
        if row.pid is not None and not _process_alive(row.pid):
            row.status = "killed"
            row.finished_at = _now()
            closed.append(row.id)
            logger.warning(
                "crawl run %s (process %s, started %s) was killed before it could close: "
                "recorded as killed",
                row.id,
                row.pid,
                row.started_at,
            )
    session.commit()
    return closed


def start_run(session: Session, command: str | None = None) -> int:
    """Open a run record (``running``), after closing the runs a hard kill left open."""
    close_stale_runs(session)
    row = CrawlRunRow(
        started_at=_now(),
        status="running",
        host=socket.gethostname(),
        pid=os.getpid(),
        command=command,
    )
    session.add(row)
    session.commit()
    return row.id


def finish_run(session: Session, run_id: int, status: str) -> None:
    row = session.get(CrawlRunRow, run_id)
    if row is not None:
        row.finished_at = _now()
        row.status = status
        session.commit()


def record_spider(session: Session, run_id: int, values: Mapping[str, Any]) -> int:
    row = CrawlRunSpiderRow(run_id=run_id, **values)
    session.add(row)
    session.commit()
    return row.id


def record_spiders(session: Session, run_id: int, rows: Iterable[Mapping[str, Any]]) -> None:
    """Many spider rows in one transaction (a broad crawl records one per portal)."""
    session.add_all(CrawlRunSpiderRow(run_id=run_id, **values) for values in rows)
    session.commit()


def spider_rows(session: Session, run_id: int) -> list[CrawlRunSpiderRow]:
    statement = (
        select(CrawlRunSpiderRow)
        .where(CrawlRunSpiderRow.run_id == run_id)
        .order_by(CrawlRunSpiderRow.spider, CrawlRunSpiderRow.id)
    )
    return list(session.scalars(statement))


def previous_error_rates(
    session: Session, spider: str, before_run: int, limit: int = 7
) -> list[float]:
    """Error rates of the spider's last ``limit`` finished runs before ``before_run``."""
    statement = (
        select(CrawlRunSpiderRow.error_rate)
        .where(
            CrawlRunSpiderRow.spider == spider,
            CrawlRunSpiderRow.run_id < before_run,
            CrawlRunSpiderRow.requests > 0,
        )
        .order_by(CrawlRunSpiderRow.run_id.desc())
        .limit(limit)
    )
    return [float(rate) for rate in session.scalars(statement)]
