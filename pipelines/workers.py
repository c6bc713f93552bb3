"""Work the reactor thread must not do: parsing and attachment reading, in worker threads.

One slow page (a whole report in one layout cell, a scanned PDF to OCR) would otherwise stop
every download, timer and heartbeat of the crawl while it is read. Each piece of work has a
time budget; past it the awaiting pipeline gets :class:`OverBudget` and stores what it has with
a warning, so the item is never lost.

A thread cannot be killed: work over budget keeps its worker until it returns (the parsers are
linear in their input and the attachment readers bounded, so it does return) and its late
result is dropped. The workers are Twisted's reactor thread pool (``REACTOR_THREADPOOL_MAXSIZE``),
so stuck work can at worst slow parsing down, never the downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.threads import deferToThread

T = TypeVar("T")


class OverBudget(Exception):
    """Work sent to a worker thread did not finish within its time budget."""


class BudgetedStage:
    """A pipeline stage whose work runs in a worker within ``NIANBAO_PARSE_TIMEOUT`` seconds
    (the clean and parse stages share the one budget setting)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.budget = crawler.settings.getfloat("NIANBAO_PARSE_TIMEOUT", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)


async def in_worker(function: Callable[..., T], *args: Any, budget: float, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in the reactor's thread pool, awaited from a pipeline.

    Raises :class:`OverBudget` after ``budget`` seconds (0 or less: no budget); the thread
    then runs on to its end and its result is dropped (Twisted ignores a late callback on a
    cancelled Deferred).
    """
    from twisted.internet import reactor

    deferred = deferToThread(function, *args, **kwargs)
    if budget > 0:
        deferred.addTimeout(budget, reactor)
    try:
        return await maybe_deferred_to_future(deferred)
    except defer.TimeoutError as error:
        raise OverBudget(f"not done within {budget:g} s") from error
