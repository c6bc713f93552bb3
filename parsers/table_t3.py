"""Table 三 (收到和处理政府信息公开申请情况): 25 rows (2021) or 23 rows (2019) × 7 columns.

Rows are found by label, not by position, because real reports drop, merge and re-wrap rows.
The variant is decided by the table itself: sub-rows under （六）其他处理 mean the 2021 format,
values on （六）其他处理 itself mean the 2019 format, whatever the report year says.
"""

from __future__ import annotations

from functools import cache

from .cells import all_blank, count_cell, derive_row_totals
from .checks import t3_balance, t3_outcomes, t3_row_total
from .labels import LabelMatcher
from .layout import Row
from .model import Report, Table
from .normalize import normalize_label
from .rowreader import (
    FUZZY_CUTOFF,
    LabelledRow,
    fit_values,
    fuzzy_match,
    is_label,
    mark_uncertain,
    read_labelled_rows,
    uncertain_reason,
)
from .spec import T3_COLUMNS, table_spec

_OTHER_2021 = ("other.no_correction", "other.fee_unpaid", "other.other")


@cache
def _label_index() -> tuple[dict[str, list[tuple[str, str | None]]], dict[str, str]]:
    """normalized label -> [(row key, group)] over both variants; normalized group -> key."""
    rows: dict[str, list[tuple[str, str | None]]] = {}
    groups: dict[str, str] = {}
    for table_id in ("t3_2021", "t3_2019"):
        spec = table_spec(table_id)
        groups.update(spec.group_labels)
        for row in spec.stored_rows():
            for label in row.labels:
                entry = (row.key, row.group)
                if entry not in rows.setdefault(label, []):
                    rows[label].append(entry)
    return rows, groups


@cache
def _template_order() -> dict[str, int]:
    """Row key -> print position in the template; the 2019 （六）其他处理 row sits where the
    2021 sub-rows do."""
    keys = [row.key for row in table_spec("t3_2021").stored_rows()]
    order = {key: index for index, key in enumerate(keys)}
    order["other"] = order[_OTHER_2021[0]]
    return order


@cache
def _matcher() -> LabelMatcher:
    return LabelMatcher(_label_index()[0], cutoff=FUZZY_CUTOFF)


def _classify(normalized: str, raw: str, group: str | None) -> tuple[str, str] | None:
    rows, groups = _label_index()
    if normalized in groups:
        return "group", groups[normalized]
    candidates = rows.get(normalized)
    if candidates is None:
        close = fuzzy_match(normalized, _matcher())
        if close is None:
            return None
        candidates = rows[close]
    if len(candidates) == 1:
        key, row_group = candidates[0]
        # 3.其他 (and the column header 其他) mean （六）3.其他 only inside that group.
        return ("row", key) if key != "other.other" or group == "other" else None
    for key, row_group in candidates:
        if row_group == group:
            return "row", key
    return None


_MIN_START_LABEL = 6  # a table starting mid-way must start at a full row label, not 总计


def starts_t3(row: Row) -> bool:
    """Whether a row is a row of table 三 read by its own label and values (a page that
    begins in the middle of the table, with no heading or header above it)."""
    filled = row.filled()
    if len(filled) < 2 or not is_label(filled[0]) or is_label(filled[-1]):
        return False
    label = normalize_label(filled[0])
    return len(label) >= _MIN_START_LABEL and label in _label_index()[0]


