"""Authorities in the 行政区划, report scope, revisions, and the analyst views.

- ``authority``: parent authority, province/city/county, 6-digit division code, where the region
  came from, ``inferred`` (created as a parent); level ``street`` added.
- ``report``: ``scope`` joins the key, now (authority, report_year, scope) as SPEC.md §8 defines a
  report; ``parsed_from`` (page or attachment); ``source_urls`` (every URL seen); ``revision``.
- ``report_revision``: every reading of a report; each stored report gets revision 1.
- Views ``report_wide`` (one row per report with the table 三 and 四 totals), ``report_value``
  (every cell and prose figure in long form with its provenance) and ``report_check`` (check
  results with authority and year). Plain SQL both engines run; the SQL is frozen here, a later
  revision replaces a view by dropping and recreating it.

Created 2025-01-02.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0002", "0001"

OLD_LEVELS = "'national', 'province', 'city', 'county', 'township', 'department'"
LEVELS = "'national', 'province', 'city', 'county', 'township', 'street', 'department'"
REVISION_STATUSES = "'current', 'superseded', 'rejected', 'conflict'"

#: Table 三 rows summed over the 总计 column: a printed value, else the derived sum beside a
#: blank 总计. Group rows (不予公开 …) are the sums of their leaves.
T3_ROWS = {
    "new_requests": "row_key = 'new_requests'",
    "carried_over": "row_key = 'carried_over'",
    "granted": "row_key = 'granted'",
    "partially_granted": "row_key = 'partially_granted'",
    "denied": "row_key LIKE 'denied.%'",
    "unable": "row_key LIKE 'unable.%'",
    "not_processed": "row_key LIKE 'not_processed.%'",
    "other": "(row_key = 'other' OR row_key LIKE 'other.%')",
    "total_processed": "row_key = 'total_processed'",
    "carried_forward": "row_key = 'carried_forward'",
}
T4_ROWS = ("review", "litigation_direct", "litigation_after_review")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")
VALUE = "COALESCE(value, value_derived)"


def _report_wide_sql() -> str:
    t3 = ",\n        ".join(
        f"{'SUM' if 'LIKE' in cond else 'MAX'}(CASE WHEN {cond} THEN {VALUE} END) AS t3_{name}"
        for name, cond in T3_ROWS.items()
    )
    t4 = ",\n        ".join(
        f"MAX(CASE WHEN row_key = '{row}' AND col_key = '{col}' THEN {VALUE} END) AS t4_{row}_{col}"
        for row in T4_ROWS
        for col in T4_COLS
    )
    t3_cols = ", ".join(f"t3.t3_{name}" for name in T3_ROWS)
    t4_cols = ", ".join(f"t4.t4_{row}_{col}" for row in T4_ROWS for col in T4_COLS)
    return f"""
CREATE VIEW report_wide AS
SELECT r.id AS report_id, a.name AS authority, a.level, a.province, a.city, a.county,
    a.division_code, r.report_year, r.scope, r.format, r.published, r.parsed_from,
    r.source_url, r.violations, r.revision, {t3_cols}, {t4_cols}
FROM report r
JOIN authority a ON a.id = r.authority_id
LEFT JOIN (
    SELECT report_id,
        {t3}
    FROM cell WHERE family = 't3' AND col_key = 'total' GROUP BY report_id
) t3 ON t3.report_id = r.id
LEFT JOIN (
    SELECT report_id,
        {t4}
    FROM cell WHERE family = 't4' GROUP BY report_id
) t4 ON t4.report_id = r.id
"""


REPORT_VALUE_SQL = """
CREATE VIEW report_value AS
SELECT c.report_id, a.name AS authority, a.level, a.province, r.report_year, r.scope,
    c.family, c.table_id, c.row_key, c.col_key, c.value, c.value_derived, c.value_raw,
    c.value_source,
    CASE
        WHEN c.value_source = 'ocr' OR CAST(c.flags AS TEXT) LIKE '%"ocr"%' THEN 'ocr'
        WHEN c.value_source = 'derived' OR (c.value IS NULL AND c.value_derived IS NOT NULL)
            THEN 'derived'
        WHEN c.value IS NULL THEN 'missing'
        ELSE 'printed'
    END AS provenance
FROM cell c
JOIN report r ON r.id = c.report_id
JOIN authority a ON a.id = r.authority_id
UNION ALL
SELECT p.report_id, a.name, a.level, a.province, r.report_year, r.scope,
    'prose', 'prose', p.key, '', p.value, NULL, p.span, 'prose', 'prose'
FROM prose_metric p
JOIN report r ON r.id = p.report_id
JOIN authority a ON a.id = r.authority_id
"""

REPORT_CHECK_SQL = """
CREATE VIEW report_check AS
SELECT k.report_id, a.name AS authority, a.level, a.province, r.report_year, r.scope,
    k.rule_id, k.binding, k.status, k.lhs, k.rhs, k.diff, k.detail, r.source_url
