"""Table 二 (主动公开政府信息情况): a stack of blocks, each with its own ``信息内容`` header.

Each block says which columns its rows have, so the reader keeps the columns of the last header
it saw and reads each row label's values against them. The variant (2021: 制发/废止/现行有效;
2019: 新制作/新公开/对外公开总数, 上一年项目数量/本年增减) follows from the headers, block by
block, so a report mixing both is read and flagged ``era_mixed``.
"""

from __future__ import annotations

from functools import cache

from .cells import all_blank, t2_cell
from .labels import split_labels
from .layout import Row
from .model import Report, Table
from .normalize import normalize_label
from .rowreader import fit_values, is_label, mark_uncertain, uncertain_reason
from .spec import table_spec

_HEADER_START = "信息内容"
_BLOCK_START = "第二十条"  # 第二十条第（一）项 …, cut or wrapped in some reports
_VARIANTS = ("t2_2021", "t2_2019")


@cache
def _columns() -> dict[str, list[tuple[str, str]]]:
    """normalized column label -> [(variant, column key)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    for variant in _VARIANTS:
        for column in table_spec(variant).columns:
            for label in column.labels:
                out.setdefault(label, []).append((variant, column.key))
    return out


@cache
def _rows() -> dict[str, str]:
    out: dict[str, str] = {}
    for variant in _VARIANTS:
        for row in table_spec(variant).stored_rows():
            for label in row.labels:
                out.setdefault(label, row.key)
    return out


@cache
def _money_columns() -> frozenset[str]:
    return frozenset(
        col.key for v in _VARIANTS for col in table_spec(v).columns if col.type == "decimal"
    )


def _column_for(label: str, taken: list[str]) -> tuple[str | None, str] | None:
    """(variant the label votes for, or None when several formats share it; column key)."""
    candidates = _columns().get(label)
    if not candidates and len(label) >= 3:
        # Headers cut by the cell width: 本年增/ for 本年增/减.
        candidates = [c for known, cs in _columns().items() if known.startswith(label) for c in cs]
    if not candidates:
        return None
    voter = candidates[0][0] if len({v for v, _ in candidates}) == 1 else None
    # 本年新 | 本年新 (truncated 2019 headers): the first is made, the second published.
    for _, key in candidates:
        if key not in taken:
            return voter, key
    return voter, candidates[0][1]


def read_t2(rows: list[Row], report: Report) -> Table | None:
    """Read table 二 from the rows of its region; None when no block of it is found."""
    header: list[str] = []
    header_open = False
    votes: dict[str, int] = dict.fromkeys(_VARIANTS, 0)
    current: tuple[str, str, list[str | None], bool] | None = None  # key, label, cells, exact
    collected: list[tuple[str, list[str], list[str | None]]] = []  # key, columns, raw values
    reasons: dict[str, str] = {}  # row key -> why its values may be wrong
    problems: list[tuple[str, str]] = []  # reported unless the table is an unfilled template

    def close() -> None:
        nonlocal current
        if current is not None and header:
            key, label, cells, exact = current
            values, flags = fit_values(cells, len(header), exact)
            problems.extend((flag, f"row {key} ({label}): {cells!r}") for flag in flags)
            reason = uncertain_reason(flags)
            if reason is not None:
                reasons.setdefault(key, reason)
            collected.append((key, list(header), values))
        current = None

    for row in rows:
        for cell in _label_parts(row.cells):
            if cell is None:
                continue
            if not is_label(cell):
                if current is not None:
                    current[2].append(cell)
                continue
            label = normalize_label(cell)
            if label == _HEADER_START or label.startswith(_BLOCK_START):
                close()
                header, header_open = [], label == _HEADER_START
                continue
            column = _column_for(label, header) if header_open else None
            if column is not None:
                voter, column_key = column
                if voter is not None:
                    votes[voter] += 1  # only labels unique to one format vote
                header.append(column_key)
                continue
            header_open = False
            key = _rows().get(label)
            heading = cell.lstrip().startswith("#")  # a Markdown heading, not a row
            if key is None and header and len(label) <= 20 and _has_values(current) and not heading:
                key = "x_" + label  # a provincial extension row such as 其他主动公开文件
            if key is not None:
                close()
                current = (key, cell, [], row.exact)
            elif current is not None and not _has_values(current):
                continue  # a label wrapped over two cells
            else:
                close()
    close()
    collected = [c for c in collected if not (c[0].startswith("x_") and all_blank([c[2]]))]
    if not collected:
        return None
    table = Table(family="t2", variant=_variant(votes, report), layout="blocks")
    table.detection = (
        f"column headers only the 2021 format has: {votes['t2_2021']}, "
        f"only the 2019 format has: {votes['t2_2019']}"
        if any(votes.values())
        else f"no format-specific column header; chosen from report year {report.report_year}"
    )
    if all_blank([values for _, _, values in collected]):
        table.flags.append("table_unfilled")
        report.warn("table_unfilled", "every value cell of table 二 is blank", "t2")
        return table
    for code, detail in problems:
        report.warn(code, detail, "t2")
    money = _money_columns()
    for key, columns, values in collected:
        for col, raw in zip(columns, values, strict=True):
            if (key, col) not in table.cells:
                table.cells[(key, col)] = t2_cell(key, col, raw, money=col in money)
    for key, reason in reasons.items():
        mark_uncertain([cell for (row, _), cell in table.cells.items() if row == key], reason)
    return table


def _known(label: str) -> bool:
    return (
        label == _HEADER_START
        or label.startswith(_BLOCK_START)
        or label in _columns()
        or label in _rows()
    )


def _label_parts(cells: list[str | None]) -> list[str | None]:
    """Cells, with a header line printed as one cell split into its labels (PDF text:
    "信息内容 本年制发件数 本年废止件数 现行有效件数", or with no spaces at all); a cell is split
    only when it is made wholly of known labels."""
    out: list[str | None] = []
    for cell in cells:
        if cell and is_label(cell) and not _known(normalize_label(cell)):
            parts = _wholly_labels(cell)
            if parts:
                out.extend(parts)
                continue
        out.append(cell)
    return out


def _wholly_labels(cell: str) -> list[str] | None:
    """The known labels ``cell`` is made of, split on spaces (each word a label), else glued
    ("信息内容本年处理决定数量", matched character by character against the exact labels), or
    None."""
    words = cell.split()
    if len(words) > 1 and split_labels(words, _known_word, complete=True, max_chars=0):
        return words
    glued = split_labels(
        normalize_label(cell), _exact_label, joiner="", complete=True, max_chars=_longest()
    )
    return [label for label, _ in glued] if glued and len(glued) > 1 else None


def _known_word(word: str) -> bool | None:
    return _known(normalize_label(word)) or None


def _exact_label(label: str) -> bool | None:
    return label in _exact_labels() or None


@cache
def _exact_labels() -> frozenset[str]:
    """The labels a glued header is made of: 信息内容 and every column and row label."""
    return frozenset((_HEADER_START, *_columns(), *_rows()))


@cache
def _longest() -> int:
    return max(map(len, _exact_labels()))


def _has_values(current: tuple[str, str, list[str | None], bool] | None) -> bool:
    return current is None or any(cell and cell.strip() for cell in current[2])


def _variant(votes: dict[str, int], report: Report) -> str:
    """The variant the headers vote for; both present flags era_mixed."""
    if votes["t2_2021"] and votes["t2_2019"]:
        report.warn("era_mixed", f"table 二 headers of both formats: {votes}", "t2")
    if votes["t2_2019"] > votes["t2_2021"]:
        return "t2_2019"
    if votes["t2_2021"]:
        return "t2_2021"
    year = report.report_year
    return "t2_2019" if year is not None and year <= 2020 else "t2_2021"
