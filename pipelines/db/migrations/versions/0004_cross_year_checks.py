"""The rules across years as a view: X_CARRY, T2_2021_IN_FORCE_ROLL, T2_2019_ITEMS_ROLL.

They compare one authority's reports of consecutive years (same scope), so they can only run
where both years are stored. A view computes them from the stored cells whenever it is read:
storing either year, or a new revision of it, needs no re-check, and nothing is written that
could go stale. ``parsers.checks.cross_year_checks`` is the same rule set in Python.

Created 2026-11-25.
"""

from __future__ import annotations

from alembic import op

revision, down_revision = "0004", "nightly01"

# One SELECT per rule; every branch pairs a report with the same authority's report of the
# previous year and scope, and states the rule as lhs (this year) against rhs (from both).
_PAIR = """
FROM report r
JOIN report p ON p.authority_id = r.authority_id AND p.scope = r.scope
    AND p.report_year = r.report_year - 1
JOIN authority a ON a.id = r.authority_id
"""


def _status(lhs: str, rhs: str) -> str:
    return (
        f"CASE WHEN {lhs} IS NULL OR {rhs} IS NULL THEN 'not_checkable' "
        f"WHEN {lhs} = {rhs} THEN 'pass' ELSE 'fail' END"
    )


def _cell(alias: str, report: str, table: str, row: str, col: str) -> str:
    """A LEFT JOIN bringing one cell of ``report`` in as ``alias``."""
    return (
        f"LEFT JOIN cell {alias} ON {alias}.report_id = {report}.id "
        f"AND {alias}.table_id {table} AND {alias}.row_key = {row} AND {alias}.col_key = {col}"
    )


CARRY = f"""
SELECT r.id AS report_id, p.id AS previous_report_id, a.name AS authority, r.report_year,
    r.scope, 'X_CARRY' AS rule_id, cur.col_key AS binding,
    {_status("cur.value", "prev.value")} AS status,
    cur.value AS lhs, prev.value AS rhs, cur.value - prev.value AS diff
{_PAIR}
JOIN cell cur ON cur.report_id = r.id AND cur.family = 't3' AND cur.row_key = 'carried_over'
{_cell("prev", "p", "LIKE 't3%'", "'carried_forward'", "cur.col_key")}
"""

IN_FORCE = f"""
SELECT r.id, p.id, a.name, r.report_year, r.scope, 'T2_2021_IN_FORCE_ROLL', cur.row_key,
    {_status("cur.value", "prev.value + issued.value - repealed.value")},
    cur.value, prev.value + issued.value - repealed.value,
    cur.value - (prev.value + issued.value - repealed.value)
{_PAIR}
JOIN cell cur ON cur.report_id = r.id AND cur.table_id = 't2_2021' AND cur.col_key = 'in_force'
    AND cur.row_key IN ('regulations', 'normative_documents')
JOIN cell prev ON prev.report_id = p.id AND prev.table_id = 't2_2021'
    AND prev.row_key = cur.row_key AND prev.col_key = 'in_force'
{_cell("issued", "r", "= 't2_2021'", "cur.row_key", "'issued'")}
{_cell("repealed", "r", "= 't2_2021'", "cur.row_key", "'repealed'")}
"""

ITEMS = f"""
SELECT r.id, p.id, a.name, r.report_year, r.scope, 'T2_2019_ITEMS_ROLL', cur.row_key,
    {_status("cur.value", "prev.value + delta.value")},
    cur.value, prev.value + delta.value, cur.value - (prev.value + delta.value)
{_PAIR}
JOIN cell cur ON cur.report_id = r.id AND cur.table_id = 't2_2019' AND cur.col_key = 'prev_items'
JOIN cell prev ON prev.report_id = p.id AND prev.table_id = 't2_2019'
    AND prev.row_key = cur.row_key AND prev.col_key = 'prev_items'
{_cell("delta", "p", "= 't2_2019'", "cur.row_key", "'delta'")}
"""

VIEW_SQL = f"CREATE VIEW cross_year_check AS {CARRY} UNION ALL {IN_FORCE} UNION ALL {ITEMS}"


def upgrade() -> None:
    op.execute(VIEW_SQL)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS cross_year_check")
