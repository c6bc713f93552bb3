"""The crawling process of each run, so that a run killed hard is closed by the next one.

``crawl_run.pid``: a run record is opened as ``running`` and closed when the crawl ends; a
crawl killed with SIGKILL (or by the OOM killer, or a power loss) never closes it, and the run
stayed ``running`` forever. The next run on the same host closes every ``running`` run whose
process is gone as ``killed`` (pipelines/db/nightly.py: ``close_stale_runs``).

Created 2026-12-06.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0006", "0005"


def upgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("pid", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_column("pid")
