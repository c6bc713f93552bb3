"""``nianbao.parsers`` (directory ``parsers/``): pure parsers: report page HTML or text in, a
structured :class:`Report` out (no Scrapy)."""

from . import report as _report
from .model import Cell, Check, ParseError, ProseMetric, Report, Table
from .report import parse_html, parse_path, parse_text

#: Whether the parsers run as C extensions (setup.py, ``NIANBAO_COMPILE=1``) or as Python.
COMPILED = not (_report.__file__ or "").endswith((".py", ".pyc"))

__all__ = [
    "COMPILED",
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
