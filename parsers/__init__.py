"""``nianbao.parsers`` (directory ``parsers/``): pure parsers: report page HTML or text in, a
structured :class:`Report` out (no Scrapy)."""

from .model import Cell, Check, ParseError, ProseMetric, Report, Table
from .report import parse_html, parse_path, parse_text

__all__ = [
    "Cell",
    "Check",
    "ParseError",
    "ProseMetric",
    "Report",
    "Table",
    "parse_html",
    "parse_path",
    "parse_text",
]
