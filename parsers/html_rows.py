"""HTML pages into the row stream of ``layout.py``: decoding, parsing within limits, grids.

A page is read once with lxml (bounded: huge or hostile documents stop at libxml2's limits and
say so); the outermost data tables become *exact* rows at their grid positions, with spans
marked ``SPANNED``; page-layout tables (a few huge cells) and the text around tables become
text rows, so a report whose tables are not HTML is still read.
"""

from __future__ import annotations

import html as htmllib
import re
import threading

from lxml import etree
from w3lib.encoding import html_to_unicode

from .layout import SPANNED, Row, text_rows

_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 section article header footer tr td th table dd dt dl "
    "blockquote pre center form title".split()
)
#: A table cell holding more text than this is page layout, not a table value or label.
_LAYOUT_CELL_CHARS = 1000
#: A layout table has a few cells (article, sidebar, header); table 三 alone has 200.
_LAYOUT_MAX_CELLS = 12
_SKIP_TAGS = frozenset("script style noscript head template iframe object select option".split())


_CELL_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []
    for node in cell.iter():
        if node.tag in ("br", "p", "div") and parts:
            parts.append("\n")
        if node.text and node.tag not in _SKIP_TAGS:
            parts.append(node.text)
        if node is not cell and node.tail:
            parts.append(node.tail)
    return _CELL_SPACES.sub(" ", "".join(parts)).strip()


def table_grid(table: etree._Element) -> list[list[str | None]]:
    """Expand a table's rowspan/colspan into a rectangular grid.

    The text of a spanning cell stays in its first position; the positions it covers hold
    ``SPANNED``, so a colspan=3 value is read once, not three times.
    """
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], bool] = {}
    rows = [tr for tr in table.iter("tr") if _owning_table(tr) is table]
    for r, tr in enumerate(rows):
        row: list[str | None] = []
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while pending.pop((r, c), False):
                row.append(SPANNED)
                c += 1
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            row.append(_cell_text(cell))
            row.extend([SPANNED] * (colspan - 1))
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    pending[(r + dr, c + dc)] = True
            c += colspan
        while pending.pop((r, c), False):
            row.append(SPANNED)
            c += 1
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    for row in grid:
        row.extend([""] * (width - len(row)))
    return grid


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _own_cells(table: etree._Element) -> list[etree._Element]:
    return [
        cell
        for tr in table.iter("tr")
        if _owning_table(tr) is table
        for cell in tr
        if cell.tag in ("td", "th")
    ]


def is_layout_table(table: etree._Element) -> bool:
    """Whether a table lays out the page rather than holding data: portals wrap the whole
    article in one ``<td>``, and its own tables then nest inside. Such a table is read as text
    blocks (its nested tables as grids), not as one huge cell. A data table with a long note
    in one of its many cells stays a grid: only a table of a few cells counts by text size."""
    if table.find(".//table") is None:
        text = etree.tostring(table, method="text", encoding=str, with_tail=False)
        if len(text) <= _LAYOUT_CELL_CHARS:
            return False
    cells = _own_cells(table)
    nested_only = len(cells) > _LAYOUT_MAX_CELLS
    for cell in cells:
        if cell.find(".//table") is not None:
            return True
        if nested_only:
            continue
        size = 0
        for text in cell.itertext():
            size += len(text)
            if size > _LAYOUT_CELL_CHARS:
                return True
    return False


