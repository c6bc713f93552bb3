"""Turn raw cell text into stored cells by the value conventions of report_format.json.

The conventions differ by table: in tables 三 and 四 a blank or a dash is 0 (authorities often
fill only the non-zero cells) but a blank 总计 is unknown and only *derived*; in table 二 a
blank is missing, because 0 and unknown differ for money.
"""

from __future__ import annotations

from .model import Cell, Table
from .normalize import parse_value, read_count


def _not_printed(row: str, col: str) -> Cell:
    """A cell the text never reached (a row cut short): unknown, not a blank taken as 0."""
    return Cell(row, col, None, None, "missing", flags=["not_printed"])


def count_cell(row: str, col: str, raw: str | None, *, is_total: bool) -> Cell:
    """A cell of table 三 or 四."""
    if raw is None:
        return _not_printed(row, col)
    kind, value, flags = read_count(raw)  # the cached reading: one per distinct cell text
    if kind == "number":
        return Cell(row, col, value, raw, "printed", flags=list(flags))
    if kind == "marker":
        return Cell(row, col, 0, raw, "marker_zero")
    if kind == "blank" and not is_total:
        return Cell(row, col, 0, raw, "blank_zero", flags=["blank_zero"])
    # A blank total, or text where a number belongs: unknown, never guessed.
    missing = ["total_derived"] if kind == "blank" else ["not_a_number"]
    return Cell(row, col, None, raw, "missing", flags=missing)


def t2_cell(row: str, col: str, raw: str | None, *, money: bool) -> Cell:
    """A cell of table 二."""
    if raw is None:
        return _not_printed(row, col)
    parsed = parse_value(raw, money=money)
    if parsed.kind == "number":
        return Cell(row, col, parsed.value, raw, "printed", flags=parsed.flags)
    if parsed.kind == "marker":
        return Cell(row, col, None, raw, "marker_null", flags=["marker_null"])
    flags = [] if parsed.kind == "blank" else ["not_a_number"]
    return Cell(row, col, None, raw, "missing", flags=flags)


def derive_row_totals(table: Table, parts: tuple[str, ...], total: str = "total") -> None:
    """Fill ``derived`` on blank totals from their printed parts (flag ``total_derived``)."""
    for (row, col), cell in table.cells.items():
        if col != total or cell.value is not None or "total_derived" not in cell.flags:
            continue
        values = [table.value(row, part) for part in parts]
        if all(v is not None for v in values):
            cell.derived = sum(values)  # type: ignore[arg-type]


def all_blank(raw_rows: list[list[str | None]]) -> bool:
    """A template pasted unfilled: every value cell blank (flag ``table_unfilled``)."""
    return bool(raw_rows) and all(not (raw or "").strip() for row in raw_rows for raw in row)
