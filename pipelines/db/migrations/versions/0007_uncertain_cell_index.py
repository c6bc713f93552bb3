"""A partial index of the uncertain cells, so that ``report_wide`` stays fast at scale.

``report_wide.uncertain_cells`` (0005) counts each report's cells with an ``uncertain`` mark:
``SELECT report_id, COUNT(*) FROM cell WHERE uncertain IS NOT NULL GROUP BY report_id``. With
no index that is a scan of every cell: on 10,000 reports (a million cells) the township query,
which reads ``report_wide``, took 470 ms on SQLite. The uncertain cells are few, so a partial
index holding only them answers the count from a handful of entries (both engines support
partial indexes).

Created 2026-12-06.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0007", "0006"

INDEX = "ix_cell_uncertain_report_id"


def upgrade() -> None:
    op.create_index(
        INDEX,
        "cell",
        ["report_id"],
        sqlite_where=sa.text("uncertain IS NOT NULL"),
        postgresql_where=sa.text("uncertain IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="cell")
