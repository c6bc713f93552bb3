"""Dates as government pages print them: 2020年08月02日, 2020-09-11 08:38, 2023/1/16.

The spider labels a report page with its publication date and the parser reads the date
again from the page's text; both read dates with :func:`to_date` and recognise the labels of
:data:`PUBLISHED_LABELS`, so the two never disagree on what a date or a publication label is.
Pure: no Scrapy.
"""

from __future__ import annotations

import datetime as dt
import re

DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
#: Labels that say the date after them is the publication date (an alternation, for regexes).
PUBLISHED_LABELS = "发布日期|发布时间|公开日期|发文日期|成文日期"


def to_date(text: str | None) -> dt.date | None:
    """The first date in ``text``, or None (also when it is no calendar date: 2023-02-30)."""
    match = DATE.search(text or "")
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def iso_date(text: str | None) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD`` (2020年08月02日, 2020-09-11 08:38 …)."""
    date = to_date(text)
    return date.isoformat() if date else None
