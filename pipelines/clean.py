"""Clean stage (100): the article text of the page, chrome stripped, tables kept."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from nianbao.crawler.items import ReportPage
from nianbao.parsers.clean import clean_page


class CleanPipeline:
    """Sets ``item["text"]``; counts which method kept the tables (``nianbao/clean/<method>``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def process_item(self, item: ReportPage) -> ReportPage:
        html = item.get("html")
        if not html and item.get("attachments"):
            # A report linked straight to its file: the attachment stage reads it.
            item["text"] = ""
            self.stats.inc_value("nianbao/clean/attachment_only")
            return item
        if not html:
            self.stats.inc_value("nianbao/clean/empty")
            raise DropItem(f"empty page: {item.get('source_url')}")
        cleaned = clean_page(html)
        item["text"] = cleaned.text
        self.stats.inc_value(f"nianbao/clean/{cleaned.method}")
        return item
