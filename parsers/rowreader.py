"""Shared machinery of the table readers: find row labels, collect the values that follow them.

A table row may arrive as one grid row (HTML), one text row (tabs, pipes) or a label line
followed by one value per line. The reader therefore walks the row stream, starts a row at
each recognised label and keeps collecting value cells until the next label, and only then
fits the collected cells to the number of columns the table has.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .labels import LabelMatcher, label_parts, split_labels
from .layout import Row, as_cells
from .model import Cell
from .normalize import is_value_cell, normalize_label

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Fuzzy matching of row labels: close enough for OCR and typing damage, and only for labels
#: with four or more CJK characters (短 labels such as 总计 must match exactly).
FUZZY_CUTOFF = 0.8
_FUZZY_MIN_CJK = 4
_FRAGMENT = 8  # unknown text this short is a wrapped label's tail or a page footer


@dataclass(slots=True)
class LabelledRow:
    """A label and the raw value cells collected after it."""

    key: str
    label: str
    cells: list[str | None] = field(default_factory=list)
    exact: bool = False
    flags: list[str] = field(default_factory=list)


@lru_cache(maxsize=16384)  # asked of every cell of every row by each table reader
def is_label(cell: str | None) -> bool:
    return bool(cell) and not is_value_cell(cell)  # type: ignore[arg-type]


def fuzzy_match(normalized: str, matcher: LabelMatcher) -> str | None:
    """Best close label for a misprinted or OCR-damaged one (``其他法律行政止公开``)."""
    if not matcher.reachable(len(normalized)) or len(_CJK.findall(normalized)) < _FUZZY_MIN_CJK:
        return None
    return matcher.match(normalized)


#: Reading flags of a row that make its values uncertain (Cell.uncertain), by priority.
UNCERTAIN_FLAGS = (
    "placement_not_unique",
    "collapsed_blanks",
    "value_count_mismatch",
    "token_count_mismatch",
)


def uncertain_reason(flags: list[str]) -> str | None:
    """The reason a row's values may be wrong, from its reading flags; None when certain."""
    return next((flag for flag in UNCERTAIN_FLAGS if flag in flags), None)


def mark_uncertain(cells: list[Cell], reason: str | None) -> None:
    """Set ``uncertain`` on the cells that hold a read value (unknown cells stay unknown)."""
    if reason is None:
        return
    for cell in cells:
        if cell.value is not None or cell.derived is not None:
            cell.uncertain = cell.uncertain or reason


def fit_values(cells: list[str | None], n: int, exact: bool) -> tuple[list[str | None], list[str]]:
    """Fit the value cells collected for a row to ``n`` columns.

    Returns the ``n`` raw cell texts ('' = printed blank, None = not printed at all, as in a
    row cut short) and flags. Grid rows keep positions; text rows lose blank cells as padding
    unless keeping them is the only way to get ``n`` cells.
    """
    values = [cell or "" for cell in cells if cell is not None]
    if exact and len(values) == n:
        return as_cells(values), []
    joined = "".join(values)
    if ("|" in joined or "｜" in joined) and any(is_pipe_blanks(v) for v in values):
        placed = _pipe_blanks(values, n)
        if placed is not None:
            return placed
        values = [v for v in values if not is_pipe_blanks(v)]
    filled = [v for v in values if v.strip()]
    if len(filled) == 1 and n > 1 and _glued_zeros(filled[0], n):
        return ["0"] * n, ["glued_zeros"]
    if len(filled) == n:
        return as_cells(filled), []
    trimmed = list(values)
    while len(trimmed) > n and not trimmed[-1].strip():
        trimmed.pop()
    while len(trimmed) > n and not trimmed[0].strip():
        trimmed.pop(0)
    if len(trimmed) == n:
        return as_cells(trimmed), []
    padded: list[str | None] = [*filled[:n], *([None] * max(0, n - len(filled)))]
    return padded, ["token_count_mismatch"]


_PIPES = frozenset("|｜")


def is_pipe_blanks(cell: str) -> bool:
    """A line of pipes only, in a text dump of a grid: ``|`` is one blank cell, ``|||`` a run
    of blank cells whose number was lost (or, after a full row, its empty padding)."""
    text = cell.strip()
    return bool(text) and set(text) <= _PIPES


