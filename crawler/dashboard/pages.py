"""What the authority and year pages show, built from the rows of the dashboard's canned queries.

Pure functions from query rows to template context, so the layout rules (which rows, which
labels, how a value is written, what is flagged) are in one place and testable without a server.
The labels and definitions come from ``pipelines/db/indicators.py`` and the column notes of
``pipelines/db/columns.py``: the pages never name an indicator of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nianbao.pipelines.db.columns import T3_COLUMNS, T4_COLUMNS
from nianbao.pipelines.db.indicators import GROUPS, INDICATORS, TREND_FIGURES

from .chart import Series, bar_chart

#: Trend figures that are the table 三/四 rows themselves: shown there, not twice.
_AS_TABLE_ROWS = {name for name in TREND_FIGURES if not name.endswith("_share")}

#: Table 三 outcomes and table 四 totals charted on the authority page (column, legend label).
REQUEST_SERIES = (
    ("t3_new_requests", "新收 new"),
    ("t3_granted", "公开 granted"),
    ("t3_partially_granted", "部分 partly"),
    ("t3_denied", "不予公开 denied"),
    ("t3_unable", "无法提供 unable"),
    ("t3_not_processed", "不予处理 not processed"),
)
REVIEW_SERIES = (
    ("t4_review_total", "复议 reviews"),
    ("t4_review_corrected", "复议纠正 corrected"),
    ("t4_litigation_direct_total", "直接起诉 sued"),
    ("t4_litigation_after_review_total", "复议后起诉 sued after review"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the authority's table: a label, its definition, a value per year."""

    column: str
    label: str
    note: str
    values: list[str]
    flags: list[bool]


@dataclass(slots=True)
class Block:
    """A group of lines under a heading (on time, template, …, table 三, table 四)."""

    heading: str
    lines: list[Line] = field(default_factory=list)


def show(column: str, value: Any) -> str:
    """A value as the pages print it: empty for unknown, shares as percentages, changes signed."""
    if value is None:
        return ""
    if column.endswith("_share_change"):
        return f"{float(value) * 100:+.1f} pt"
    if column.endswith("_share"):
        return f"{float(value):.1%}"
    if column.endswith("_change"):
        return f"{value:+}"
    if column == "rules_broken_ids":
        return str(value).replace(",", ", ")  # lets a long list wrap
    return str(value)


def flagged(column: str, value: Any) -> bool:
    """Whether a value is a finding a reader should see first: late, a broken rule, a template
    departure, a missing part."""
    if value in (None, "", 0):
        return False
    if column in ("on_time",):
        return value == "late"
    if column == "format_ok":
        return value == 0
    if column == "carry_over":
        return value == "fail"
    return column in (
        "days_late",
        "rules_broken",
        "rules_broken_ids",
        "prose_disagreements",
        "tables_missing",
        "sections_missing",
    )


def year_heading(row: Mapping[str, Any]) -> str:
    """A column heading of the authority's table: the year, and the scope when it is not the
    authority's own report (a region's compiled report is another column of the same year)."""
    year = str(row["report_year"])
    return year if row.get("scope") in (None, "self") else f"{year} {row['scope']}"


def _line(column: str, label: str, note: str, rows: Sequence[Mapping[str, Any]]) -> Line:
    return Line(
        column,
        label,
        note,
        [show(column, row.get(column)) for row in rows],
        [flagged(column, row.get(column)) for row in rows],
    )


def _split(note: str) -> tuple[str, str]:
    """Browse's bilingual note "中文 · English" as (label, English), for a compact label."""
    zh, _, en = note.partition(" · ")
    return zh, en


def authority_blocks(rows: Sequence[Mapping[str, Any]]) -> list[Block]:
    """The authority's years side by side: the indicators by group, then table 三 and 四."""
    blocks = {group: Block(f"{zh} · {en}") for group, (zh, en) in GROUPS.items()}
    published = Line(
        "published",
        "发布日期 · published",
        "publication date as the page gives it",
        [show("published", row.get("published")) for row in rows],
        [False for _ in rows],
    )
    blocks["on_time"].lines.append(published)
    for indicator in INDICATORS:
        if indicator.group == "trend" and indicator.column in _AS_TABLE_ROWS:
            continue
        label = f"{indicator.zh} · {indicator.en}"
        blocks[indicator.group].lines.append(
            _line(indicator.column, label, indicator.definition, rows)
        )
    tables = []
    for heading, notes in (("表三 · Table 3", T3_COLUMNS), ("表四 · Table 4", T4_COLUMNS)):
        block = Block(heading)
        for column, note in notes.items():
            zh, en = _split(note)
            label = f"{zh.removeprefix(heading[:2]).strip()} · {en.partition(': ')[2] or en}"
            block.lines.append(_line(column, label, note, rows))
        tables.append(block)
    return [*blocks.values(), *tables]


def _series(spec: Sequence[tuple[str, str]], rows: Sequence[Mapping[str, Any]]) -> list[Series]:
    return [Series(label, [row.get(column) for row in rows]) for column, label in spec]


def authority_charts(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Requests and outcomes (table 三), and reviews and lawsuits (table 四), over the years."""
    years = [year_heading(row) for row in rows]
    return [
        bar_chart("申请与办理结果 · requests and outcomes", years, _series(REQUEST_SERIES, rows)),
        bar_chart("复议与诉讼 · reviews and lawsuits", years, _series(REVIEW_SERIES, rows)),
    ]


#: The year page's columns: (query column, heading).
RANKING_COLUMNS = (
    ("authority", "机关 · authority"),
    ("level", "层级 · level"),
    ("province", "省 · province"),
    ("published", "发布 · published"),
    ("deadline", "期限 · deadline"),
    ("on_time", "按时 · on time"),
    ("days_late", "逾期天数 · days late"),
    ("rules_broken", "不成立规则 · rules broken"),
    ("rules_broken_ids", "规则 · rule ids"),
    ("prose_disagreements", "正文不符 · prose vs tables"),
    ("format_used", "格式 · format"),
    ("format_ok", "格式相符 · format ok"),
    ("tables_missing", "缺表 · tables missing"),
    ("sections_missing", "缺章节 · sections missing"),
)


def ranking_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The year's ranked rows, each value written and flagged as on the authority page."""
    return [
        {
            "rank": rank,
            "authority": row["authority"],
            "scope": row.get("scope"),
            "cells": [
                (column, show(column, row.get(column)), flagged(column, row.get(column)))
                for column, _ in RANKING_COLUMNS
            ],
        }
        for rank, row in enumerate(rows, start=1)
    ]
