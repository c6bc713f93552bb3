"""Uncertain cells, and the index that keeps cross-report queries on one table scan.

- ``cell.uncertain``: why a value that was read may still be wrong (``Cell.uncertain`` of the
  parser: a positional placement that is not unique, value rows that do not match the labels,
  a shape fallback), ``NULL`` where the page decides the value. A wrong number nobody notices
  is the worst output this project can produce, so the mark is stored with the cell and shown
  by the analyst views: ``report_value.uncertain`` per cell, ``report_wide.uncertain_cells``
  per report.
- An index on ``cell (family, col_key, report_id)``: the township query ("table 三 totals of
  every township report") filters on family and column and joins on the report; the older
  index (family, row_key, col_key) leads with the row and cannot serve it.

The two views are recreated with their new SQL (frozen here, as env.py asks); 0002's SQL is
restored on downgrade.

Created 2026-12-05.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0005", "0004"

INDEX = "ix_cell_family_col_key_report_id"


def _revision_0002():
    """0002's module, for its frozen view SQL (revisions are files, not an importable package)."""
    path = Path(__file__).with_name("0002_authorities_revisions_views.py")
    spec = importlib.util.spec_from_file_location("nianbao_migration_0002", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report_wide_with_uncertain(sql_0002: str) -> str:
    """0002's report_wide plus the count of each report's uncertain cells."""
    head, _, rest = sql_0002.partition("FROM report r\n")
    counted = (
        head.rstrip().rstrip(",") + ",\n    COALESCE(u.uncertain_cells, 0) AS uncertain_cells\n"
    )
    join = (
        "LEFT JOIN (\n    SELECT report_id, COUNT(*) AS uncertain_cells FROM cell\n"
        "    WHERE uncertain IS NOT NULL GROUP BY report_id\n) u ON u.report_id = r.id\n"
    )
    return counted + "FROM report r\n" + rest.rstrip() + "\n" + join


def _report_value_with_uncertain(sql_0002: str) -> str:
    """0002's report_value with ``uncertain`` after ``provenance`` (NULL for prose figures)."""
    cells, _, prose = sql_0002.partition("UNION ALL")
    cells = cells.replace("    END AS provenance\n", "    END AS provenance, c.uncertain\n", 1)
    prose = prose.replace("'prose', 'prose'\n", "'prose', 'prose', NULL\n", 1)
    return f"{cells}UNION ALL{prose}"


def upgrade() -> None:
    old = _revision_0002()
    op.execute("DROP VIEW IF EXISTS report_wide")
    op.execute("DROP VIEW IF EXISTS report_value")
    with op.batch_alter_table("cell") as batch:
        batch.add_column(sa.Column("uncertain", sa.String(64), nullable=True))
    op.create_index(INDEX, "cell", ["family", "col_key", "report_id"])
    op.execute(_report_wide_with_uncertain(old._report_wide_sql()))
    op.execute(_report_value_with_uncertain(old.REPORT_VALUE_SQL))


def downgrade() -> None:
    old = _revision_0002()
    op.execute("DROP VIEW IF EXISTS report_wide")
    op.execute("DROP VIEW IF EXISTS report_value")
    op.drop_index(INDEX, table_name="cell")
    with op.batch_alter_table("cell") as batch:
        batch.drop_column("uncertain")
    op.execute(old._report_wide_sql())
    op.execute(old.REPORT_VALUE_SQL)
