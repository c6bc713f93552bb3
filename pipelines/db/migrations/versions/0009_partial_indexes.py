"""Partial indexes for what is read across reports, instead of full ones nothing reads whole.

Every stored cell paid for three B-trees: the unique key (report, table, row, column), 0001's
``(family, row_key, col_key)`` and 0005's ``(family, col_key, report_id)``. Measured on this
machine, each full index cost about a third of SQLite's insert time and more on PostgreSQL,
where the two held bulk storage under 1,000 reports/s although no query needed them whole:
what is read across reports is table 三's 总计 column (``report_wide``'s t3 columns, the
township query) and table 四 (``report_wide``'s t4 columns), about a fifth of the cells.

So both full indexes go and one partial index holds only those cells, keyed to serve each
reader: ``family`` then ``report_id`` (``report_wide`` groups by report; the township query
joins each report to its two cells), then the row and the column. Both engines use a partial
index whose predicate the query's own terms imply (``col_key = 'total'`` or
``family = 't4'``). A query on any other column of many reports reads the cell table in one
scan; a report's own cells stay behind the unique key.

Check results likewise: 0001's ``(rule_id, status)`` index held every passed check, about
25 rows a report, while every reader across reports (the canned rule queries, the
indicators' rules broken) asks for failures. ``ix_check_result_failed`` holds those only,
by rule then report; a report's own checks stay behind ``ix_check_result_report_id``.

Created 2026-12-07.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0009", "0008"

#: name -> (table, columns, predicate) of the partial indexes created.
CREATED = {
    "ix_cell_summary": (
        "cell",
        ["family", "report_id", "row_key", "col_key"],
        "col_key = 'total' OR family = 't4'",
    ),
    "ix_check_result_failed": ("check_result", ["rule_id", "report_id"], "status = 'fail'"),
}
#: name -> (table, columns) of the full indexes dropped.
DROPPED = {
    "ix_cell_family_row_key_col_key": ("cell", ["family", "row_key", "col_key"]),  # 0001
    "ix_cell_family_col_key_report_id": ("cell", ["family", "col_key", "report_id"]),  # 0005
    "ix_check_result_rule_id_status": ("check_result", ["rule_id", "status"]),  # 0001
}


def upgrade() -> None:
    for name, (table, _columns) in DROPPED.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns, predicate) in CREATED.items():
        where = sa.text(predicate)
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name, (table, _columns, _predicate) in CREATED.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in DROPPED.items():
        op.create_index(name, table, columns)
