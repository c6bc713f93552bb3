"""Parse stage (200): the page becomes a structured :class:`~nianbao.parsers.Report`."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from nianbao.crawler.items import ReportPage
from nianbao.parsers import ParseError, parse_html

_HINTS = ("title", "authority", "report_year", "published", "source_url")


class ParsePipeline:
    """Sets ``item["report"]``. Tables come from the page's HTML grid (cells keep their
    positions), prose and the stored text from the clean stage's text. The layout each table
    was read from is counted as ``nianbao/parse/layout/<table>/<layout>``."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParsePipeline:
        return cls(crawler)

    def process_item(self, item: ReportPage) -> ReportPage:
        hints = {key: item.get(key) for key in _HINTS if item.get(key)}
        try:
            report = parse_html(
                item["html"], url=item.get("source_url"), hints=hints, clean_text=item.get("text")
            )
        except ParseError as error:
            self.stats.inc_value("nianbao/parse/error")
            raise DropItem(f"unparsable page {item.get('source_url')}: {error}") from error
        for family, table in report.tables.items():
            self.stats.inc_value(f"nianbao/parse/layout/{family}/{table.layout}")
        for warning in report.warnings:
            self.stats.inc_value(f"nianbao/parse/warning/{warning.code}")
        if not report.tables:
            self.stats.inc_value("nianbao/parse/no_tables")
        item["report"] = report
        return item
