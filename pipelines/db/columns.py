"""The analyst tables, described once: every column of the views and export files, with its note.

Analysts meet the same columns in four places: the views (``report_wide``, ``report_value``,
``report_check``, ``indicators``), the column notes Datasette shows (``browse.metadata``), the
files ``nianbao export`` writes, and the README's tables. Each of those is derived from the
descriptions here, and ``tests/pipelines/test_view_columns.py`` fails when the newest migration's
frozen view SQL, the notes, the export files or the README tables disagree with them.

The views themselves are created by the Alembic migrations with frozen SQL (env.py): a change
here that changes a view is a new revision recreating it with :func:`report_wide_sql` (or
``indicators_view.view_sql``) as printed then. The indicators' own definitions (names, legal
sources, SQL) stay in ``indicators.py``; this module only places them among the key columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from .indicators import INDICATORS, KEY_COLUMNS


def both(zh: str, en: str) -> str:
    """A bilingual note as every analyst table writes it: ``中文 · English``."""
    return f"{zh} · {en}"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an analyst table: its ``name``, the ``note`` Datasette shows (``None``:
    none yet), and for ``report_wide`` the SQL ``source`` it is selected from."""

    name: str
    note: str | None = None
    source: str = ""

    def select(self) -> str:
        """The column in a SELECT list: ``a.level``, ``r.id AS report_id``."""
        if self.source.rpartition(".")[2] == self.name:
            return self.source
        return f"{self.source} AS {self.name}"


@dataclass(frozen=True, slots=True)
class View:
    """An analyst view: its columns in order, and what one row is (for the README)."""

    name: str
    one_row_per: str
    summary: str
    columns: tuple[Column, ...]

    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def notes(self) -> dict[str, str]:
        """The Datasette column notes, in the view's column order."""
        return {column.name: column.note for column in self.columns if column.note}


#: Notes of the columns that say which report a row is about; base tables share them.
KEY_NOTES: dict[str, str] = {
    "report_id": both("报告编号", "report id"),
    "authority": both("机关名称（规范名）", "authority, canonical name"),
    "report_year": both("报告年度（所报告的年份，非发布年份）", "year reported on"),
    "scope": both("范围：self 本机关 / aggregate 本地区汇总", "scope: own work or whole region"),
    "level": both("层级：省/市/县/乡镇/街道/部门", "tier: province … township, street, department"),
    "province": both("省级行政区", "province"),
    "city": both("地级行政区", "prefecture-level city"),
    "county": both("县级行政区", "county-level unit"),
    "division_code": both("行政区划代码（6位）", "administrative division code (6 digits)"),
    "published": both("发布日期", "publication date"),
    "format": both("格式：f2021 / f2019 / pre2019", "format era"),
    "violations": both("不成立的勾稽规则数", "failed consistency checks"),
    "revision": both("当前版本号", "current revision number"),
}

#: Table 三 rows summed over the 总计 column (name, 中文, English, which ``row_key``): a printed
#: value, else the derived sum beside a blank 总计. Group rows (不予公开 …) sum their leaves.
T3_ROWS: tuple[tuple[str, str, str, str], ...] = (
    (
        "new_requests",
        "本年新收政府信息公开申请数量（总计）",
        "new requests",
        "row_key = 'new_requests'",
    ),
    ("carried_over", "上年结转（总计）", "carried over", "row_key = 'carried_over'"),
    ("granted", "予以公开", "granted", "row_key = 'granted'"),
    ("partially_granted", "部分公开", "partially granted", "row_key = 'partially_granted'"),
    ("denied", "不予公开（各项之和）", "denied (sum of grounds)", "row_key LIKE 'denied.%'"),
    ("unable", "无法提供（各项之和）", "unable to provide (sum)", "row_key LIKE 'unable.%'"),
    (
        "not_processed",
        "不予处理（各项之和）",
        "not processed (sum)",
        "row_key LIKE 'not_processed.%'",
    ),
    # The 2021 row, or the leaves of the 2019 group.
    (
        "other",
        "其他处理（各项之和）",
        "other handling (sum)",
        "(row_key = 'other' OR row_key LIKE 'other.%')",
    ),
    ("total_processed", "办理结果总计", "total processed", "row_key = 'total_processed'"),
    ("carried_forward", "结转下年度继续办理", "carried forward", "row_key = 'carried_forward'"),
)
#: Table 四: its rows and columns (key, 中文, English); ``report_wide`` has every pair.
T4_ROWS: tuple[tuple[str, str, str], ...] = (
    ("review", "行政复议", "administrative review"),
    ("litigation_direct", "未经复议直接起诉", "litigation without review"),
    ("litigation_after_review", "复议后起诉", "litigation after review"),
)
T4_COLS: tuple[tuple[str, str, str], ...] = (
    ("upheld", "结果维持", "upheld"),
    ("corrected", "结果纠正", "corrected"),
    ("other", "其他结果", "other outcome"),
    ("pending", "尚未审结", "pending"),
    ("total", "总计", "total"),
)

T3_COLUMNS: dict[str, str] = {
    f"t3_{name}": both(f"表三 {zh}", f"table 3: {en}") for name, zh, en, _ in T3_ROWS
}
T4_COLUMNS: dict[str, str] = {
    f"t4_{row}_{col}": both(f"表四 {rz} {cz}", f"table 4: {re_} {ce}")
    for row, rz, re_ in T4_ROWS
    for col, cz, ce in T4_COLS
}


def _key(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, KEY_NOTES.get(name)) for name in names)


