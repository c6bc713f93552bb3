"""Clean stage (100): the article text of the page, chrome stripped, tables kept.

trafilatura runs in a worker thread (:mod:`.workers`) within ``NIANBAO_PARSE_TIMEOUT``: a page
of several megabytes takes it seconds, which in the reactor thread would stop the crawl. Past
the budget the page goes on without a clean text (``nianbao/clean/timeout``); the parse stage
then stores the page's own text, chrome rows stripped.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from nianbao.crawler.items import ReportPage
from nianbao.parsers.clean import CleanText, clean_page

from .workers import BudgetedStage, OverBudget, in_worker

logger = logging.getLogger(__name__)


class CleanPipeline(BudgetedStage):
    """Sets ``item["text"]``; counts which method kept the tables (``nianbao/clean/<method>``)."""

    async def process_item(self, item: ReportPage, spider: Any = None) -> ReportPage:
        """The stage in a crawl: trafilatura in a worker thread, within the time budget."""
        html = self._html(item)
        if html is None:
            return item
        try:
            cleaned = await in_worker(clean_page, html, budget=self.budget)
        except OverBudget as error:
            self.stats.inc_value("nianbao/clean/timeout")
            logger.warning(
                "clean-up of %s %s: the page's own text is kept", item.get("source_url"), error
            )
            return item
        return self._finish(item, cleaned)

    def read(self, item: ReportPage) -> ReportPage:
        """The same stage in the calling thread, for callers without a reactor (tests)."""
        html = self._html(item)
        return item if html is None else self._finish(item, clean_page(html))

    def _html(self, item: ReportPage) -> str | None:
        """The page to clean; ``None`` when there is none to clean (or drops the item)."""
        html = item.get("html")
        if not html and item.get("attachments"):
            # A report linked straight to its file: the attachment stage reads it.
            item["text"] = ""
            self.stats.inc_value("nianbao/clean/attachment_only")
            return None
        if not html:
            self.stats.inc_value("nianbao/clean/empty")
            raise DropItem(f"empty page: {item.get('source_url')}")
        return html

    def _finish(self, item: ReportPage, cleaned: CleanText) -> ReportPage:
        item["text"] = cleaned.text
        self.stats.inc_value(f"nianbao/clean/{cleaned.method}")
        return item
