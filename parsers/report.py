"""Parse a whole report: page HTML or text in, a structured :class:`Report` out.

The document becomes one row stream (``layout``); the sections are found by their headings; each
table is read from its own region (between its section heading or anchor and the next table or
section); then metadata, prose figures and the consistency checks are added. Nothing here
raises on a strange report: it returns what it could read with warnings saying what it could not.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from .checks import run_checks
from .chrome import END_MARKERS, strip_chrome
from .html_rows import decode_html, read_html_document, rows_from_html
from .layout import Row, rows_from_text
from .metadata import extract_metadata
from .model import ParseError, Report, Table
from .normalize import normalize_label, to_simplified
from .prose import extract_prose
from .sections import Heading, find_headings, section_texts
from .table_t2 import read_t2
from .table_t3 import read_t3, starts_t3
from .table_t4 import read_t4

#: Inputs larger than this are refused: no real report page comes near it.
MAX_INPUT_CHARS = 20_000_000

_T2_ANCHORS = ("第二十条第",)
_T3_ANCHORS = ("本列数据的勾稽关系", "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量")
_T4_ANCHORS = ("未经复议直接起诉", "复议后起诉")
_PRE2019_SECTIONS = ("fees",)


def parse_text(text: str, *, url: str | None = None, hints: dict | None = None) -> Report:
    """Parse report text (one cell per line, tab/pipe rows, PDF text ...)."""
    _check_size(text)
    text, traditional = to_simplified(text)
    clean = strip_chrome(_drop_corpus_header(text))
    report = _parse_rows(rows_from_text(clean), clean, url=url, hints=hints, meta={})
    if traditional:
        report.warn("traditional_script", "converted to Simplified script before parsing")
    return report


def parse_html(
    html: str | bytes,
    *,
    url: str | None = None,
    hints: dict | None = None,
    clean_text: str | None = None,
) -> Report:
    """Parse a report page. Tables are read from the HTML grid, where cells keep positions.

    ``clean_text`` (the clean stage's main-content text) is stored as the report's text when
    given; otherwise the page's own text, chrome stripped, is used.
    """
    if isinstance(html, bytes):
        html = decode_html(html)
    _check_size(html)
    html, traditional = to_simplified(html)
    root, unread = read_html_document(html)
    meta = _meta_tags(root)
    rows = _strip_chrome_rows(rows_from_html(root))
    text = clean_text if clean_text is not None else "\n".join(row.line for row in rows)
    report = _parse_rows(rows, text, url=url, hints=hints, meta=meta)
    if unread is not None:
        report.warn("page_unreadable", f"part of the page could not be read: {unread}")
    if traditional:
        report.warn("traditional_script", "converted to Simplified script before parsing")
    return report


def parse_rows(
    rows: list[Row],
    text: str,
    *,
    url: str | None = None,
    hints: dict | None = None,
    meta: dict[str, str] | None = None,
) -> Report:
    """Assemble a report from a row stream built elsewhere (attachments: PDF, DOCX, XLSX, OCR).

    ``text`` is the document's plain text (metadata and prose); ``rows`` keep ``exact=True``
    where cell positions are real, as for an HTML grid.
    """
    _check_size(text)
    text, traditional = to_simplified(text)
    if traditional:
        rows = [
            Row([to_simplified(c)[0] if c else c for c in row.cells], row.exact, row.table)
            for row in rows
        ]
    report = _parse_rows(rows, text, url=url, hints=hints, meta=meta or {})
    if traditional:
        report.warn("traditional_script", "converted to Simplified script before parsing")
    return report


def parse_path(path: str | Path, *, url: str | None = None) -> Report:
    """Parse a saved page (.html/.htm/.shtml) or text file; corpus headers give the URL."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() in (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".aspx"):
        return parse_html(data, url=url)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    header = _corpus_header(text)
    return parse_text(text, url=url or header.get("source_url"))


# --- internals ---------------------------------------------------------------------------------


def _check_size(text: str) -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise ParseError(f"input of {len(text)} characters exceeds {MAX_INPUT_CHARS}")


def _corpus_header(text: str) -> dict[str, str]:
    """The ``key: value`` block above ``---`` in corpus texts (source_url, authority ...)."""
    head, sep, _ = text.partition("\n---\n")
    if not sep or len(head) > 4000:
        return {}
    pairs = [line.split(":", 1) for line in head.splitlines() if ":" in line]
    fields = {key.strip(): value.strip() for key, value in pairs}
    return fields if "source_url" in fields else {}


def _drop_corpus_header(text: str) -> str:
    return text.partition("\n---\n")[2] if _corpus_header(text) else text


def _meta_tags(root: etree._Element) -> dict[str, str]:
    out = {}
    for meta in root.iter("meta"):
        name, content = meta.get("name"), meta.get("content")
        if name and content:
            out[name] = content.strip()
    title = root.find(".//title")
    if title is not None and title.text:
        out["title"] = title.text.strip()
    return out


def _strip_chrome_rows(rows: list[Row]) -> list[Row]:
    """Drop chrome lines outside tables; cut the page at its end-of-article marker."""
    kept: list[Row] = []
    for row in rows:
        if row.exact:
            kept.append(row)
            continue
        line = row.text
        if line and not strip_chrome(line):  # the whole line is chrome
            if any(marker in line for marker in END_MARKERS):
                break
            continue
        kept.append(row)
    return kept


def _first_index(
    rows: list[Row], anchors: tuple[str, ...], start: int = 0, cache: list[str | None] | None = None
) -> int | None:
    """The first row from ``start`` whose normalised text holds an anchor; ``cache`` (one slot
    per row) keeps each row's normalised text for the next search over the same rows."""
    for index in range(start, len(rows)):
        joined = cache[index] if cache is not None else None
        if joined is None:
            joined = "".join(normalize_label(cell) for cell in rows[index].filled())
            if cache is not None:
                cache[index] = joined
        if _anchor_pattern(anchors).search(joined):
            return index
    return None


@functools.cache
def _anchor_pattern(anchors: tuple[str, ...]) -> re.Pattern[str]:
    """One search for any of the anchors (every row of a report is tested against them)."""
    return re.compile("|".join(map(re.escape, anchors)))


def _heading_index(headings: list[Heading], key: str) -> int | None:
    return next((h.index for h in headings if h.key == key), None)


def _next_heading(headings: list[Heading], after: int, default: int) -> int:
    return min((h.index for h in headings if h.index > after), default=default)


def _t4_header_start(rows: list[Row], anchor: int, t3_start: int | None) -> int:
    """The first row of table 四's header: the 行政复议 | 行政诉讼 row just above its anchor
    (未经复议直接起诉), but never a row of table 三 above it."""
    start = anchor
    for index in range(anchor - 1, max((t3_start or 0), anchor - 3), -1):
        text = "".join(rows[index].filled())
        if "行政复议" not in text and "行政诉讼" not in text:
            break
        start = index
    return start


def _regions(rows: list[Row], headings: list[Heading]) -> dict[str, tuple[int, int]]:
    """Row ranges of tables 二, 三 and 四 (end exclusive)."""
    n = len(rows)
    out: dict[str, tuple[int, int]] = {}
    joined: list[str | None] = [None] * n
    first_index = functools.partial(_first_index, cache=joined)
    t3_start = first_index(rows, _T3_ANCHORS, _heading_index(headings, "requests") or 0)
    if t3_start is None:
        t3_start = first_index(rows, _T3_ANCHORS)
    if t3_start is None:  # anchors wrapped over lines: the section heading starts the table
        t3_start = _heading_index(headings, "requests")
    if t3_start is None:  # a page that begins inside table 三: its first row read by label
        t3_start = next((i for i, row in enumerate(rows) if starts_t3(row)), None)
    t4_heading = _heading_index(headings, "review_litigation")
    t4_start = t4_heading
    if t4_start is None or (t3_start is not None and t4_start < t3_start):
        t4_anchor = first_index(rows, _T4_ANCHORS, t3_start or 0)
        t4_start = None if t4_anchor is None else _t4_header_start(rows, t4_anchor, t3_start)
    t2_start = _heading_index(headings, "proactive")
    if t2_start is None:
        t2_start = first_index(rows, _T2_ANCHORS)
    if t2_start is not None:
        limit = min(x for x in (t3_start, t4_start, n) if x is not None and x > t2_start)
        out["t2"] = (t2_start, min(limit, _next_heading(headings, t2_start, n)))
    if t3_start is not None:
        limit = min(x for x in (t4_start, n) if x is not None and x > t3_start)
        out["t3"] = (t3_start, min(limit, _next_heading(headings, t3_start, n)))
    if t4_start is not None:
        out["t4"] = (t4_start, _next_heading(headings, t4_start, n))
    return out


_READERS: dict[str, Callable[[list[Row], Report], Table | None]] = {
    "t2": read_t2,
    "t3": read_t3,
    "t4": read_t4,
}


def _parse_rows(
    rows: list[Row], text: str, *, url: str | None, hints: dict | None, meta: dict[str, str]
) -> Report:
    metadata = extract_metadata(text, meta=meta, hints=hints)
    report = Report(
        source_url=url or (hints or {}).get("source_url"),
        **metadata.metadata_fields(),
        text=text,
        content_sha256=hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest(),
    )
    if metadata.year_source == "published_minus_one":
        report.warn("year_from_published", "report year taken as publication year - 1")
    elif metadata.year_source == "prose":
        report.warn("year_from_prose", "report year taken from the year most written in prose")
    for code, detail in metadata.warnings:
        report.warn(code, detail)
    if not rows:
        report.warn("empty_page", "the page holds no text")
        return report
    headings = find_headings(rows)
    report.sections = section_texts(rows, headings)
    for family, (start, end) in _regions(rows, headings).items():
        table = _READERS[family](rows[start:end], report)
        if table is not None:
            report.tables[family] = table
    _align_unsigned_t3(report)
    _warn_uncertain(report)
    report.prose = extract_prose(_prose_text(rows, report))
    report.format = _report_format(report, headings)
    if report.format != "pre2019":
        for family in ("t2", "t3", "t4"):
            if family not in report.tables:
                report.warn("table_missing", f"no table {family} found", family)
    variants = {table.era for table in report.tables.values() if table.family != "t4"}
    if len(variants) > 1 and not any(w.code == "era_mixed" for w in report.warnings):
        report.warn("era_mixed", f"table variants {report.formats}")
    report.checks = run_checks(report)
    if report.authority is None:
        report.warn("authority_unknown", "no authority in title, meta tags or hints")
    if report.report_year is None:
        report.warn("year_unknown", "no report year in title, statistics period or hints")
    return report


def _warn_uncertain(report: Report) -> None:
    """One ``reading_uncertain`` warning per table holding cells that may be wrong."""
    for family, table in report.tables.items():
        reasons: dict[str, int] = {}
        for cell in table.cells.values():
            if cell.uncertain:
                reasons[cell.uncertain] = reasons.get(cell.uncertain, 0) + 1
        if reasons:
            detail = ", ".join(f"{count} cells {reason}" for reason, count in reasons.items())
            report.warn("reading_uncertain", detail, family)


def _prose_text(rows: list[Row], report: Report) -> str:
    """Text outside the tables' value rows, so table cells never read as prose figures."""
    return "\n".join(row.text for row in rows if not row.exact)


def _align_unsigned_t3(report: Report) -> None:
    """A table 三 with no sign of its format (no （六） row, e.g. an unfilled template, whose
    variant came only from the report year) follows table 二 when table 二 has one."""
    t3, t2 = report.tables.get("t3"), report.tables.get("t2")
    if t3 is None or t2 is None or "report year" not in t3.detection:
        return
    if "report year" in t2.detection or t3.era == t2.era:
        return
    t3.variant = f"t3_{t2.era}"
    t3.detection = f"no （六）其他处理 row; follows table 二 ({t2.variant})"
    report.warnings = [
        w for w in report.warnings if not (w.code == "variant_from_year" and w.table == "t3")
    ]


def _report_format(report: Report, headings: list[Heading]) -> str | None:
    for family in ("t3", "t2"):
        table = report.tables.get(family)
        if table is not None:
            return f"f{table.era}"
    year = report.report_year
    if (year is not None and year <= 2018) or any(h.key in _PRE2019_SECTIONS for h in headings):
        return "pre2019"
    return None