def read_t3(rows: list[Row], report: Report) -> Table | None:
    """Read table 三 from the rows of its region; None when no row of it is found."""
    columns = _columns(rows)
    labelled, unmatched = read_labelled_rows(rows, _classify, len(columns), _template_order())
    labelled = _started(labelled)
    if not labelled:
        return None
    table = Table(family="t3", variant="t3_2021", layout=_layout(rows))
    if columns == COLLAPSED_COLUMNS:
        table.flags.append("columns_collapsed")
        report.warn("columns_collapsed", "法人或其他组织 printed as one column", "t3")
    if _split(rows):
        table.flags.append("table_split")
        report.warn("table_split", "table 三 reassembled from pieces (page break)", "t3")
    raw_rows, notes, reasons = _rows_by_label(labelled, report, len(columns))
    notes += [
        ("label_unmatched", f"{label!r} followed by {values!r}") for label, values in unmatched
    ]
    positional = _positional(rows, raw_rows, len(columns)) if notes else None
    if positional is not None:
        confirmed = {key for key, values in raw_rows.items() if positional.get(key) == values}
        raw_rows, notes = positional, []
        reasons = {key: "positional_fallback" for key in raw_rows if key not in confirmed}
        table.flags.append("positional_mapping")
        report.warn(
            "positional_mapping",
            "labels scrambled; values mapped by template order, agreeing with every row "
            "whose label was read",
            "t3",
        )
    if not {"new_requests", "carried_over"} & set(raw_rows):
        table.flags.append("table_partial")
        report.warn("table_partial", f"table 三 starts at row {next(iter(raw_rows), '')}", "t3")
    _choose_variant(table, raw_rows, report)
    if all_blank(list(raw_rows.values())):
        # An unfilled template: its blank rows are no reading problems, only this one fact.
        table.flags.append("table_unfilled")
        report.warn("table_unfilled", "every value cell of table 三 is blank", "t3")
        return table
    for code, detail in notes:
        report.warn(code, detail, "t3")
    for key, values in raw_rows.items():
        for col, raw in zip(columns, values, strict=True):
            table.cells[(key, col)] = count_cell(key, col, raw, is_total=col == "total")
    derive_row_totals(table, columns[:-1])
    if any("total_derived" in c.flags for c in table.cells.values()):
        table.flags.append("total_derived")
    if positional is not None and _rules_hold(table):
        reasons = {}  # every rule of the table confirms the template-order placement
    for key, reason in reasons.items():
        mark_uncertain([table.cells[(key, col)] for col in columns], reason)
    return table


def _rules_hold(table: Table) -> bool:
    """Whether T3_BALANCE, T3_ROW_TOTAL and T3_OUTCOMES all pass on every binding."""
    checks = t3_balance(table) + t3_row_total(table) + t3_outcomes(table)
    return all(check.status == "pass" for check in checks)


def _rows_by_label(
    labelled: list[LabelledRow], report: Report, width: int
) -> tuple[dict[str, list[str | None]], list[tuple[str, str]], dict[str, str]]:
    """Raw values per row key, the reading problems met (code, detail), and the reason each
    uncertain row's values may be wrong (Cell.uncertain)."""
    raw_rows: dict[str, list[str | None]] = {}
    notes: list[tuple[str, str]] = []
    reasons: dict[str, str] = {}
    with_values = {e.key for e in labelled if any(c and c.strip() for c in e.cells)}
    for entry in labelled:
        key = _stored_key(entry, report)
        if key is None:
            continue
        if key in with_values and not any(c and c.strip() for c in entry.cells):
            continue  # the label printed once more as a heading above its own row
        values, flags = fit_values(entry.cells, width, entry.exact)
        if key in raw_rows:
            notes.append(("duplicate_row", f"row {key} printed twice; first kept"))
            continue
        raw_rows[key] = values
        notes += [(flag, f"row {key}: {entry.cells!r}") for flag in flags]
        reason = uncertain_reason(entry.flags + flags)
        if reason == "token_count_mismatch" and entry is labelled[-1] and None in values:
            reason = None  # the text ends inside its last row: read from its start, rest unknown
        if reason is not None:
            reasons[key] = reason
            if reason != "token_count_mismatch":
                notes.append((reason, f"row {key} ({entry.label!r}) placed by print order"))
    return raw_rows, notes, reasons


def _value_groups(rows: list[Row], width: int) -> list[list[str | None]] | None:
    """The table's values as complete rows of ``width``, in print order; None if not."""
    groups: list[list[str | None]] = []
    for row in rows:
        values: list[str | None] = [cell for cell in row.filled() if not is_label(cell)]
        if not values:
            continue
        if len(values) % width:
            return None
        groups += [values[i : i + width] for i in range(0, len(values), width)]
    return groups


