"""Validate stage (300): flag reports that break their own 勾稽关系; never correct them."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from nianbao.crawler.items import ReportPage
from nianbao.parsers.spec import rules

logger = logging.getLogger(__name__)


class ValidatePipeline:
    """Counts each failed rule as ``nianbao/validate/fail/<RULE>`` and logs hard failures.

    A broken report is still stored (the break is itself data). Under ``NIANBAO_STRICT`` the
    crawl is marked failed (``nianbao/validate/strict_failures``), which ``nianbao crawl``
    turns into a non-zero exit status.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.strict = crawler.settings.getbool("NIANBAO_STRICT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: ReportPage) -> ReportPage:
        report = item["report"]
        specs = rules()
        hard_failures = []
        for check in report.checks:
            self.stats.inc_value(f"nianbao/validate/{check.status}")
            if check.status != "fail":
                continue
            self.stats.inc_value(f"nianbao/validate/fail/{check.rule}")
            if specs.get(check.rule, {}).get("severity") == "hard":
                hard_failures.append(check)
        if hard_failures:
            self.stats.inc_value("nianbao/validate/reports_failing")
            logger.warning(
                "%s %s (%s) breaks %s",
                report.authority,
                report.report_year,
                item.get("source_url"),
                "; ".join(f"{c.rule}[{c.binding}]: {c.detail}" for c in hard_failures),
            )
            if self.strict:
                self.stats.inc_value("nianbao/validate/strict_failures")
        return item
