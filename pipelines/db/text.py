"""Text as both engines store it: what a portal sends is cleaned before it is keyed or written.

PostgreSQL refuses a NUL character anywhere (text and JSON alike) and any string that is not
valid UTF-8 (a lone surrogate, which Python strings can hold after ``surrogateescape``); it
enforces ``String(n)`` lengths that SQLite ignores. A hostile or broken page therefore stored on
SQLite and crashed the batch on PostgreSQL. Every string of a report is cleaned here once, the
same way for both engines:

- NUL and the other C0/C1 control characters go (tab, line feed and carriage return stay: they
  are layout); a lone surrogate becomes U+FFFD;
- one Unicode form, NFC: CJK compatibility ideographs (U+F900…) become the unified ones, so two
  spellings of one organ meet on one key. Not NFKC, which would also rewrite full-width digits,
  circled numbers and the like that the report printed and the parsers read as printed;
- names stored in a bounded column (the authority: ``String(200)``; the spider: ``String(100)``)
  are cut to that length with a warning instead of being refused by one engine only. No real
  organ's name comes near 200 characters: a longer one is a misread the warning points at.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from nianbao.parsers.model import Report

#: Column widths of the names a report is keyed by (pipelines/db/models.py).
AUTHORITY_CHARS: Final = 200
SPIDER_CHARS: Final = 100

_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` as both engines store it (see the module docstring)."""
    if _UNSTORABLE.search(text):
        text = _UNSTORABLE.sub("", text)
    if text.isascii():
        return text
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def bounded(text: str | None, limit: int) -> str | None:
    """A cleaned name cut to ``limit`` characters (``None`` stays ``None``)."""
    return None if text is None else storable(text)[:limit]


#: The Report fields that hold text from the page (the rest are keys and codes of our own).
_REPORT_TEXT = (
    "source_url", "title", "authority", "publisher", "index_no", "authority_evidence",
    "year_evidence", "text",
)  # fmt: skip


def _all_storable(texts: list[str]) -> bool:
    """Whether every one of ``texts`` is already storable, in one pass over them joined: a
    report's hundreds of cells and check details nearly always are. Line feeds join them:
    they stay, and nothing composes with them, so the whole is clean only if each part is."""
    joined = "\n".join(texts)
    return storable(joined) is joined


def _clean_fields(report: Report) -> None:
    """Every string that can come from the page, field by field: a generic walk over the
    dataclasses made 1,500 calls per report and was a third of a batch store's time. The
    many short ones (cells, checks, prose, sections, warnings) are looked at together first
    and cleaned one by one only when something among them needs it."""
    for name in _REPORT_TEXT:
        value = getattr(report, name)
        if value is not None:
            setattr(report, name, storable(value))
    cells = [cell for table in report.tables.values() for cell in table.cells.values()]
    short = [table.detection for table in report.tables.values()]
    short += [cell.raw for cell in cells if cell.raw is not None]
    short += [check.detail for check in report.checks]
    short += [metric.span for metric in report.prose]
    short += [*report.sections.values(), *(warning.detail for warning in report.warnings)]
    if _all_storable(short):
        return
    for table in report.tables.values():
        table.detection = storable(table.detection)
    for cell in cells:
        if cell.raw is not None:
            cell.raw = storable(cell.raw)
    for check in report.checks:
        check.detail = storable(check.detail)
    for metric in report.prose:
        metric.span = storable(metric.span)
    report.sections = {key: storable(value) for key, value in report.sections.items()}
    for warning in report.warnings:
        warning.detail = storable(warning.detail)


def clean_report(report: Report) -> Report:
    """Clean in place every string of ``report`` that came from the page (metadata, cells as
    printed, check details, prose, sections, warnings, text); an authority name past its
    column is cut and warned about as ``authority_truncated``. Returns the report."""
    _clean_fields(report)
    if report.authority and len(report.authority) > AUTHORITY_CHARS:
        report.warn(
            "authority_truncated",
            f"authority name of {len(report.authority)} characters cut to {AUTHORITY_CHARS}",
        )
        report.authority = report.authority[:AUTHORITY_CHARS]
    return report
