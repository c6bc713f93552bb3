"""Settings that depend on the mode and the spider, decided once per crawler.

``scrapy crawl`` and ``nianbao crawl`` both read ``crawler/settings.py``, but some choices can
only be made when a crawler exists: which spider it runs (its job directory) and which mode it
is in (a cassette replay must re-read every page, so neither the HTTP cache nor the seen-set
may skip any). Scrapy add-ons run exactly there, for every entry point, so these rules live in
one add-on instead of in the command line. A value given with ``-s`` always wins.

- Cassettes on (replay or record): ``HTTPCACHE_ENABLED`` and ``NIANBAO_INCREMENTAL`` off, no
  job directory.
- ``NIANBAO_JOBS_DIR`` set: ``JOBDIR`` is ``<NIANBAO_JOBS_DIR>/<spider>`` (pause/resume).
- ``NIANBAO_REDIS_URL`` set: scrapy-redis's scheduler and duplicate filter, keyed by
  ``NIANBAO_RUN_ID`` so that the workers of one night share one queue and the next night starts
  empty (see :mod:`nianbao.crawler.extensions.redis_idle`); no job directory (the queue is in
  Redis).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Self

from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.project import data_path

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: Above the project settings file, below ``-s`` on the command line.
_PRIORITY = "spider"


def _decide(settings: Settings, name: str, value: Any) -> None:
    """Set ``name`` unless the user set it on the command line (or a spider did)."""
    if (settings.getpriority(name) or 0) <= SETTINGS_PRIORITIES["project"]:
        settings.set(name, value, priority=_PRIORITY)


def default_run_id(now: dt.datetime | None = None) -> str:
    """The night a worker belongs to: its UTC date (workers started the same night agree)."""
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d")


def redis_key(settings: Settings, what: str) -> str:
    run = settings.get("NIANBAO_RUN_ID") or default_run_id()
    return f"nianbao:{run}:%(spider)s:{what}"


class NightlyAddon:
    def __init__(self, spider_name: str) -> None:
        self.spider_name = spider_name

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(getattr(crawler.spidercls, "name", "spider"))

    def update_settings(self, settings: Settings) -> None:
        if settings.getbool("CASSETTE_ENABLED"):
            _decide(settings, "HTTPCACHE_ENABLED", False)
            _decide(settings, "NIANBAO_INCREMENTAL", False)
            return
        if settings.get("NIANBAO_REDIS_URL"):
            self._redis(settings)
        elif settings.get("NIANBAO_JOBS_DIR") and not settings.get("JOBDIR"):
            jobs = data_path(settings.get("NIANBAO_JOBS_DIR"), createdir=True)
            _decide(settings, "JOBDIR", f"{jobs}/{self.spider_name}")

    def _redis(self, settings: Settings) -> None:
        _decide(settings, "SCHEDULER", "scrapy_redis.scheduler.Scheduler")
        _decide(settings, "DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
        _decide(settings, "REDIS_URL", settings.get("NIANBAO_REDIS_URL"))
        # Several workers share the keys: none may delete them when it finishes first.
        _decide(settings, "SCHEDULER_PERSIST", True)
        _decide(settings, "SCHEDULER_QUEUE_KEY", redis_key(settings, "requests"))
        _decide(settings, "SCHEDULER_DUPEFILTER_KEY", redis_key(settings, "dupefilter"))