def _selected(sources: dict[str, str]) -> tuple[Column, ...]:
    """``report_wide``'s columns from ``{name: SQL source}``, with their notes where known."""
    notes = KEY_NOTES | T3_COLUMNS | T4_COLUMNS
    return tuple(Column(name, notes.get(name), source) for name, source in sources.items())


def _noted(notes: dict[str, tuple[str, str] | None]) -> tuple[Column, ...]:
    """Columns from ``{name: (中文, English)}``; ``None``: no note yet."""
    return tuple(Column(name, note and both(*note)) for name, note in notes.items())


#: The key of the long views (one row per value or check of a report).
LONG_KEY = ("report_id", "authority", "level", "province", "report_year", "scope")
_REGION = ("level", "province", "city", "county", "division_code")
_REPORT = ("report_year", "scope", "format", "published", "parsed_from", "source_url")
_REPORT += ("violations", "revision")

REPORT_WIDE = View(
    "report_wide",
    "report",
    "authority, level, region, year, scope, format and the table 三 totals ({t3}, printed value "
    "else the derived sum) and the 15 values of table 四 ({t4})",
    _selected(
        {"report_id": "r.id", "authority": "a.name"}
        | {name: f"a.{name}" for name in _REGION}
        | {name: f"r.{name}" for name in _REPORT}
        | {name: f"t3.{name}" for name in T3_COLUMNS}
        | {name: f"t4.{name}" for name in T4_COLUMNS}
        | {"uncertain_cells": "COALESCE(u.uncertain_cells, 0)"}
    ),
)

REPORT_VALUE = View(
    "report_value",
    "cell or prose figure",
    "long form with `provenance`: printed, derived, ocr, prose, missing",
    (
        *_key(*LONG_KEY),
        *_noted(
            {
                "family": ("表：t2 / t3 / t4 / prose", "table family or prose"),
                "table_id": ("表格式", "table variant"),
                "row_key": ("行（规范键）", "row key (report_format.json)"),
                "col_key": ("列（规范键）", "column key"),
                "value": ("数值（如印刷）", "value as printed"),
                "value_derived": ("推导值（总计空白时）", "derived value (blank total)"),
                "value_raw": ("原文（单元格文本或句子）", "raw cell text or sentence"),
                "value_source": None,
                "provenance": ("来源", "provenance"),
                "uncertain": None,
            }
        ),
    ),
)

REPORT_CHECK = View(
    "report_check",
    "check result",
    "with authority, level and year",
    (
        *_key(*LONG_KEY),
        *_noted(
            {
                "rule_id": ("规则编号", "rule id (report_format.json)"),
                "binding": ("检查的列或行", "column or row checked"),
                "status": ("pass 成立 / fail 不成立 / not_checkable 无法检查", "status"),
                "lhs": ("左边", "left-hand side"),
                "rhs": ("右边", "right-hand side"),
                "diff": ("差额", "difference"),
                "detail": None,
                "source_url": None,
            }
        ),
    ),
)

INDICATORS_VIEW = View(
    "indicators",
    "report",
    "the transparency indicators below",
    (
        *_key(*KEY_COLUMNS),
        *(Column(indicator.column, indicator.note()) for indicator in INDICATORS),
    ),
)

VIEWS: dict[str, View] = {
    view.name: view for view in (REPORT_WIDE, REPORT_VALUE, REPORT_CHECK, INDICATORS_VIEW)
}

#: The report key every export file starts with, so each file stands on its own.
EXPORT_KEY = ("report_id", "authority", "report_year", "scope")
#: The files of ``nianbao export``: name -> columns after the key, in order.
EXPORT_FILES: dict[str, tuple[str, ...]] = {
    "reports": (
        "level",
        "province",
        "city",
        "county",
        "division_code",
        "title",
        "publisher",
        "published",
        "index_no",
        "format",
        "variants",
        "parsed_from",
        "source_url",
        "source_urls",
        "content_sha256",
        "violations",
        "warnings",
        "revision",
        "spider",
        "first_seen",
        "last_seen",
        "updated_at",
    ),
    "cells": (
        "family",
        "table_id",
        "row_key",
        "col_key",
        "value",
        "value_raw",
        "value_source",
        "value_derived",
        "flags",
    ),
    "checks": ("rule_id", "binding", "status", "lhs", "rhs", "diff", "detail"),
    "prose": ("key", "value", "span", "flags"),
}


def export_columns(name: str) -> list[str]:
    """The columns of export file ``name``, in order: the report key, then its own."""
    return [*EXPORT_KEY, *EXPORT_FILES[name]]


_VALUE = "COALESCE(value, value_derived)"


def report_wide_sql() -> str:
    """``CREATE VIEW report_wide`` as the description gives it (migration 0005 froze it)."""
    t3 = ",\n        ".join(
        f"{'SUM' if 'LIKE' in rows else 'MAX'}(CASE WHEN {rows} THEN {_VALUE} END) AS t3_{name}"
        for name, _, _, rows in T3_ROWS
    )
    t4 = ",\n        ".join(
        f"MAX(CASE WHEN row_key = '{row}' AND col_key = '{col}' THEN {_VALUE} END) "
        f"AS t4_{row}_{col}"
        for row, _, _ in T4_ROWS
        for col, _, _ in T4_COLS
    )
    columns = ", ".join(column.select() for column in REPORT_WIDE.columns)
    return f"""
CREATE VIEW report_wide AS
SELECT {columns}
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
LEFT JOIN (
    SELECT report_id, COUNT(*) AS uncertain_cells FROM cell
    WHERE uncertain IS NOT NULL GROUP BY report_id
) u ON u.report_id = r.id
"""