FROM check_result k
JOIN report r ON r.id = k.report_id
JOIN authority a ON a.id = r.authority_id
"""

VIEWS = ("report_wide", "report_value", "report_check")


def _old_authority() -> sa.Table:
    """``authority`` as 0001 made it, for SQLite's table rebuild (named CHECK included)."""
    return sa.Table(
        "authority",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(16)),
        sa.Column("portal", sa.Text()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(f"level IS NULL OR level IN ({OLD_LEVELS})", name="ck_authority_level"),
        sa.UniqueConstraint("name", name="uq_authority_name"),
    )


def upgrade() -> None:
    with op.batch_alter_table("authority", copy_from=_old_authority()) as batch:
        batch.drop_constraint(op.f("ck_authority_level"), type_="check")
        batch.create_check_constraint("level", f"level IS NULL OR level IN ({LEVELS})")
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("province", sa.String(32), nullable=True))
        batch.add_column(sa.Column("city", sa.String(32), nullable=True))
        batch.add_column(sa.Column("county", sa.String(32), nullable=True))
        batch.add_column(sa.Column("division_code", sa.String(12), nullable=True))
        batch.add_column(sa.Column("region_source", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("inferred", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.create_foreign_key(
            op.f("fk_authority_parent_id_authority"),
            "authority",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_authority_parent_id"), ["parent_id"])
        batch.create_index(op.f("ix_authority_division_code"), ["division_code"])

    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), server_default="self", nullable=False))
        batch.add_column(sa.Column("parsed_from", sa.String(16), nullable=True))
        batch.add_column(sa.Column("source_urls", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch.drop_constraint(op.f("uq_report_authority_id_report_year"), type_="unique")
        batch.create_unique_constraint(
            op.f("uq_report_authority_id_report_year_scope"),
            ["authority_id", "report_year", "scope"],
        )
        batch.create_check_constraint("scope", "scope IN ('self', 'aggregate')")
        batch.create_index(op.f("ix_report_report_year"), ["report_year"])
        batch.create_index(op.f("ix_report_source_url"), ["source_url"])

    # Every stored report was found at its source URL: that is its first known URL.
    report = sa.table(
        "report",
        sa.column("id", sa.Integer()),
        sa.column("source_url", sa.Text()),
        sa.column("source_urls", sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(report.c.id, report.c.source_url)).all()
    for report_id, url in rows:
        connection.execute(
            report.update().where(report.c.id == report_id).values(source_urls=[url] if url else [])
        )
    with op.batch_alter_table("report") as batch:
        batch.alter_column("source_urls", existing_type=sa.JSON(), nullable=False)

    op.create_table(
        "report_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("content_sha256", sa.String(64), nullable=True),
        sa.Column("spider", sa.String(100), nullable=True),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            f"status IN ({REVISION_STATUSES})", name=op.f("ck_report_revision_status")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_revision_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_revision")),
        sa.UniqueConstraint(
            "report_id", "number", name=op.f("uq_report_revision_report_id_number")
        ),
    )
    op.execute(
        "INSERT INTO report_revision (report_id, number, status, created_at, source_url, "
        "content_sha256, spider, cells, violations, note) "
        "SELECT r.id, 1, 'current', r.updated_at, r.source_url, r.content_sha256, r.spider, "
        "(SELECT count(*) FROM cell c WHERE c.report_id = r.id), r.violations, 'migrated' "
        "FROM report r"
    )

    op.execute(_report_wide_sql())
    op.execute(REPORT_VALUE_SQL)
    op.execute(REPORT_CHECK_SQL)


def downgrade() -> None:
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.drop_table("report_revision")
    with op.batch_alter_table("report") as batch:
        batch.drop_index(op.f("ix_report_source_url"))
        batch.drop_index(op.f("ix_report_report_year"))
        batch.drop_constraint(op.f("ck_report_scope"), type_="check")
        batch.drop_constraint(op.f("uq_report_authority_id_report_year_scope"), type_="unique")
        batch.create_unique_constraint(
            "uq_report_authority_id_report_year", ["authority_id", "report_year"]
        )
        for column in ("revision", "source_urls", "parsed_from", "scope"):
            batch.drop_column(column)
    with op.batch_alter_table("authority") as batch:
        batch.drop_index(op.f("ix_authority_division_code"))
        batch.drop_index(op.f("ix_authority_parent_id"))
        batch.drop_constraint(op.f("fk_authority_parent_id_authority"), type_="foreignkey")
        for column in (
            "inferred",
            "region_source",
            "division_code",
            "county",
            "city",
            "province",
            "parent_id",
        ):
            batch.drop_column(column)
        batch.drop_constraint(op.f("ck_authority_level"), type_="check")
        batch.create_check_constraint("level", f"level IS NULL OR level IN ({OLD_LEVELS})")
