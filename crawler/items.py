"""The item every spider yields: one report page as fetched, before any cleaning or parsing.

Spiders only fetch and label; the pipelines add ``text`` (clean), ``report`` (parse and
validate) and ``stored`` (store). Fields hold plain values so that Scrapy's feed exports
(``scrapy crawl NAME -O reports.jsonl``) give a useful list even without the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import scrapy


def _report_to_dict(report: object) -> object:
    """Feed exporters get the JSON shape of ``nianbao parse``, not the dataclass."""
    to_dict = getattr(report, "to_dict", None)
    return to_dict() if callable(to_dict) else report


def labelled_year(item: Mapping[str, Any]) -> int | None:
    """The year a spider labelled the page with (``2024`` or ``"2024"``) as a number; None when
    the label is absent or not a number. The Report's year is typed (the compiled parsers
    enforce it), so the label is converted before it is set."""
    year = item.get("report_year")
    if isinstance(year, int):
        return year
    if isinstance(year, str) and year.strip().isdigit():
        return int(year)
    return None


class ReportPage(scrapy.Item):
    # Set by the spider.
    spider = scrapy.Field()  # spider name
    portal = scrapy.Field()  # portal's human name, e.g. 泸定县人民政府
    source_url = scrapy.Field()
    title = scrapy.Field()
    authority = scrapy.Field()  # from the title or the spider's defaults
    report_year = scrapy.Field()
    published = scrapy.Field()  # ISO date string or None
    attachments = scrapy.Field()  # list of absolute URLs
    attachment_files = scrapy.Field()  # download stage: url, path, content_type / error, code
    html = scrapy.Field()  # decoded page body
    fetched_at = scrapy.Field()  # ISO timestamp
    # Added by the pipelines.
    text = scrapy.Field()  # clean text (clean stage)
    report = scrapy.Field(serializer=_report_to_dict)  # parsers.model.Report (parse stage)
    stored = scrapy.Field()  # new / updated / unchanged (store stage)
