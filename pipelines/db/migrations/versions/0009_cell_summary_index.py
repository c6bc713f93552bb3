"""One partial index for the cells the views read across reports, instead of two full ones.

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

Created 2026-12-07.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0009", "0008"

INDEX = "ix_cell_summary"
PREDICATE = "col_key = 'total' OR family = 't4'"
DROPPED = {
    "ix_cell_family_row_key_col_key": ["family", "row_key", "col_key"],  # 0001
    "ix_cell_family_col_key_report_id": ["family", "col_key", "report_id"],  # 0005
}


def upgrade() -> None:
    for name in DROPPED:
        op.drop_index(name, table_name="cell")
    op.create_index(
        INDEX,
        "cell",
        ["family", "report_id", "row_key", "col_key"],
        sqlite_where=sa.text(PREDICATE),
        postgresql_where=sa.text(PREDICATE),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="cell")
    for name, columns in DROPPED.items():
        op.create_index(name, "cell", columns)
