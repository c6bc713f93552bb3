"""Initial schema: authority, report, cell, check_result, prose_metric.

Constraint names are final (``op.f``): they are what models.NAMING_CONVENTION produces.

Created 2025-01-01.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0001", None

LEVELS = "'national', 'province', 'city', 'county', 'township', 'department'"


def _value() -> sa.Numeric:
    return sa.Numeric(20, 5)


def _owned_by_report(table: str) -> tuple[sa.ForeignKeyConstraint, sa.PrimaryKeyConstraint]:
    """The keys of a table of a report's parts (cells, checks, prose figures): its own id, and
    its report's, whose deletion takes the parts with it."""
    return (
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f(f"fk_{table}_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )


def upgrade() -> None:
    op.create_table(
        "authority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("portal", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint(
            f"level IS NULL OR level IN ({LEVELS})", name=op.f("ck_authority_level")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority")),
        sa.UniqueConstraint("name", name=op.f("uq_authority_name")),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("report_year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("index_no", sa.Text(), nullable=True),
        sa.Column("format", sa.String(16), nullable=True),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("table_meta", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("content_sha256", sa.String(64), nullable=True),
        sa.Column("spider", sa.String(100), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["authority.id"], name=op.f("fk_report_authority_id_authority")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint(
            "authority_id", "report_year", name=op.f("uq_report_authority_id_report_year")
        ),
    )
    op.create_index(op.f("ix_report_authority_id"), "report", ["authority_id"])
    op.create_table(
        "cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.String(16), nullable=False),
        sa.Column("family", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(128), nullable=False),
        sa.Column("col_key", sa.String(128), nullable=False),
        sa.Column("value", _value(), nullable=True),
        sa.Column("value_raw", sa.Text(), nullable=True),
        sa.Column("value_source", sa.String(16), nullable=False),
        sa.Column("value_derived", _value(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        *_owned_by_report("cell"),
        sa.UniqueConstraint(
            "report_id",
            "table_id",
            "row_key",
            "col_key",
            name=op.f("uq_cell_report_id_table_id_row_key_col_key"),
        ),
    )
    op.create_index(
        op.f("ix_cell_family_row_key_col_key"), "cell", ["family", "row_key", "col_key"]
    )
    op.create_table(
        "check_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("binding", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lhs", _value(), nullable=True),
        sa.Column("rhs", _value(), nullable=True),
        sa.Column("diff", _value(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pass', 'fail', 'not_checkable')", name=op.f("ck_check_result_status")
        ),
        *_owned_by_report("check_result"),
    )
    op.create_index(op.f("ix_check_result_report_id"), "check_result", ["report_id"])
    op.create_index(op.f("ix_check_result_rule_id_status"), "check_result", ["rule_id", "status"])
    op.create_table(
        "prose_metric",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", _value(), nullable=False),
        sa.Column("span", sa.Text(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        *_owned_by_report("prose_metric"),
    )
    op.create_index(op.f("ix_prose_metric_report_id"), "prose_metric", ["report_id"])


def downgrade() -> None:
    op.drop_table("prose_metric")
    op.drop_table("check_result")
    op.drop_table("cell")
    op.drop_table("report")
    op.drop_table("authority")