def is_collapsed_blanks(cell: str) -> bool:
    """A run of two or more pipes: blank cells of unknown number."""
    return is_pipe_blanks(cell) and len(cell.strip()) >= 2


def _pipe_blanks(values: list[str], n: int) -> tuple[list[str | None], list[str]] | None:
    """Place the pipe-only cells of a text dump; None when the other cells fill the row alone
    (the pipes were padding or an empty row, and are dropped by the caller).

    A lone ``|`` is one blank cell. A collapsed run takes the width the column count leaves:
    with one run that width is forced and the row exact; with several, the split between them
    is not known and the cells after the first run may sit in the wrong columns
    (``collapsed_blanks``)."""
    kept = [v for v in values if v.strip()]
    others = sum(1 for v in kept if not is_pipe_blanks(v))
    if others >= n:
        return None
    runs = [i for i, v in enumerate(kept) if is_collapsed_blanks(v)]
    lone = sum(1 for v in kept if is_pipe_blanks(v) and not is_collapsed_blanks(v))
    spare = n - others - lone
    if spare < len(runs) or (not runs and spare):
        filled = [v for v in kept if not is_pipe_blanks(v)]
        return [*filled[:n], *([None] * max(0, n - len(filled)))], ["token_count_mismatch"]
    out: list[str | None] = []
    for index, value in enumerate(kept):
        if index in runs:
            out.extend([""] * (spare - (len(runs) - 1) if index == runs[0] else 1))
        else:
            out.append("" if is_pipe_blanks(value) else value)
    return out, [] if len(runs) <= 1 else ["collapsed_blanks"]


def _glued_zeros(text: str, n: int) -> bool:
    digits = text.replace(" ", "")
    return len(digits) == n and set(digits) == {"0"}


# Resolves a normalized label in the current context to a row key, a group key, or None.
Classifier = Callable[[str, str, str | None], tuple[str, str] | None]


def _find_labels(cell: str, classify: Classifier, group: str | None) -> list[tuple[str, str, str]]:
    """(kind, key, raw) of the labels in one cell.

    A cell is one label, or, in PDF text, several joined by spaces ("三、本年度办理结果
    （一）予以公开"); spaces can also split one label ("商业 企业"). A group label found in the
    cell is the group of the labels after it.
    """
    found = classify(normalize_label(cell), cell, group)
    if found is not None:
        return [(found[0], found[1], cell)]
    parts = label_parts(cell)
    if len(parts) < 2:
        return []

    def match(raw: str) -> tuple[str, str] | None:
        nonlocal group
        found = classify(normalize_label(raw), raw, group)
        if found is not None and found[0] == "group":
            group = found[1]
        return found

    return [(kind, key, raw) for raw, (kind, key) in split_labels(parts, match) or ()]


_HEADER_LABELS = 3


def _label_count(row: Row) -> int:
    """How many of the row's filled cells are labels (the two tests below, counted once)."""
    return sum(map(is_label, row.filled()))


def _value_cells(row: Row, labels: int) -> list[str] | None:
    """The cells of a row that holds nothing but values (blank padding dropped), else None."""
    filled = row.filled()
    if not filled or labels:
        return None
    return filled


def _is_header_row(row: Row, labels: int) -> bool:
    """A row of labels only (自然人 | 法人或其他组织 | 总计; 类别 | 数据1 | … | 总计): column
    headers, whose words (总计, 其他, 予以公开) must not start table rows."""
    filled = row.filled()
    return len(filled) >= _HEADER_LABELS and labels == len(filled)


