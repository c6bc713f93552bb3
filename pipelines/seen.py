"""Seen stage (950, after store): remember a stored report page for tomorrow's crawl.

Only a page whose report the store pipeline saved (new, updated, unchanged, or kept because the
page read worse than the stored report) enters the seen-set, with the validators and body hash
it was fetched with (handed over by :class:`~nianbao.crawler.middlewares.incremental.
IncrementalMiddleware`). A page dropped on the way (empty, unparsable, no key, a database error)
is not recorded, so the next night fetches it in full again. This pipeline also loads the
seen-set when the spider opens, after the store pipeline brought the schema up to date.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import NotConfigured

from nianbao.crawler.middlewares.incremental import Seen, SeenSet

from .db import make_engine, session_factory, upgrade
from .db.nightly import load_seen, record_seen

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

STORED_OUTCOMES = frozenset({"new", "updated", "unchanged", "kept_stored"})
STAT_RECORDED = "nianbao/seen/recorded"


class SeenPipeline:
    def __init__(self, crawler: Crawler, database_url: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.seen = SeenSet.of(crawler)
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        url = settings.get("NIANBAO_DATABASE_URL")
        if not url or not settings.getbool("NIANBAO_INCREMENTAL"):
            raise NotConfigured
        if settings.getbool("CASSETTE_ENABLED"):
            raise NotConfigured
        return cls(crawler, url)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.engine = make_engine(self.database_url)
        upgrade(self.engine)
        self.sessions = session_factory(self.engine)
        spider = spider if spider is not None else self.crawler.spider
        name = spider.name if spider is not None else self.crawler.spidercls.name
        # A broad crawl runs many portal spiders in one (crawler/spiders/broad.py).
        names = set(getattr(spider, "spider_names", None) or [name])
        with self.sessions() as session:
            everything = load_seen(session, None if len(names) > 1 else name)
            rows = {url: row for url, row in everything.items() if row.spider in names}
            self.seen.load(
                {url: Seen(r.etag, r.last_modified, r.body_sha256) for url, r in rows.items()}
            )

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.engine is not None:
            self.engine.dispose()
        self.engine = self.sessions = None

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if item.get("stored") not in STORED_OUTCOMES or self.sessions is None:
            return item
        fetch = self.seen.take(item.get("source_url") or "")
        if fetch is None:
            return item
        report = item.get("report")
        with self.sessions() as session:
            record_seen(
                session,
                fetch.urls,
                spider=item.get("spider"),
                etag=fetch.etag,
                last_modified=fetch.last_modified,
                body_sha256=fetch.body_sha256,
                outcome=item["stored"],
                authority=getattr(report, "authority", None),
                report_year=getattr(report, "report_year", None),
            )
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(STAT_RECORDED)
        return item
