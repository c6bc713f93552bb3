"""Table 四 (行政复议、行政诉讼): one data row of 15 cells under a three-row header.

The header is stacked, cut and wrapped in every way (``结果\\n维持``,
``结果 | 结果 | 其他 | 尚未``), while the 15 values always follow the template order, so the
values are read by position and the header only tells whether the labels confirm that order.
"""

from __future__ import annotations

from .cells import all_blank, count_cell, derive_row_totals
from .layout import Row
from .model import Report, Table
from .normalize import normalize_label
from .rowreader import (
    fit_values,
    is_collapsed_blanks,
    is_label,
    mark_uncertain,
    uncertain_reason,
)
from .spec import T4_COLUMNS, T4_ROWS, raw_spec

_N = len(T4_ROWS) * len(T4_COLUMNS)
_FULL_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结")


def read_t4(rows: list[Row], report: Report) -> Table | None:
    """Read table 四 from the rows of its region; None when it holds no data row."""
    cells, exact = _data_cells(rows)
    if not cells:
        return None
    if len([c for c in cells if c and c.strip()]) < _N:
        per_group = _group_blocks(rows)
        if per_group is not None:
            cells, exact = per_group, False
    values, flags = fit_values(cells, _N, exact)
    table = Table(family="t4", variant="t4", layout="grid" if exact else "rows")
    table.detection = "table 四 is the same in both formats"
    for flag in flags:
        report.warn(flag, f"table 四 data cells: {cells!r}", "t4")
    if all_blank([values]):
        table.flags.append("table_unfilled")
        report.warn("table_unfilled", "every value cell of table 四 is blank", "t4")
        return table
    order = raw_spec()["tables"]["t4"]["positional_order"]
    for address, raw in zip(order, values, strict=True):
        row, col = address.split(":")
        table.cells[(row, col)] = count_cell(row, col, raw, is_total=col == "total")
    derive_row_totals(table, T4_COLUMNS[:-1])
    mark_uncertain(list(table.cells.values()), uncertain_reason(flags))
    header = "".join(normalize_label(cell) for row in rows for cell in row.filled())
    if not all(label in header for label in _FULL_HEADERS):
        table.flags.append("positional_mapping")
    return table


_GROUP_CUES = (  # checked in this order: 复议后起诉 also contains 复议
    ("litigation_after_review", "复议后起诉"),
    ("litigation_direct", "未经复议直接起诉"),
    ("review", "行政复议"),
)
_PER_GROUP = len(T4_COLUMNS)


def _group_blocks(rows: list[Row]) -> list[str | None] | None:
    """Table 四 printed as three small tables, one per group, each under its own heading
    (行政复议 / 行政诉讼（未经复议直接起诉） / 行政诉讼（复议后起诉）): values in template order."""
    found: dict[str, list[str]] = {}
    group: str | None = None
    for row in rows:
        filled = row.filled()
        labels = [cell for cell in filled if is_label(cell)]
        if labels:
            text = "".join("".join(labels).split())  # keep the （…） that names the group
            cue = next((key for key, word in _GROUP_CUES if word in text), None)
            group = cue or group
            continue
        if group is not None and group not in found and len(filled) == _PER_GROUP:
            found[group] = filled
    if set(found) != set(T4_ROWS):
        return None
    return [cell for key in T4_ROWS for cell in found[key]]


_HEADER_WORDS = ("结果", "审结", "总计", "维持", "纠正", "起诉")


def _data_cells(rows: list[Row]) -> tuple[list[str | None], bool]:
    """Value cells of the consecutive all-value rows that follow the header.

    A one-cell-per-line table spreads the data row over 15 lines, a grid keeps it in one row
    (perhaps with a leading padding cell), a PDF line prints it space-separated.
    """
    seen_header = False
    data_rows: list[Row] = []
    for row in rows:
        filled = row.filled()
        if filled and not data_rows and all(is_collapsed_blanks(cell) for cell in filled):
            continue  # an empty header row of a grid's text dump
        if not filled:
            if seen_header and not data_rows and row.exact and len(row.cells) >= _N:
                data_rows.append(row)  # an unfilled template's blank data row
            continue
        labels = [cell for cell in filled if is_label(cell)]
        if labels:
            if data_rows:
                break
            seen_header = seen_header or any(
                word in normalize_label(cell) for cell in labels for word in _HEADER_WORDS
            )
            continue
        if seen_header:
            data_rows.append(row)
    cells: list[str | None] = [c for row in data_rows for c in row.cells if c is not None]
    exact = len(data_rows) == 1 and data_rows[0].exact
    if exact and len(cells) == _N + 1 and not (cells[0] or "").strip():
        cells = cells[1:]
    return cells, exact
