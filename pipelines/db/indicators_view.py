"""The view ``indicators``: its SQL, built from the definitions in ``indicators.py``; reading it.

The view is one row per report (authority, report year, scope). It reads ``report``,
``authority``, ``check_result``, ``prose_metric``, the view ``report_wide`` (this year and the
previous one) and the view ``cross_year_check``; a migration that drops one of those views must
drop ``indicators`` first and recreate it with :func:`view_sql` (migration 0008 froze it). The
definitions are a module of their own because the dashboard, Datasette and the README read them
without any SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .indicators import DEADLINES, INDICATORS, KEY_COLUMNS, SECTIONS, TABLES, TREND_FIGURES, columns

if TYPE_CHECKING:
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class _Dialect:
    """The few expressions SQLite and PostgreSQL spell differently."""

    name: str

    def date(self, year: str, month: int, day: int) -> str:
        if self.name == "postgresql":
            return f"make_date({year}, {month}, {day})"
        return f"date(({year}) || '-{month:02d}-{day:02d}')"

    def days(self, later: str, earlier: str) -> str:
        if self.name == "postgresql":
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def joined(self, column: str) -> str:
        """Comma-joined values of ``column`` in a group, sorted."""
        if self.name == "postgresql":
            return f"string_agg({column}, ',' ORDER BY {column})"
        return f"group_concat({column}, ',')"  # the inner query is ordered


def _deadline_case(dialect: _Dialect, pick: str) -> str:
    arms = " ".join(
        f"WHEN {d.condition} THEN "
        + (dialect.date("r.report_year + 1", d.month, d.day) if pick == "date" else f"'{d.key}'")
        for d in DEADLINES
    )
    return f"CASE {arms} END"


def _inner_sql(dialect: _Dialect) -> str:
    deadline = _deadline_case(dialect, "date")
    present = ",\n        ".join(
        f"CASE WHEN r.sections ->> '{key}' IS NULL THEN 0 ELSE 1 END AS has_{key}"
        for key, _ in SECTIONS
    )
    tables = ",\n        ".join(f"r.variants ->> '{key}' AS {key}" for key, _ in TABLES)
    has_tables = ",\n        ".join(
        f"CASE WHEN r.variants ->> '{key}' IS NULL THEN 0 ELSE 1 END AS has_{key}"
        for key, _ in TABLES
    )
    figures = ",\n        ".join(
        f"{expr.format(w='w')} AS cur_{name}, {expr.format(w='pw')} AS prev_{name}"
        for name, expr in TREND_FIGURES.items()
    )
    return f"""
    SELECT r.id AS report_id, a.name AS authority, a.level, a.province, a.city, a.county,
        r.report_year, r.scope, r.published, r.format,
        CASE WHEN r.report_year >= 2021 THEN '2021' ELSE '2019' END AS era,
        {tables},
        {has_tables},
        {present},
        {deadline} AS deadline,
        {_deadline_case(dialect, "key")} AS deadline_rule,
        {dialect.days("r.published", deadline)} AS days_after_deadline,
        CASE WHEN EXISTS (
            SELECT 1 FROM prose_metric f WHERE f.report_id = r.id AND f.key = 'fees_yuan'
        ) THEN 1 ELSE 0 END AS fees_stated,
        broken.rules_broken, broken.rules_broken_ids,
        (SELECT COUNT(*) FROM check_result k
         WHERE k.report_id = r.id AND k.status = 'fail'
            AND substr(k.rule_id, 1, 8) = 'X_PROSE_'
        ) AS prose_disagreements,
        (SELECT MIN(x.status) FROM cross_year_check x
         WHERE x.report_id = r.id AND x.rule_id = 'X_CARRY' AND x.binding = 'total'
        ) AS carry_over,
        p.report_year AS previous_year,
        {figures}
    FROM report r
    JOIN authority a ON a.id = r.authority_id
    LEFT JOIN report_wide w ON w.report_id = r.id
    LEFT JOIN report p ON p.authority_id = r.authority_id AND p.scope = r.scope
        AND p.report_year = r.report_year - 1
    LEFT JOIN report_wide pw ON pw.report_id = p.id
    LEFT JOIN (
        SELECT report_id, COUNT(*) AS rules_broken, {dialect.joined("rule_id")} AS rules_broken_ids
        FROM (
            SELECT report_id, rule_id FROM check_result WHERE status = 'fail'
            UNION
            SELECT report_id, rule_id FROM cross_year_check WHERE status = 'fail'
            ORDER BY report_id, rule_id
        ) failed
        GROUP BY report_id
    ) broken ON broken.report_id = r.id
    """


def view_sql(dialect_name: str) -> str:
    """``CREATE VIEW indicators`` for ``sqlite`` or ``postgresql``."""
    columns = ",\n    ".join(
        [f"b.{column}" for column in KEY_COLUMNS]
        + [f"{indicator.sql} AS {indicator.column}" for indicator in INDICATORS]
    )
    return (
        f"CREATE VIEW indicators AS\nSELECT {columns}\n"
        f"FROM ({_inner_sql(_Dialect(dialect_name))}) b"
    )


def read_indicators(
    connection: Connection, *, authority: str | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    """Rows of the view ``indicators``, filtered by authority (any spelling the parser would
    canonicalise: 泸定县政府 finds 泸定县人民政府) and report year, by authority then year."""
    from sqlalchemy import bindparam, text

    from nianbao.parsers.metadata import canonical_authority

    where, params = [], {}
    if authority:
        where.append("authority IN :names")
        params["names"] = sorted({authority, canonical_authority(authority)})
    if year is not None:
        where.append("report_year = :year")
        params["year"] = year
    sql = f"SELECT {', '.join(columns())} FROM indicators"
    if where:
        sql += " WHERE " + " AND ".join(where)
    query = text(sql + " ORDER BY authority, report_year, scope")
    if authority:
        query = query.bindparams(bindparam("names", expanding=True))
    return [dict(row) for row in connection.execute(query, params).mappings()]
