"""Parse stage (200): the page becomes a structured :class:`~nianbao.parsers.Report`.

The parser runs in a worker thread (:mod:`.workers`) within ``NIANBAO_PARSE_TIMEOUT`` seconds;
a page over it is stored anyway, with what the spider knew (title, authority, year), the clean
stage's text and a ``parse_timeout`` warning, so the page is never lost and ``nianbao reparse``
can read it again from the WARC capture.
"""

from __future__ import annotations

from typing import Any, NoReturn

from scrapy.exceptions import DropItem

from nianbao.crawler.items import ReportPage, labelled_year
from nianbao.parsers import ParseError, parse_html
from nianbao.parsers.html_rows import rough_text
from nianbao.parsers.model import Report

from .workers import BudgetedStage, OverBudget, in_worker

_HINTS = ("title", "authority", "report_year", "published", "source_url")


def parse_page(item: ReportPage) -> Report:
    """The page's report (this runs in a worker thread: it touches no Scrapy state)."""
    hints = {key: item.get(key) for key in _HINTS if item.get(key)}
    return parse_html(
        item["html"], url=item.get("source_url"), hints=hints, clean_text=item.get("text")
    )


def timed_out_report(item: ReportPage, detail: str) -> Report:
    """What is stored for a page the parser did not finish: its labels and text, no tables
    (the clean stage's text, or the page's rough text when clean-up ran out of time too)."""
    report = Report(
        source_url=item.get("source_url"),
        title=item.get("title"),
        authority=item.get("authority"),
        text=item.get("text") or rough_text(item.get("html") or ""),
    )
    report.report_year = labelled_year(item)
    report.warn("parse_timeout", f"{detail}; the raw page is kept, `nianbao reparse` retries it")
    return report


class ParsePipeline(BudgetedStage):
    """Sets ``item["report"]``. Tables come from the page's HTML grid (cells keep their
    positions), prose and the stored text from the clean stage's text. The layout each table
    was read from is counted as ``nianbao/parse/layout/<table>/<layout>``; pages over the time
    budget as ``nianbao/parse/timeout``."""

    async def process_item(self, item: ReportPage, spider: Any = None) -> ReportPage:
        """The stage in a crawl: the parser in a worker thread, within the time budget."""
        try:
            report = await in_worker(parse_page, item, budget=self.budget)
        except ParseError as error:
            self._unparsable(item, error)
        except OverBudget as error:
            self.stats.inc_value("nianbao/parse/timeout")
            report = timed_out_report(item, f"parser {error}")
        return self._finish(item, report)

    def read(self, item: ReportPage) -> ReportPage:
        """The same stage in the calling thread, for callers without a reactor (tests)."""
        try:
            report = parse_page(item)
        except ParseError as error:
            self._unparsable(item, error)
        return self._finish(item, report)

    def _unparsable(self, item: ReportPage, error: ParseError) -> NoReturn:
        self.stats.inc_value("nianbao/parse/error")
        raise DropItem(f"unparsable page {item.get('source_url')}: {error}") from error

    def _finish(self, item: ReportPage, report: Report) -> ReportPage:
        for family, table in report.tables.items():
            self.stats.inc_value(f"nianbao/parse/layout/{family}/{table.layout}")
        for warning in report.warnings:
            self.stats.inc_value(f"nianbao/parse/warning/{warning.code}")
        if not report.tables:
            self.stats.inc_value("nianbao/parse/no_tables")
        item["report"] = report
        return item
