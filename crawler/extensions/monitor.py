"""Record every spider's run in the database and raise the monitor's flags when it closes.

``nianbao crawl`` opens a ``crawl_run`` row before the spiders start and passes its id in
``NIANBAO_RUN_RECORD``; a plain ``scrapy crawl`` has none, so this extension opens (and closes)
one itself, and sends the alerts itself. When a spider closes, its figures
(:func:`nianbao.crawler.monitor.spider_figures`) and flags are written to ``crawl_run_spider``
and the flags are logged as errors. Without a database the flags are only logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from nianbao.crawler.monitor import flags, spider_figures
from nianbao.crawler.notify import notify

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


class RunMonitor:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.database_url = settings.get("NIANBAO_DATABASE_URL") or ""
        self.threshold = settings.getfloat("NIANBAO_ERROR_RATE_THRESHOLD")
        self.run_id: int | None = settings.getint("NIANBAO_RUN_RECORD") or None
        self.owns_run = False
        self.started = dt.datetime.now(dt.UTC)
        self.flags: list[dict[str, str]] = []
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _sessions(self) -> Any:
        from nianbao.pipelines.db import make_engine, session_factory, upgrade

        engine = make_engine(self.database_url)
        upgrade(engine)
        return engine, session_factory(engine)

    def spider_opened(self, spider: Spider) -> None:
        self.started = dt.datetime.now(dt.UTC)
        if self.run_id is not None or not self.database_url:
            return
        from nianbao.pipelines.db.nightly import start_run

        engine, sessions = self._sessions()
        try:
            with sessions() as session:
                self.run_id = start_run(session, " ".join(sys.argv))
            self.owns_run = True
        finally:
            engine.dispose()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        stats.setdefault("finish_reason", reason)
        figures = spider_figures(stats)
        history: list[float] = []
        if self.database_url and self.run_id is not None:
            self._record(spider.name, stats, figures, history)
        else:
            self.flags = flags(figures, history, self.threshold)
        for flag in self.flags:
            logger.error("FLAG %s: %s: %s", spider.name, flag["flag"], flag["detail"])
        if self.owns_run and self.flags:
            notify(self.crawler.settings, self.run_id, {spider.name: self.flags})

    def _record(
        self, name: str, stats: dict[str, Any], figures: dict[str, Any], history: list[float]
    ) -> None:
        from nianbao.pipelines.db.nightly import finish_run, previous_error_rates, record_spider

        assert self.run_id is not None
        engine, sessions = self._sessions()
        try:
            with sessions() as session:
                history.extend(previous_error_rates(session, name, self.run_id))
                self.flags = flags(figures, history, self.threshold)
                record_spider(
                    session,
                    self.run_id,
                    {
                        **figures,
                        "spider": name,
                        "started_at": self.started,
                        "finished_at": dt.datetime.now(dt.UTC),
                        "flags": self.flags,
                        "stats": {k: _jsonable(v) for k, v in stats.items()},
                    },
                )
                portals = getattr(self.crawler.spider, "portal_stats", None)
                if callable(portals):
                    self._record_portals(session, portals())
                if self.owns_run:
                    status = "finished" if figures["finish_reason"] == "finished" else "failed"
                    finish_run(session, self.run_id, status)
        finally:
            engine.dispose()

    def _record_portals(self, session: Any, portals: dict[str, dict[str, Any]]) -> None:
        """A broad crawl's portals, one row each (crawler/spiders/broad.py), so that a dead,
        blocked or emptied portal is flagged under its own name; flags logged as errors."""
        from nianbao.pipelines.db.nightly import previous_error_rates, record_spiders

        rows = []
        assert self.run_id is not None
        for name, stats in portals.items():
            figures = spider_figures(stats)
            history = previous_error_rates(session, name, self.run_id)
            found = flags(figures, history, self.threshold)
            for flag in found:
                logger.error("FLAG %s: %s: %s", name, flag["flag"], flag["detail"])
            rows.append(
                {
                    **figures,
                    "spider": name,
                    "started_at": self.started,
                    "finished_at": dt.datetime.now(dt.UTC),
                    "flags": found,
                    "stats": {k: _jsonable(v) for k, v in stats.items()},
                }
            )
        record_spiders(session, self.run_id, rows)