def _positional(
    rows: list[Row], by_label: dict[str, list[str | None]], width: int
) -> dict[str, list[str | None]] | None:
    """Map value rows to template rows by order, for tables whose labels came apart from
    their values (PDF transcriptions). Used only when there are exactly as many complete
    value rows as a template (2021: 25, 2019: 23) has rows, and every row read by its label
    agrees."""
    groups = _value_groups(rows, width)
    if groups is None:
        return None
    templates = {len(table_spec(v).stored_rows()): v for v in ("t3_2021", "t3_2019")}
    if len(groups) not in templates:
        return None
    keys = [row.key for row in table_spec(templates[len(groups)]).stored_rows()]
    mapped: dict[str, list[str | None]] = dict(zip(keys, groups, strict=True))
    agreeing = 0
    for key, values in by_label.items():
        if None in values:
            continue
        if mapped.get(key) != values:
            return None
        agreeing += 1
    return mapped if agreeing * 2 >= len(keys) else None


COLLAPSED_COLUMNS = ("natural_person", "org_subtotal", "total")
_ORG_MEMBERS = ("商业", "科研", "公益", "法律服务")


def _columns(rows: list[Row]) -> tuple[str, ...]:
    """The columns printed: the template's seven, or 自然人 | 法人或其他组织 | 总计 when the
    header names the organisations as one column (flag ``columns_collapsed``)."""
    header: list[str] = []
    for row in rows:
        text = "".join(row.filled())
        if "本年新收" in text:
            break
        header.append(text)
    joined = "".join("".join(header).split())
    if "法人或其他组织" in joined and not any(word in joined for word in _ORG_MEMBERS):
        return COLLAPSED_COLUMNS
    return T3_COLUMNS


def _split(rows: list[Row]) -> bool:
    """Whether the table arrived in pieces: several HTML tables, or its header printed again
    after data rows (a PDF page break repeats it)."""
    if len({row.table for row in rows if row.exact and row.filled()}) > 1:
        return True
    headers = [i for i, row in enumerate(rows) if "申请人情况" in "".join(row.filled())]
    return len(headers) > 1


def _started(labelled: list[LabelledRow]) -> list[LabelledRow]:
    """Drop anything before the first data row (header cells such as 总计 or 其他)."""
    for index, entry in enumerate(labelled):
        if entry.key == "new_requests" or entry.key == "carried_over":
            return labelled[index:]
    return labelled


def _stored_key(entry: LabelledRow, report: Report) -> str | None:
    """Row key for a labelled row; group headers count only when they carry values."""
    if not entry.key.startswith("@"):
        return entry.key
    if not any(cell and cell.strip() for cell in entry.cells):
        return None
    group = entry.key[1:]
    if group == "other":
        return "other"  # the 2019 format's single （六）其他处理 row
    if group != "outcomes":
        report.warn("group_row_printed", f"values printed on group header {entry.label!r}", "t3")
    return None


def _choose_variant(table: Table, raw_rows: dict[str, list[str | None]], report: Report) -> None:
    has_2021 = any(key in raw_rows for key in _OTHER_2021)
    has_2019 = "other" in raw_rows
    if has_2021 and has_2019:
        table.variant = "t3_2021"
        table.detection = "both a （六）其他处理 leaf and its 2021 sub-rows; sub-rows win"
        report.warn("era_mixed", table.detection, "t3")
        raw_rows.pop("other")
    elif has_2021:
        table.detection = "（六）其他处理 has sub-rows 1–3"
    elif has_2019:
        table.variant = "t3_2019"
        table.detection = "（六）其他处理 carries its own values"
    else:
        year = report.report_year
        table.variant = "t3_2019" if year is not None and year <= 2020 else "t3_2021"
        table.detection = f"no （六）其他处理 row; chosen from report year {year}"
        report.warn("variant_from_year", table.detection, "t3")


def _layout(rows: list[Row]) -> str:
    if any(row.exact for row in rows):
        return "grid"
    if all(len(row.filled()) <= 1 for row in rows):
        return "cell_per_line"
    return "rows"
