"""Read Chinese pages that do not say their charset as GB18030, not as Windows-1252.

Many county portals serve GBK pages with a bare ``Content-Type: text/html`` and no ``<meta
charset>``. Scrapy then tries ASCII, UTF-8 and finally cp1252, which accepts any byte: the page
decodes to mojibake, its title stops naming a report and its tables are lost, and a worse
reading could reach the store. This middleware (order 585, after decompression) steps in only
when nothing declares an encoding and the body is not UTF-8: if it decodes as GB18030 (a
superset of GBK and GB2312) into text with Chinese in it, the response is re-labelled so.
Counted as ``nianbao/fault/undeclared_charset``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

from scrapy.http import Request, Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

STAT_GUESSED = "nianbao/fault/undeclared_charset"
GUESSED_ENCODING = "gb18030"
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Share of CJK among the non-ASCII characters that makes a GB18030 reading believable.
_MIN_CJK_SHARE = 0.5


def declared_encoding(response: TextResponse) -> str | None:
    """The encoding the header, a BOM or the page itself declares, if any."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    return (
        http_content_type_encoding(content_type)
        or read_bom(response.body)[0]
        or html_body_declared_encoding(response.body)
    )


def guess_chinese_encoding(body: bytes) -> str | None:
    """``gb18030`` when ``body`` is not UTF-8 but reads as Chinese in GB18030, else None."""
    try:
        body.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        text = body.decode(GUESSED_ENCODING)
    except UnicodeDecodeError:
        return None
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if not non_ascii or len(_CJK.findall(text)) / non_ascii < _MIN_CJK_SHARE:
        return None
    return GUESSED_ENCODING


class ChineseEncodingMiddleware:
    def __init__(self, stats: StatsCollector | None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or declared_encoding(response):
            return response
        encoding = guess_chinese_encoding(response.body)
        if encoding is None:
            return response
        if self.stats is not None:
            self.stats.inc_value(STAT_GUESSED)
        return response.replace(encoding=encoding)
