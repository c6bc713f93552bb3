"""Workbook attachments: XLSX through openpyxl, legacy XLS through xlrd.

Some authorities publish only the 统计表 as a spreadsheet. Each sheet is one grid; merged
ranges become covered positions (``None``) so a value is read once. Numbers are written back
as printed: whole floats without ``.0``, money keeping its decimals.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from .document import Extracted
from .grid import grid_rows
from .limits import AttachmentRefused, Limits
from .zipguard import guard_zip

#: Rows x columns read from one sheet; a real 统计表 has about 40 x 15.
_MAX_CELLS = 200_000


def cell_text(value: Any) -> str:
    """A spreadsheet value as the text a reader would see."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, limits: Limits) -> Extracted:
    import openpyxl

    guard_zip(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as error:  # openpyxl raises anything from KeyError to its own errors
        raise AttachmentRefused("attachment_corrupt", f"not a readable XLSX: {error}") from error
    out = Extracted(kind="xlsx", pages=len(book.worksheets))
    for index, sheet in enumerate(book.worksheets):
        if sheet.max_row * sheet.max_column > _MAX_CELLS:
            out.warn("sheet_too_large", f"sheet {sheet.title!r}: {sheet.max_row} rows skipped")
            continue
        covered: set[tuple[int, int]] = set()
        for merged in sheet.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        covered.add((r, c))
        grid = [
            [None if (cell.row, cell.column) in covered else cell_text(cell.value) for cell in row]
            for row in sheet.iter_rows()
        ]
        _add_sheet(out, grid, index)
    book.close()
    return out


def read_xls(data: bytes, limits: Limits) -> Extracted:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, ValueError, AssertionError, IndexError) as error:
        raise AttachmentRefused("attachment_corrupt", f"not a readable XLS: {error}") from error
    out = Extracted(kind="xls", pages=book.nsheets)
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.nrows * sheet.ncols > _MAX_CELLS:
            out.warn("sheet_too_large", f"sheet {sheet.name!r}: {sheet.nrows} rows skipped")
            continue
        covered: set[tuple[int, int]] = set()
        for r0, r1, c0, c1 in sheet.merged_cells:
            for r in range(r0, r1):
                for c in range(c0, c1):
                    if (r, c) != (r0, c0):
                        covered.add((r, c))
        grid = [
            [
                None if (r, c) in covered else cell_text(sheet.cell_value(r, c))
                for c in range(sheet.ncols)
            ]
            for r in range(sheet.nrows)
        ]
        _add_sheet(out, grid, index)
        book.unload_sheet(index)
    return out


def _add_sheet(out: Extracted, grid: list[list[str | None]], index: int) -> None:
    out.rows.extend(grid_rows(grid, index))
    out.text += "\n".join(" ".join(c for c in row if c) for row in grid if any(row)) + "\n"
