"""Progress of a long crawl: one live line on a terminal, plain log lines otherwise.

A night over hundreds of portals takes hours. On a terminal the operator sees one line, redrawn
every second, summing every spider of the process: spiders done, pages fetched (and how many a
304 answered), reports new/updated/unchanged/skipped, faults, requests still queued. Log
records clear the line before they print, so the two never garble each other. When stderr is
not a terminal (cron, systemd, a pipe), the same figures go to the log every
``NIANBAO_PROGRESS_INTERVAL`` seconds instead, and once more when the last spider closes, so a
journal shows how far a night got and always ends with its final figures.

``NIANBAO_PROGRESS``: ``auto`` (live on a terminal, else log lines), ``live``, ``log``, ``off``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_CLEAR = "\r\x1b[K"
MODES = ("auto", "live", "log", "off")


def _sum(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def progress_figures(all_stats: list[Mapping[str, Any]]) -> dict[str, int]:
    """The figures of the progress line, summed over the crawlers' stats."""
    figures = dict.fromkeys(
        ("pages", "not_modified", "new", "updated", "unchanged", "skipped", "faults", "queued"), 0
    )
    for stats in all_stats:
        figures["pages"] += int(stats.get("response_received_count", 0))
        figures["not_modified"] += int(stats.get("nianbao/http/not_modified", 0))
        for outcome in ("new", "updated", "unchanged"):
            figures[outcome] += int(stats.get(f"nianbao/store/{outcome}", 0))
        figures["unchanged"] += int(stats.get("nianbao/store/kept_stored", 0))
        figures["skipped"] += _sum(stats, "nianbao/incremental/skipped")
        figures["faults"] += _sum(stats, "nianbao/fault/")
        figures["queued"] += int(stats.get("scheduler/enqueued", 0)) - int(
            stats.get("scheduler/dequeued", 0)
        )
    return figures


def progress_line(done: int, total: int, elapsed: float, figures: Mapping[str, int]) -> str:
    minutes, seconds = divmod(int(elapsed), 60)
    return (
        f"[{minutes:d}:{seconds:02d}] spiders {done}/{total} | pages {figures['pages']}"
        f" ({figures['not_modified']} not modified) | reports {figures['new']} new,"
        f" {figures['updated']} updated, {figures['unchanged']} unchanged,"
        f" {figures['skipped']} skipped | faults {figures['faults']}"
        f" | queued {max(figures['queued'], 0)}"
    )


class _ClearLine(logging.Filter):
    """Erase the live line before a log record is written under it."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def filter(self, record: logging.LogRecord) -> bool:
        Progress.clear(self.stream)
        return True


class Progress:
    """One instance per crawler; the first one of the process draws for all of them."""

    board: ClassVar[list[Progress]] = []
    drawn: ClassVar[bool] = False

    def __init__(self, crawler: Crawler, mode: str, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.mode = mode
        self.interval = interval
        self.stream = stream
        self.closed = False
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.filter: _ClearLine | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mode = crawler.settings.get("NIANBAO_PROGRESS", "auto")
        if mode not in MODES:
            raise NotConfigured(f"NIANBAO_PROGRESS must be one of {', '.join(MODES)}")
        stream = sys.stderr
        if mode == "auto":
            mode = "live" if stream.isatty() else "log"
        if mode == "off":
            raise NotConfigured
        interval = 1.0 if mode == "live" else crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL")
        return cls(crawler, mode, interval, stream)

    @classmethod
    def clear(cls, stream: TextIO) -> None:
        if cls.drawn:
            stream.write(_CLEAR)
            stream.flush()
            cls.drawn = False

    def spider_opened(self, spider: Spider) -> None:
        self.board.append(self)
        self.started = self.board[0].started  # one clock for the whole process
        if len([p for p in self.board if not p.closed]) > 1 and any(
            p.loop is not None for p in self.board
        ):
            return  # another crawler of this process draws
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)
        if self.mode == "live":
            self.filter = _ClearLine(self.stream)
            for handler in logging.getLogger().handlers:
                handler.addFilter(self.filter)

    def line(self) -> str:
        stats = [p.crawler.stats.get_stats() for p in self.board if p.crawler.stats]
        done = sum(1 for p in self.board if p.closed)
        return progress_line(
            done, len(self.board), time.monotonic() - self.started, progress_figures(stats)
        )

    def tick(self) -> None:
        text = self.line()
        if self.mode == "live":
            self.stream.write(_CLEAR + text)
            self.stream.flush()
            type(self).drawn = True
        else:
            logger.info("Progress: %s", text)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.closed = True
        if self.loop is None:
            return
        if all(p.closed for p in self.board):
            self.loop.stop()
            if self.mode == "log":
                self.tick()  # the journal ends with the night's final figures, however short
            self.clear(self.stream)
            if self.filter is not None:
                for handler in logging.getLogger().handlers:
                    handler.removeFilter(self.filter)
            return
        # Hand the drawing over to a crawler that is still running.
        self.loop.stop()
        self.loop = None
        successor = next(p for p in self.board if not p.closed)
        successor.filter = self.filter
        successor.loop = task.LoopingCall(successor.tick)
        successor.loop.start(successor.interval, now=False)
