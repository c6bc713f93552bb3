"""Scale-out workers on one shared scrapy-redis queue: stay while the others may add work.

With scrapy-redis every worker pops requests from one Redis list and checks one Redis set of
seen requests, so each page is fetched by exactly one worker. A worker whose share is done
would close at once, though another worker may still be reading a list page whose report links
are about to be queued; this extension keeps an idle worker open while the queue holds requests
or another worker of the same run is still crawling, for at most ``NIANBAO_REDIS_IDLE_WAIT``
seconds of idleness in a row. When a worker closes, the run's keys get a time to live
(``NIANBAO_REDIS_TTL``) so that Redis does not keep every night's seen-set for ever.

Keys (``NIANBAO_RUN_ID`` defaults to the UTC date): ``nianbao:<run>:<spider>:requests``,
``…:dupefilter`` and ``…:workers`` (the workers still open).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from nianbao.crawler.addon import redis_key

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class RedisWorkers:
    def __init__(self, crawler: Crawler, server: Redis, idle_wait: float, ttl: int) -> None:
        self.crawler = crawler
        self.server = server
        self.idle_wait = idle_wait
        self.ttl = ttl
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.idle_since: float | None = None
        self.keys: dict[str, str] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.busy, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.get("NIANBAO_REDIS_URL"):
            raise NotConfigured
        from scrapy_redis.connection import get_redis_from_settings

        return cls(
            crawler,
            get_redis_from_settings(settings),
            settings.getfloat("NIANBAO_REDIS_IDLE_WAIT"),
            settings.getint("NIANBAO_REDIS_TTL"),
        )

    def spider_opened(self, spider: Spider) -> None:
        settings = self.crawler.settings
        names = {"requests": "SCHEDULER_QUEUE_KEY", "dupefilter": "SCHEDULER_DUPEFILTER_KEY"}
        for what, setting in names.items():
            self.keys[what] = (settings.get(setting) or redis_key(settings, what)) % {
                "spider": spider.name
            }
        self.keys["workers"] = redis_key(settings, "workers") % {"spider": spider.name}
        self.server.sadd(self.keys["workers"], self.worker)
        self.server.expire(self.keys["workers"], self.ttl)
        logger.info("Worker %s joined %s", self.worker, self.keys["requests"])

    def busy(self, **_: object) -> None:
        self.idle_since = None

    def spider_idle(self, spider: Spider) -> None:
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        queued = self.queued()
        others = {m.decode() for m in self.server.smembers(self.keys["workers"])} - {self.worker}
        if queued or (others and now - self.idle_since < self.idle_wait):
            raise DontCloseSpider

    def queued(self) -> int:
        """Requests in the shared queue (a sorted set for the priority queue, else a list)."""
        key = self.keys["requests"]
        kind = self.server.type(key)
        if kind in (b"zset", "zset"):
            return int(self.server.zcard(key))
        if kind in (b"list", "list"):
            return int(self.server.llen(key))
        return 0

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.server.srem(self.keys["workers"], self.worker)
        for key in self.keys.values():
            self.server.expire(key, self.ttl)
