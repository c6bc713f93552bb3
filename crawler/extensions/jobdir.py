"""Make ``JOBDIR`` safe for nightly crawls: resume after a stop, start afresh after a finish.

Scrapy's job directory keeps the request queue and the set of requests already seen, so a crawl
stopped with SIGTERM or Ctrl-C (systemd stopping the service, an operator) resumes where it
stopped. Two cases would go wrong with a bare ``JOBDIR`` in a nightly job:

- After a crawl *finishes*, its seen-set stays: the next night every start page would be a
  "duplicate" and nothing would be crawled. So a finished crawl's job directory is removed.
- After a *hard* kill (SIGKILL, power loss) the queue was never written out, while part of the
  seen-set may have been: resuming would drop the lost requests as duplicates, losing reports.
  So a job directory whose crawl did not close cleanly is discarded, and the crawl starts over;
  the database's seen-set (``NIANBAO_INCREMENTAL``) makes that cheap, since every report already
  stored is answered 304 or skipped.

A marker file holding the crawling process's id tells the two apart; a marker naming a process
that is still alive means another crawl is using the directory, which is refused.
Stats: ``nianbao/jobdir/resumed``, ``nianbao/jobdir/discarded``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MARKER = "nianbao.running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare(path: Path) -> str:
    """Get ``path`` ready for a crawl; return ``"fresh"``, ``"resumed"`` or ``"discarded"``."""
    marker = path / MARKER
    state = "fresh"
    if marker.exists():
        try:
            pid = int(marker.read_text().strip() or 0)
        except ValueError:
            pid = 0
        if pid and pid != os.getpid() and _alive(pid):
            raise RuntimeError(f"job directory {path} is in use by running process {pid}")
        shutil.rmtree(path)
        state = "discarded"
    elif path.is_dir() and any(path.iterdir()):
        state = "resumed"
    path.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()))
    return state


class JobDirGuard:
    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        state = prepare(path)
        if state != "fresh":
            assert crawler.stats is not None
            crawler.stats.set_value(f"nianbao/jobdir/{state}", 1)
        if state == "discarded":
            logger.warning(
                "Job directory %s belonged to a crawl that was killed hard; starting over "
                "(Scrapy writes its request queue only on a clean stop, so the state left is "
                "not consistent; reports already stored are not fetched again)",
                path,
            )
        elif state == "resumed":
            logger.info("Resuming the crawl stopped in %s", path)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = job_dir(crawler.settings)
        if not path:
            raise NotConfigured
        return cls(crawler, Path(path))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason == "finished":
            shutil.rmtree(self.path, ignore_errors=True)
            return
        with contextlib.suppress(FileNotFoundError):
            (self.path / MARKER).unlink()
        logger.info("Crawl state kept in %s (%s): the next run resumes it", self.path, reason)
