"""DOCX attachments through python-docx: paragraphs and tables in document order.

Merged cells come back from python-docx once per grid position they cover (the template's
勾稽 note fills three cells, the 本年度办理结果 label twenty-two rows); a position whose cell is
the same XML element as its left or upper neighbour is a covered position (``None``), so each
value is read once, as in an HTML grid.
"""

from __future__ import annotations

import io
from typing import Any

from .document import Extracted
from .grid import grid_rows, text_rows
from .limits import AttachmentRefused, Limits
from .zipguard import guard_zip


def read_docx(data: bytes, limits: Limits) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    guard_zip(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise AttachmentRefused("attachment_corrupt", f"not a readable DOCX: {error}") from error
    out = Extracted(kind="docx", pages=1)
    texts: list[str] = []
    run: list[str] = []
    table_index = 0

    def flush() -> None:
        if run:
            out.rows.extend(text_rows(run))
            run.clear()

    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            flush()
            grid = table_grid(block)
            texts.extend(" ".join(cell or "" for cell in row).strip() for row in grid)
            out.rows.extend(grid_rows(grid, table_index))
            table_index += 1
        else:
            text = block.text
            texts.append(text)
            run.extend(text.splitlines() or [""])
    flush()
    out.text = "\n".join(texts)
    return out


def table_grid(table: Any) -> list[list[str | None]]:
    """The table as a grid, covered positions of merged cells as ``None``."""
    grid: list[list[str | None]] = []
    above: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        line: list[str | None] = []
        for c, cell in enumerate(cells):
            element = cell._tc
            covered = (c > 0 and cells[c - 1]._tc is element) or (
                c < len(above) and above[c] is element
            )
            line.append(None if covered else cell.text)
        grid.append(line)
        above = [cell._tc for cell in cells]
    return grid
