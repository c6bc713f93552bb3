"""Main-content text of a report page, without portal chrome, with its tables intact.

trafilatura finds the article and drops navigation; its text output keeps each table row as
``cell | cell`` lines, the shape the table readers take. When trafilatura loses the report
(no result, or the table anchors of the page are missing from its output), the page's own text
walk is used instead, so cleaning never costs a table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import trafilatura

from .chrome import strip_chrome
from .html_rows import parse_html_document, rows_from_html

_TABLE_ANCHORS = ("本年新收政府信息公开申请数量", "未经复议直接起诉", "第二十条第")


@dataclass(slots=True)
class CleanText:
    text: str
    method: str  # "trafilatura" or "walk"


def _walk_text(html: str) -> str:
    rows = rows_from_html(parse_html_document(html))
    return strip_chrome("\n".join(row.line for row in rows))


def _anchors(text: str) -> set[str]:
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return {anchor for anchor in _TABLE_ANCHORS if anchor in flat}


def clean_page(html: str) -> CleanText:
    """The article text of a page; falls back to the full walk when trafilatura drops tables."""
    extracted = trafilatura.extract(
        html,
        output_format="txt",
        include_tables=True,
        include_comments=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    walked = _walk_text(html)
    if extracted:
        text = strip_chrome(extracted)
        if text and _anchors(walked) <= _anchors(text):
            return CleanText(text, "trafilatura")
    return CleanText(walked, "walk")
