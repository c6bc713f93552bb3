"""Table grids from any file format become the shared row stream (``parsers.layout.Row``).

Every reader (PDF table finder, python-docx, openpyxl, xlrd, OCR) hands over a rectangular grid:
``None`` where a merged cell covers the position, ``""`` for an empty cell, text otherwise.
Positions are real, so the rows are *exact* and the table readers treat a blank as a blank.
Rows that are not table rows at all (a title or a paragraph caught inside the grid, one cell
spanning the whole width) become plain text rows, so headings and prose are found as on a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nianbao.parsers.layout import Row, rows_from_text
from nianbao.parsers.normalize import is_value_cell

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’（）"
#: A line break between CJK characters (or CJK punctuation) is a wrap, not a space:
#: 商业\n企业 -> 商业企业, the vertical 三\n、\n本\n年\n度 -> 三、本年度.
_CJK_WRAP = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])|(?<=[.．])\s*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\u00a0]*\n[ \t\u00a0]*|[ \t\u00a0]{2,}")
#: A single filled cell longer than this in a wide row is a paragraph, not a label.
_PARAGRAPH = 40


def clean_cell(text: object) -> str | None:
    """Cell text with wraps joined; ``None`` (a merged position) stays ``None``."""
    if text is None:
        return None
    value = str(text).replace("\r", "\n").strip()
    value = _CJK_WRAP.sub("", value)
    value = _SPACES.sub(" ", value)
    return value.strip()


def grid_rows(grid: Sequence[Sequence[object]], table: int | None = None) -> list[Row]:
    """Rows of one table grid: exact rows for table rows, text rows for titles/paragraphs."""
    cleaned = [[clean_cell(cell) for cell in row] for row in grid]
    width = max((len(row) for row in cleaned), default=0)
    rows: list[Row] = []
    for cells in cleaned:
        cells = cells + [""] * (width - len(cells))
        filled = [cell for cell in cells if cell]
        if not filled:
            if width > 1:  # an empty row of a grid is a row of blank value cells
                rows.append(Row(cells, exact=True, table=table))
            continue
        if width <= 1 or (len(filled) == 1 and _is_text_row(filled[0], cells)):
            rows.extend(rows_from_text(filled[0]))
            continue
        rows.append(Row(cells, exact=True, table=table))
    return rows


def _is_text_row(text: str, cells: list[str | None]) -> bool:
    """One filled cell that is a paragraph or a title spanning the row, not a value."""
    if is_value_cell(text):
        return False
    first = next(i for i, cell in enumerate(cells) if cell)
    spans_rest = all(cell is None or cell == "" for cell in cells[first + 1 :])
    return len(text) > _PARAGRAPH or (
        first == 0 and spans_rest and all(cell is None for cell in cells[1:])
    )


def text_rows(lines: Iterable[str]) -> list[Row]:
    """Rows of free text outside any table (headings, prose, page footers dropped)."""
    return rows_from_text("\n".join(lines))
