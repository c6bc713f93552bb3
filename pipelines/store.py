"""The last item pipeline: write each parsed report to the database.

Settings: ``NIANBAO_DATABASE_URL`` (SQLAlchemy URL; SQLite file or ``postgresql+psycopg://``).
The schema is brought up to date when the spider opens, so a crawl against a new or older
database just works.

Stats: ``nianbao/store/new``, ``/updated`` (a new revision), ``/unchanged`` (one per stored
report), ``/kept_stored`` (the page read worse than the stored report, which is kept; the worse
reading is kept beside it as a ``rejected`` revision), ``/conflict`` (the page was stored under
another authority/year before, or another page claims this report with a reading that is not
better: kept as a ``conflict`` revision, logged as a warning),
``/unkeyed`` (dropped: no authority or report year), ``/no_report`` (dropped: nothing parsed)
and ``/error`` (the database refused the save; nothing stored for that report changed).

Saves run in the reactor thread. With ``NIANBAO_STORE_BATCH`` above 1 (the crawl settings use
100) reports are written in batches, one transaction each (:mod:`.db.bulk`): an item waits until
its batch is full or ``NIANBAO_STORE_BATCH_SECONDS`` have passed, and the batch left when the
spider closes is written before the database is let go. Each report stays atomic: one that
fails fails its own item only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from nianbao.crawler.items import labelled_year
from nianbao.parsers.model import Report

from .db import UnkeyedReport, analyze, make_engine, save_report, session_factory, upgrade
from .db.bulk import save_reports

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

STAT_PREFIX = "nianbao/store/"


def _fill_from_item(report: Report, item: Any) -> None:
    """Give the report what the spider knew but the page text did not say.

    The spider's labels (from a portal's list columns or its configuration) are a fallback only:
    what the parser read from the report itself wins.
    """
    for name in ("authority", "source_url", "title"):
        if getattr(report, name) in (None, "") and item.get(name) not in (None, ""):
            setattr(report, name, str(item.get(name)))
    if report.report_year is None:
        report.report_year = labelled_year(item)
    published = item.get("published")
    if report.published is None and isinstance(published, str) and published:
        with contextlib.suppress(ValueError):  # a malformed date is just not used
            report.published = dt.date.fromisoformat(published[:10])


logger = logging.getLogger(__name__)


def parsed_from(report: Report, item: Any) -> str:
    """``page`` or ``attachment``: which input the report's tables were read from.

    The attachment stage says so with a ``tables_from_attachment`` warning when an attachment's
    reading won; a spider may also set ``item["parsed_from"]``; a report linked straight to its
    file has no page at all.
    """
    explicit = item.get("parsed_from")
    if explicit in ("page", "attachment"):
        return str(explicit)
    if any(warning.code == "tables_from_attachment" for warning in report.warnings):
        return "attachment"
    if not item.get("html") and report.source_url in (item.get("attachments") or []):
        return "attachment"
    return "page"


class StorePipeline:
    """Save ``item["report"]`` and record the outcome in ``item["stored"]``."""

    def __init__(
        self,
        database_url: str,
        stats: StatsCollector | None = None,
        crawler: Crawler | None = None,
    ) -> None:
        self.database_url = database_url
        self.stats = stats
        self.crawler = crawler
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        settings = crawler.settings if crawler is not None else None
        #: Reports written per transaction (1: each alone, as it arrives).
        self.batch_size = settings.getint("NIANBAO_STORE_BATCH", 1) if settings else 1
        #: The longest a report waits for its batch to fill.
        self.batch_seconds = (
            settings.getfloat("NIANBAO_STORE_BATCH_SECONDS", 2.0) if settings else 2.0
        )
        self.pending: list[tuple[Any, Deferred[Any]]] = []
        self.timer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("NIANBAO_DATABASE_URL")
        if not url:
            raise NotConfigured("NIANBAO_DATABASE_URL is empty: reports will not be stored")
        return cls(url, stats=crawler.stats, crawler=crawler)

    # Scrapy 2.14+ calls these without a spider and warns about methods that require one;
    # the optional argument keeps Scrapy 2.13 (which still passes it) working.
    def open_spider(self, spider: Spider | None = None) -> None:
        self.engine = make_engine(self.database_url)
        upgrade(self.engine)
        self.sessions = session_factory(self.engine)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.flush()  # whatever is still waiting for its batch is written before closing
        if self.engine is not None:
            try:
                analyze(self.engine)  # planner statistics for the analysts' joins
            except Exception:  # statistics are an optimisation; never fail a crawl on them
                logger.exception("ANALYZE after the crawl failed")
            self.engine.dispose()
        self.engine = None
        self.sessions = None

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(STAT_PREFIX + key)

    def _spider_name(self, item: Any) -> str | None:
        name = item.get("spider")
        if not name and self.crawler is not None and self.crawler.spider is not None:
            name = self.crawler.spider.name
        return name or None

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        """Store the item's report: at once (``NIANBAO_STORE_BATCH`` 1), or with the next
        batch, returning an awaitable that completes when the batch is written (Scrapy
        deprecates a Deferred here: it is handed over as the reactor's future)."""
        outcome = self.store_or_wait(item)
        if isinstance(outcome, Deferred):
            return maybe_deferred_to_future(outcome)
        return outcome

    def store_or_wait(self, item: Any) -> Any:
        """The stored item, or (batching) a Deferred that fires with it, or fails with the
        item's own error, when its batch is written."""
        report = item.get("report")
        if not isinstance(report, Report):
            self._inc("no_report")
            raise DropItem(f"no parsed report to store for {item.get('source_url')}")
        if self.sessions is None:
            raise RuntimeError("StorePipeline.process_item called before open_spider")
        _fill_from_item(report, item)
        if self.batch_size <= 1:
            return self._one(item, report)
        waiting: Deferred[Any] = Deferred()
        self.pending.append((item, waiting))
        if len(self.pending) >= self.batch_size:
            self.flush()
        elif self.timer is None:
            from twisted.internet import reactor

            self.timer = reactor.callLater(self.batch_seconds, self.flush)
        return waiting

    def _one(self, item: Any, report: Report) -> Any:
        assert self.sessions is not None
        try:
            with self.sessions() as session:
                outcome = save_report(
                    session,
                    report,
                    spider=self._spider_name(item),
                    portal=item.get("portal"),
                    parsed_from=parsed_from(report, item),
                )
        except UnkeyedReport as exc:
            raise self._unkeyed(report, exc) from exc
        except Exception:
            # Scrapy logs the traceback ("Error processing ..."); the transaction is rolled back.
            self._inc("error")
            raise
        return self._stored(item, report, outcome)

    def flush(self) -> None:
        """Write the pending items' reports as one batch (:func:`~.db.bulk.save_reports`) and
        fire each item's Deferred with its own outcome: a report that failed fails its item
        only."""
        if self.timer is not None:
            if self.timer.active():
                self.timer.cancel()
            self.timer = None
        pending, self.pending = self.pending, []
        if not pending or self.sessions is None:
            return
        reports = [item["report"] for item, _ in pending]
        try:
            with self.sessions() as session:
                outcomes = save_reports(
                    session,
                    reports,
                    spider=[self._spider_name(item) for item, _ in pending],
                    portal=[item.get("portal") for item, _ in pending],
                    parsed_from=[
                        parsed_from(r, i) for r, (i, _) in zip(reports, pending, strict=True)
                    ],
                )
        except Exception as exc:  # the batch as a whole (the database went away)
            logger.error("a batch of %d reports could not be stored: %s", len(pending), exc)
            outcomes = [exc] * len(pending)
        for (item, waiting), report, outcome in zip(pending, reports, outcomes, strict=True):
            if isinstance(outcome, UnkeyedReport):
                waiting.errback(self._unkeyed(report, outcome))
            elif isinstance(outcome, Exception):
                self._inc("error")
                waiting.errback(outcome)
            else:
                waiting.callback(self._stored(item, report, outcome))

    def _unkeyed(self, report: Report, exc: UnkeyedReport) -> DropItem:
        self._inc("unkeyed")
        report.warn("unkeyed", str(exc))
        return DropItem(f"not stored: {exc}")

    def _stored(self, item: Any, report: Report, outcome: str) -> Any:
        item["stored"] = outcome
        self._inc(outcome)
        if outcome == "kept_stored":
            logger.warning(
                "%s %s: %s reads worse than the stored report; stored one kept",
                report.authority,
                report.report_year,
                item.get("source_url"),
            )
        elif outcome == "conflict":
            logger.warning(
                "%s %s: %s conflicts with a stored report; kept as a conflict revision "
                "(nianbao revisions shows it)",
                report.authority,
                report.report_year,
                item.get("source_url"),
            )
        return item
