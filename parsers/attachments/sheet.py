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
    """Stream each sheet (openpyxl's read-only mode) under a cell cap.

    A full load materialises every cell object before any size can be checked (a 13 MB
    workbook took 764 MB); read-only mode checks the declared dimension first, then reads rows
    one by one and stops at the cap, so a sheet that lies about its size costs no more.
    """
    import openpyxl

    guard_zip(data, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as error:  # openpyxl raises anything from KeyError to its own errors
        raise AttachmentRefused("attachment_corrupt", f"not a readable XLSX: {error}") from error
    try:
        out = Extracted(kind="xlsx", pages=len(book.worksheets))
        for index, sheet in enumerate(book.worksheets):
            try:
                grid = _streamed_grid(sheet)
            except _SheetTooLarge as error:
                out.warn("sheet_too_large", f"sheet {sheet.title!r}: {error} cells, skipped")
                continue
            except Exception as error:  # a damaged sheet XML: refuse the file, never crash
                raise AttachmentRefused(
                    "attachment_corrupt", f"sheet {sheet.title!r} is not readable: {error}"
                ) from error
            _add_sheet(out, grid, index)
    finally:
        book.close()
    return out


class _SheetTooLarge(Exception):
    """A sheet holds more than ``_MAX_CELLS`` cells (declared or found while streaming)."""


def _streamed_grid(sheet: Any) -> list[list[str | None]]:
    """The sheet's cells as text, covered positions of merged ranges as ``None``."""
    rows, cols = sheet.max_row or 0, sheet.max_column or 0
    if rows * cols > _MAX_CELLS:
        raise _SheetTooLarge(f"{rows} x {cols}")
    # The declared dimension only refuses early: rows are streamed to their real end (a
    # wrong <dimension> must not cut a table short), under the same cap.
    sheet.reset_dimensions()
    covered = _covered_by_merges(sheet)
    grid: list[list[str | None]] = []
    seen = 0
    for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        seen += max(len(values), 1)
        if seen > _MAX_CELLS:
            raise _SheetTooLarge(f"more than {_MAX_CELLS}")
        grid.append(
            [
                None if (r, c) in covered else cell_text(value)
                for c, value in enumerate(values, start=1)
            ]
        )
    return grid


def _covered_by_merges(sheet: Any) -> set[tuple[int, int]]:
    """Positions hidden under merged ranges, read from the sheet XML's ``<mergeCell>`` tags
    (read-only sheets do not parse them); bounded by the same cell cap."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    covered: set[tuple[int, int]] = set()
    with sheet._get_source() as source:  # read-only worksheets' own XML stream
        for _, element in etree.iterparse(source, events=("end",), tag="{*}mergeCell"):
            min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
            if (max_row - min_row + 1) * (max_col - min_col + 1) + len(covered) > _MAX_CELLS:
                raise _SheetTooLarge(f"merged ranges over {_MAX_CELLS}")
            covered.update(
                (r, c)
                for r in range(min_row, max_row + 1)
                for c in range(min_col, max_col + 1)
                if (r, c) != (min_row, min_col)
            )
            element.clear()
    return covered


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
