"""Retries that wait longer each time, so a struggling county server gets room to recover.

Scrapy's RetryMiddleware re-schedules a failed request at once; with 1–2 requests per domain
that still hammers a server that answers 503 or times out. This subclass keeps Scrapy's rules
(which statuses and exceptions are retried, ``RETRY_TIMES``, ``retry/*`` stats) and only
delays each retry by ``NIANBAO_RETRY_BACKOFF_BASE * 2 ** (attempt - 1)`` seconds, capped at
``NIANBAO_RETRY_BACKOFF_MAX``. The wait is a timer on the reactor: other domains keep going.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from twisted.internet import defer, task

STAT_BACKOFF = "nianbao/retry/backoff_seconds"


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose retries wait (exponential back-off, see the module docstring)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("NIANBAO_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("NIANBAO_RETRY_BACKOFF_MAX", 60.0)
        self.clock: Any = None  # the reactor; a test may put a task.Clock here

    def backoff(self, request: Request) -> float:
        """Seconds to wait before sending ``request``, a retry (its ``retry_times`` is set)."""
        attempt = max(int(request.meta.get("retry_times", 1)), 1)
        return min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)

    def _later(self, result: Request | Response) -> Request | Response | defer.Deferred[Any]:
        if not isinstance(result, Request) or self.backoff_base <= 0:
            return result
        delay = self.backoff(result)
        stats = getattr(self, "crawler", None) and self.crawler.stats
        if stats:
            stats.inc_value(STAT_BACKOFF, delay)
        if self.clock is None:
            from twisted.internet import reactor

            self.clock = reactor
        return task.deferLater(self.clock, delay, lambda: result)

    def process_response(self, request: Request, response: Response) -> Any:
        return self._later(super().process_response(request, response))

    def process_exception(self, request: Request, exception: Exception) -> Any:
        result = super().process_exception(request, exception)
        return result if result is None else self._later(result)
