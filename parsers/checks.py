"""The consistency rules (勾稽关系) of report_format.json, evaluated on one report.

Numbers are compared exactly as printed. A rule whose operand is missing, or only derived from
a blank total, is ``not_checkable``; a rule that fails is recorded with both sides and never
"fixed": a published table that breaks its own rules is itself data.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from .model import Check, CheckStatus, Number, Report, Table
from .spec import T3_COLUMNS, T4_COLUMNS, T4_ROWS, table_spec

_T3_GROUPS = ("denied", "unable", "not_processed")


def run_checks(report: Report) -> list[Check]:
    """All within-report rules (hard and soft) that apply to the tables found."""
    checks: list[Check] = []
    t2, t3, t4 = (report.tables.get(f) for f in ("t2", "t3", "t4"))
    if t3 is not None and t3.cells:
        checks += t3_balance(t3) + t3_row_total(t3) + t3_outcomes(t3)
    if t4 is not None and t4.cells:
        checks += t4_group_total(t4)
    if t2 is not None and t2.variant == "t2_2019" and t2.cells:
        checks += t2_2019_cumulative(t2)
    checks += prose_checks(report)
    return checks


def _compare(rule: str, binding: str, lhs: Number | None, rhs: Number | None) -> Check:
    if lhs is None or rhs is None:
        return Check(rule, "not_checkable", binding, lhs, rhs, "an operand is missing or derived")
    status: CheckStatus = "pass" if lhs == rhs else "fail"
    detail = f"{lhs} == {rhs}" if status == "pass" else f"{lhs} != {rhs} (diff {lhs - rhs})"
    return Check(rule, status, binding, lhs, rhs, detail)


def _sum(values: Iterable[Number | None]) -> Number | None:
    total: Number = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _group_value(table: Table, group: str, col: str) -> Number | None:
    """A derived group row (denied, unable, not_processed, other) for one column."""
    if group == "other" and table.variant == "t3_2019":
        return table.value("other", col)
    leaves = _leaves(table.variant, group)
    present = [leaf for leaf in leaves if (leaf, col) in table.cells]
    if not present:
        return None
    return _sum(table.value(leaf, col) for leaf in present)


@cache
def _leaves(variant: str, group: str) -> tuple[str, ...]:
    return tuple(
        row.key for row in table_spec(variant).stored_rows() if row.key.startswith(group + ".")
    )


def _t3_columns(table: Table) -> tuple[str, ...]:
    """The columns this table printed (seven, or three when the organisations are one)."""
    if "org_subtotal" in {col for _, col in table.cells}:
        return ("natural_person", "org_subtotal", "total")
    return T3_COLUMNS


def t3_balance(table: Table) -> list[Check]:
    out = []
    for col in _t3_columns(table):
        lhs = _sum(table.value(r, col) for r in ("new_requests", "carried_over"))
        rhs = _sum(table.value(r, col) for r in ("total_processed", "carried_forward"))
        out.append(_compare("T3_BALANCE", col, lhs, rhs))
    return out


def t3_row_total(table: Table) -> list[Check]:
    rows = dict.fromkeys(row for row, _ in table.cells)
    parts = _t3_columns(table)[:-1]
    return [
        _compare(
            "T3_ROW_TOTAL",
            row,
            table.value(row, "total"),
            _sum(table.value(row, col) for col in parts),
        )
        for row in rows
    ]


def t3_outcomes(table: Table) -> list[Check]:
    out = []
    for col in _t3_columns(table):
        parts = [table.value("granted", col), table.value("partially_granted", col)]
        parts += [_group_value(table, group, col) for group in (*_T3_GROUPS, "other")]
        out.append(_compare("T3_OUTCOMES", col, table.value("total_processed", col), _sum(parts)))
    return out


def t4_group_total(table: Table) -> list[Check]:
    return [
        _compare(
            "T4_GROUP_TOTAL",
            row,
            table.value(row, "total"),
            _sum(table.value(row, col) for col in T4_COLUMNS[:-1]),
        )
        for row in T4_ROWS
    ]


def t2_2019_cumulative(table: Table) -> list[Check]:
    out = []
    for row in ("regulations", "normative_documents"):
        total, published = table.value(row, "total_published"), table.value(row, "published")
        if total is None or published is None:
            out.append(Check("T2_2019_CUMULATIVE", "not_checkable", row, total, published))
            continue
        status: CheckStatus = "pass" if total >= published else "fail"
        out.append(
            Check("T2_2019_CUMULATIVE", status, row, total, published, f"{total} >= {published}")
        )
    return out


_PROSE_RULES = (
    ("X_PROSE_NEW", "requests_received", "t3", "new_requests", "total"),
    ("X_PROSE_CARRIED_OVER", "requests_carried_over", "t3", "carried_over", "total"),
    ("X_PROSE_PROCESSED", "requests_processed", "t3", "total_processed", "total"),
    ("X_PROSE_CARRIED_FORWARD", "requests_carried_forward", "t3", "carried_forward", "total"),
    ("X_PROSE_REVIEW", "review_cases", "t4", "review", "total"),
    ("X_PROSE_LITIGATION", "litigation_cases", "t4", "litigation", "total"),
    (
        "X_PROSE_NORMATIVE_IN_FORCE",
        "normative_documents_in_force",
        "t2",
        "normative_documents",
        "in_force",
    ),
)


def prose_checks(report: Report) -> list[Check]:
    """Soft rules: figures stated in prose against the table cells."""
    prose = {metric.key: metric.value for metric in report.prose}
    out = []
    for rule, metric, family, row, col in _PROSE_RULES:
        table = report.tables.get(family)
        if metric not in prose or table is None or not table.cells:
            continue
        if row == "litigation":
            cell = _sum(
                table.value(r, col) for r in ("litigation_direct", "litigation_after_review")
            )
        else:
            cell = table.value(row, col)
        check = _compare(rule, f"prose:{metric}", prose[metric], cell)
        if rule == "X_PROSE_NEW" and check.status == "fail":
            # 受理 N 件 sometimes counts carried-over requests too.
            with_carry = _sum([cell, table.value("carried_over", "total")])
            if with_carry is not None and with_carry == prose[metric]:
                check = Check(
                    rule,
                    "pass",
                    check.binding,
                    prose[metric],
                    with_carry,
                    "prose count includes carried-over requests",
                )
        out.append(check)
    return out


# --- across reports ---------------------------------------------------------------------------

_ROLL_2019_ROWS = ("licensing", "other_services", "penalty", "coercion", "fees")


def cross_year_checks(current: Report, previous: Report) -> list[Check]:
    """Soft rules between one authority's reports for consecutive years (same scope).

    X_CARRY: this year's 上年结转 equals last year's 结转下年度, per column, across the
    2019/2021 boundary. T2_2021_IN_FORCE_ROLL: 现行有效 rolls forward by 制发 − 废止 (expiry
    without repeal breaks it legitimately). T2_2019_ITEMS_ROLL: 上一年项目数量 equals last
    year's plus its 本年增/减. Rules whose tables are absent or of another variant are skipped.
    """
    if (
        current.report_year is None
        or previous.report_year is None
        or current.report_year - previous.report_year != 1
    ):
        return []
    out: list[Check] = []
    t3, prev_t3 = current.tables.get("t3"), previous.tables.get("t3")
    if t3 is not None and prev_t3 is not None and t3.cells and prev_t3.cells:
        for col in T3_COLUMNS:
            out.append(
                _compare(
                    "X_CARRY",
                    col,
                    t3.value("carried_over", col),
                    prev_t3.value("carried_forward", col),
                )
            )
    t2, prev_t2 = current.tables.get("t2"), previous.tables.get("t2")
    if t2 is None or prev_t2 is None or not t2.cells or not prev_t2.cells:
        return out
    if t2.variant == prev_t2.variant == "t2_2021":
        for row in ("regulations", "normative_documents"):
            parts = [prev_t2.value(row, "in_force"), t2.value(row, "issued")]
            repealed = t2.value(row, "repealed")
            total = _sum(parts)
            rolled = None if total is None or repealed is None else total - repealed
            out.append(_compare("T2_2021_IN_FORCE_ROLL", row, t2.value(row, "in_force"), rolled))
    elif t2.variant == prev_t2.variant == "t2_2019":
        for row in _ROLL_2019_ROWS:
            prev = _sum([prev_t2.value(row, "prev_items"), prev_t2.value(row, "delta")])
            out.append(_compare("T2_2019_ITEMS_ROLL", row, t2.value(row, "prev_items"), prev))
    return out
