"""Nightly bookkeeping: the seen-set of stored report pages and the run records.

- ``page_seen``: report pages whose report was stored, with ETag/Last-Modified and body hash.
- ``crawl_run``, ``crawl_run_spider``: each run, and per spider its pages, reports
  (new/updated/unchanged/kept), skips, errors, faults, rule violations and flags.

New tables only; nothing existing changes.

Created 2025-01-03.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "nightly01", "0002"


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "page_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("spider", sa.String(100), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("body_sha256", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("authority", sa.String(200), nullable=True),
        sa.Column("report_year", sa.Integer(), nullable=True),
        _when("first_seen"),
        _when("last_stored"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_seen")),
        sa.UniqueConstraint("url", name=op.f("uq_page_seen_url")),
    )
    op.create_index(op.f("ix_page_seen_spider"), "page_seen", ["spider"])
    op.create_table(
        "crawl_run",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("started_at"),
        _when("finished_at", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("host", sa.String(200), nullable=True),
        sa.Column("command", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_run")),
    )
    op.create_table(
        "crawl_run_spider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("spider", sa.String(100), nullable=False),
        _when("started_at", nullable=True),
        _when("finished_at", nullable=True),
        sa.Column("finish_reason", sa.String(64), nullable=True),
        _count("pages"),
        _count("full_downloads"),
        _count("not_modified"),
        _count("list_pages"),
        _count("report_links"),
        _count("report_pages"),
        _count("skipped_unchanged"),
        _count("reports_new"),
        _count("reports_updated"),
        _count("reports_unchanged"),
        _count("reports_kept"),
        _count("dropped"),
        _count("errors"),
        _count("requests"),
        sa.Column("error_rate", sa.Float(), nullable=False),
        _count("rule_violations"),
        sa.Column("faults", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_run.id"],
            name=op.f("fk_crawl_run_spider_run_id_crawl_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_run_spider")),
    )
    op.create_index(op.f("ix_crawl_run_spider_run_id"), "crawl_run_spider", ["run_id"])
    op.create_index(op.f("ix_crawl_run_spider_spider"), "crawl_run_spider", ["spider"])


def downgrade() -> None:
    op.drop_table("crawl_run_spider")
    op.drop_table("crawl_run")
    op.drop_table("page_seen")