def read_labelled_rows(
    rows: list[Row], classify: Classifier, width: int, order: dict[str, int] | None = None
) -> tuple[list[LabelledRow], list[tuple[str, list[str]]]]:
    """Walk rows, attach value cells to the last recognised label.

    ``classify(normalized, raw, group)`` returns ``("row", key)``, ``("group", key)`` or None.
    Returns the labelled rows in order and the unrecognised labels that carried values.

    PDF text prints a wrapped row's values on a line of their own, before, between or after
    its label lines. A complete line of ``width`` values that arrives when the current row is
    already complete is therefore held back and given to the next label that has none.

    A transcription can also print a run of labels (several rows') and then a run of value
    lines without labels. Complete value lines then go to the waiting labels in print order
    (flag ``detached``). When the run ends (a row with its own label and values, or the end)
    with labels still waiting, the lines that came could belong to any of them in order: their
    rows are flagged ``placement_not_unique``. A run follows the template ``order`` (row key
    -> position): a label that goes back in it (a column header such as 总计 above the first
    row) starts a new run.
    """
    out: list[LabelledRow] = []
    unmatched: list[tuple[str, list[str]]] = []
    pending: list[list[str]] = []
    current: LabelledRow | None = None
    orphan: tuple[str, list[str]] | None = None
    group: str | None = None

    waiting: list[LabelledRow] = []  # labels of the current run still without values
    placed: list[LabelledRow] = []  # labels of the current run given a detached value line

    def has_values(entry: LabelledRow) -> bool:
        return any(cell and cell.strip() for cell in entry.cells)

    def close_run() -> None:
        if placed and any(not has_values(entry) for entry in waiting):
            for entry in placed:
                entry.flags.append("placement_not_unique")
        waiting.clear()
        placed.clear()

    def complete(entry: LabelledRow | None) -> bool:
        if entry is None or entry.key.startswith("@"):
            return True  # a group header takes values only from its own row
        return sum(1 for cell in entry.cells if cell and cell.strip()) >= width

    for row in rows:
        label_count = _label_count(row)
        if _is_header_row(row, label_count):
            continue
        values = None if row.exact else _value_cells(row, label_count)
        if values is not None and len(values) == width:
            while waiting and has_values(waiting[0]):
                waiting.pop(0)
            if waiting and (len(waiting) > 1 or placed):
                entry = waiting.pop(0)
                entry.cells.extend(values)
                entry.flags += ["detached", "off_row"]
                placed.append(entry)
                continue
            if complete(current):
                pending.append(values)
                continue
        labels_in_row = False
        new_entries: list[LabelledRow] = []
        for cell in row.cells:
            if cell is None:
                continue
            if not is_label(cell):
                if current is not None and (labels_in_row or not current.key.startswith("@")):
                    current.cells.append(cell)
                    current.exact = current.exact and row.exact
                    if not labels_in_row and cell.strip() and "off_row" not in current.flags:
                        current.flags.append("off_row")
                elif orphan is not None and cell.strip():
                    orphan[1].append(cell)
                continue
            labels = _find_labels(cell, classify, group)
            if not labels:
                if current is not None and not any(v and v.strip() for v in current.cells):
                    continue  # a label split over several cells or lines
                if len(normalize_label(cell)) > _FRAGMENT and (current or orphan):
                    current = None
                    orphan = (cell, [])
                    unmatched.append(orphan)
                continue  # short fragments of wrapped labels, page footers
            orphan = None
            labels_in_row = True
            if any(c and not is_label(c) and c.strip() for c in row.cells):
                close_run()  # a row read by its own label ends a run of detached labels
            for kind, key, raw in labels:
                if kind == "group":
                    group = key
                    current = LabelledRow(key=f"@{key}", label=raw, exact=row.exact)
                else:
                    if "." in key:
                        group = key.split(".", 1)[0]
                    current = LabelledRow(key=key, label=raw, exact=row.exact)
                out.append(current)
                new_entries.append(current)
        if (
            current is not None
            and not current.key.startswith("@")
            and pending
            and not any(cell and cell.strip() for cell in current.cells)
        ):
            current.cells.extend(pending.pop(0))
            current.flags += ["held_value", "off_row"]
        for entry in new_entries:
            if entry.key.startswith("@") or has_values(entry):
                continue
            if waiting and order and order.get(entry.key, 0) <= order.get(waiting[-1].key, 0):
                close_run()
            waiting.append(entry)
    close_run()
    if pending:  # more value lines than labels: any line placed away from its label may be wrong
        for entry in out:
            if "off_row" in entry.flags:
                entry.flags.append("value_count_mismatch")
    for values in pending:
        unmatched.append(("(values without a label)", values))
    return out, [(label, values) for label, values in unmatched if values]