def _owning_table(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors():
        if ancestor.tag == "table":
            return ancestor
    return None


#: Tags that only nest or mark a line (no table structure): when a page nests deeper than
#: libxml2 follows even with ``huge_tree``, block tags become line breaks and inline ones go.
_NESTING_BLOCKS = re.compile(
    r"</?(?:div|p|blockquote|section|article|header|footer|main|nav|aside|center|ul|ol|li|dl|dt|dd"
    r"|h[1-6]|form|fieldset)\b[^>]*>",
    re.I,
)
_NESTING_INLINE = re.compile(r"</?(?:span|font|strong|b|em|i|u|a|small|big|sub|sup)\b[^>]*>", re.I)
_PARSERS = threading.local()


def _utf8_parser() -> etree.HTMLParser:
    """This thread's parser. ``huge_tree``: without it libxml2 stops at 256 nesting levels and
    at text nodes of 10 M characters, and the rest of the page silently disappears. One per
    thread because pages are parsed in worker threads and a parser's error log is its own.

    A plain ``etree.HTMLParser``, not ``lxml.html``'s: the same libxml2 tree, without the
    Python class lookup lxml.html runs for every element the walk touches (about 15% of a
    page's parse time); nothing here uses ``HtmlElement`` methods."""
    parser = getattr(_PARSERS, "utf8", None)
    if parser is None:
        parser = _PARSERS.utf8 = etree.HTMLParser(encoding="utf-8", huge_tree=True)
    return parser


_SKIPPED_BLOCKS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def rough_text(html: str) -> str:
    """The page's text without a parser: tags removed, entities decoded, blanks collapsed.

    For a page that could not be read in its time budget: linear regular expressions only, so
    the text is kept (for the reader and for a later reparse) when the real reading is not.
    """
    text = _TAG.sub("\n", _SKIPPED_BLOCKS.sub("", html))
    text = _BLANKS.sub(" ", htmllib.unescape(text))
    return _BLANK_LINES.sub("\n", text).strip()


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page body: header charset, then ``<meta>``, then sniffing.

    w3lib reads gb2312/gbk declarations as gb18030, the superset real portals actually send.
    """
    _, text = html_to_unicode(content_type, body)
    return text


def parse_html_document(html: str | bytes) -> etree._Element:
    """Parse possibly malformed HTML; an empty or unparsable page gives an empty body."""
    return read_html_document(html)[0]


def read_html_document(html: str | bytes) -> tuple[etree._Element, str | None]:
    """The page's tree, and why part of it could not be read (``None`` when all of it was).

    A page nested deeper than libxml2 follows even with ``huge_tree`` (thousands of ``<div>``,
    as some CMS templates and hostile pages produce) loses everything below that depth; it is
    parsed again with the nesting tags flattened (block tags become line breaks), which keeps its
    tables and lines. What
    is still cut off then is reported, so the caller can say so instead of storing an empty or
    partial page as if it were complete.
    """
    if isinstance(html, bytes):
        html = decode_html(html)
    root, limit = _parse_utf8(html)
    if limit is not None:
        flat = _NESTING_INLINE.sub("", _NESTING_BLOCKS.sub("<br>", html))
        root, limit = _parse_utf8(flat)
    return root, limit


def _parse_utf8(html: str) -> tuple[etree._Element, str | None]:
    parser = _utf8_parser()
    try:
        root = etree.fromstring(html.encode("utf-8", "surrogatepass"), parser)
    except (etree.ParserError, ValueError):
        root = None
    if root is None:  # an empty document
        return etree.fromstring(b"<html><body></body></html>", parser), None
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    return root, (limits[0] if limits else None)


def rows_from_html(root: etree._Element) -> list[Row]:
    """Rows in document order: text lines outside tables, grid rows inside (outermost tables)."""
    rows: list[Row] = []
    buffer: list[str] = []
    table_count = 0

    def flush() -> None:
        # Block boundaries leave blank lines in page text, so they say nothing about wraps.
        lines = [line.strip() for line in "".join(buffer).splitlines()]
        rows.extend(text_rows([line for line in lines if line], blank_separated=False))
        buffer.clear()

    # An event walk, not recursion: a page nested thousands deep keeps its lines and cannot
    # reach Python's recursion limit.
    body = root.find("body")
    walker = etree.iterwalk(
        body if body is not None else root, events=("start", "end", "comment", "pi")
    )
    ends: list[bool] = []  # per open element: whether its end closes a block
    for event, node in walker:
        if event in ("comment", "pi"):
            buffer.append(node.tail or "")
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag == "table" and not is_layout_table(node):
                flush()
                index = table_count
                table_count += 1
                for cells in table_grid(node):
                    if cells:
                        rows.append(Row(cells, exact=True, table=index))
                walker.skip_subtree()
                ends.append(False)
            elif not tag or tag in _SKIP_TAGS:
                walker.skip_subtree()
                ends.append(False)
            else:
                block = tag in _BLOCK_TAGS
                buffer.append("\n" if block else "")
                buffer.append(node.text or "")
                ends.append(block)
        else:
            buffer.append("\n" if ends.pop() else "")
            buffer.append(node.tail or "")
    flush()
    return rows
