"""Browsing the database in Datasette: metadata, canned queries, a chart, and PostgreSQL copies.

Datasette reads SQLite files. ``metadata(name)`` describes the tables and views of a nianbao
database called ``name`` (the file's stem) in Chinese and English, with facets by year, level
and region and the canned queries analysts ask first; the ``applications_by_year`` query links a
datasette-vega bar chart. A PostgreSQL database is browsed through a SQLite copy
(:func:`copy_to_sqlite`), made with the same migrations, so the views are there too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, insert, select

from .engine import analyze, make_engine, upgrade
from .indicators import INDICATORS
from .models import Base

TITLE = "nianbao · 政府信息公开工作年度报告 / Annual reports on open government information"

#: datasette-vega keeps a chart's settings in the URL fragment.
CHART_FRAGMENT = (
    "#g.mark=bar&g.x_column=report_year&g.x_type=ordinal"
    "&g.y_column=applications_received&g.y_type=quantitative&g.color_column=level"
    "&g.color_type=nominal"
)


def _both(zh: str, en: str) -> str:
    return f"{zh} · {en}"


REPORT_KEY = {
    "report_id": _both("报告编号", "report id"),
    "authority": _both("机关名称（规范名）", "authority, canonical name"),
    "report_year": _both("报告年度（所报告的年份，非发布年份）", "year reported on"),
    "scope": _both("范围：self 本机关 / aggregate 本地区汇总", "scope: own work or whole region"),
    "level": _both(
        "层级：省/市/县/乡镇/街道/部门", "tier: province … township, street, department"
    ),
    "province": _both("省级行政区", "province"),
    "city": _both("地级行政区", "prefecture-level city"),
    "county": _both("县级行政区", "county-level unit"),
    "division_code": _both("行政区划代码（6位）", "administrative division code (6 digits)"),
}

T3_COLUMNS = {
    "t3_new_requests": _both("表三 本年新收政府信息公开申请数量（总计）", "table 3: new requests"),
    "t3_carried_over": _both("表三 上年结转（总计）", "table 3: carried over"),
    "t3_granted": _both("表三 予以公开", "table 3: granted"),
    "t3_partially_granted": _both("表三 部分公开", "table 3: partially granted"),
    "t3_denied": _both("表三 不予公开（各项之和）", "table 3: denied (sum of grounds)"),
    "t3_unable": _both("表三 无法提供（各项之和）", "table 3: unable to provide (sum)"),
    "t3_not_processed": _both("表三 不予处理（各项之和）", "table 3: not processed (sum)"),
    "t3_other": _both("表三 其他处理（各项之和）", "table 3: other handling (sum)"),
    "t3_total_processed": _both("表三 办理结果总计", "table 3: total processed"),
    "t3_carried_forward": _both("表三 结转下年度继续办理", "table 3: carried forward"),
}
_T4_ROWS = {
    "review": ("行政复议", "administrative review"),
    "litigation_direct": ("未经复议直接起诉", "litigation without review"),
    "litigation_after_review": ("复议后起诉", "litigation after review"),
}
_T4_COLS = {
    "upheld": ("结果维持", "upheld"),
    "corrected": ("结果纠正", "corrected"),
    "other": ("其他结果", "other outcome"),
    "pending": ("尚未审结", "pending"),
    "total": ("总计", "total"),
}
T4_COLUMNS = {
    f"t4_{row}_{col}": _both(f"表四 {rz} {cz}", f"table 4: {re_} {ce}")
    for row, (rz, re_) in _T4_ROWS.items()
    for col, (cz, ce) in _T4_COLS.items()
}

#: Bookkeeping of the crawler and of Alembic: hidden from the table lists (still reachable by URL).
HIDDEN_TABLES = ("alembic_version", "page_seen", "crawl_run", "crawl_run_spider")

#: The year's ranking: late reports first (most days late first), then those without a date
#: (unknown), then those on time; within each, the most broken rules first.
_RANKING_ORDER = (
    "CASE i.on_time WHEN 'late' THEN 0 WHEN 'unknown' THEN 1 ELSE 2 END,\n"
    "         i.days_late DESC, i.rules_broken DESC, i.prose_disagreements DESC, i.authority"
)
_T3_T4 = ", ".join(f"w.{column}" for column in [*T3_COLUMNS, *T4_COLUMNS])

#: The dashboard's own queries (crawler/dashboard reads them by name): each page's data is also a
#: canned query, so it can be opened as a table, as JSON or as CSV.
DASHBOARD_QUERIES: dict[str, dict[str, Any]] = {
    "years_overview": {
        "title": _both("各年度报告概况", "Reports per year at a glance"),
        "description": _both(
            "每个报告年度：报告数、按时、逾期、日期不明、有不成立规则的报告数、最长逾期天数",
            "per report year: reports, on time, late, no date, reports breaking a rule, "
            "most days late",
        ),
        "sql": (
            "SELECT report_year, COUNT(*) AS reports,\n"
            "       SUM(CASE WHEN on_time = 'on_time' THEN 1 ELSE 0 END) AS on_time,\n"
            "       SUM(CASE WHEN on_time = 'late' THEN 1 ELSE 0 END) AS late,\n"
            "       SUM(CASE WHEN on_time = 'unknown' THEN 1 ELSE 0 END) AS no_date,\n"
            "       SUM(CASE WHEN rules_broken > 0 THEN 1 ELSE 0 END) AS breaking_rules,\n"
            "       MAX(days_late) AS most_days_late\n"
            "FROM indicators\n"
            "GROUP BY report_year ORDER BY report_year DESC"
        ),
    },
    "authorities_overview": {
        "title": _both("各机关报告概况", "Authorities at a glance"),
        "description": _both(
            "每个机关：报告年度、逾期报告数、不成立规则总数、最近一年的按时情况",
            "per authority: years reported, late reports, rules broken in all, the latest "
            "year's timeliness",
        ),
        "sql": (
            "SELECT i.authority, i.level, i.province, i.city,\n"
            "       COUNT(*) AS reports, MIN(i.report_year) AS first_year,\n"
            "       MAX(i.report_year) AS last_year,\n"
            "       SUM(CASE WHEN i.on_time = 'late' THEN 1 ELSE 0 END) AS late,\n"
            "       SUM(i.rules_broken) AS rules_broken\n"
            "FROM indicators i\n"
            "GROUP BY i.authority, i.level, i.province, i.city\n"
            "ORDER BY late DESC, rules_broken DESC, i.province, i.city, i.authority"
        ),
    },
    "authority_years": {
        "title": _both("一个机关的历年指标", "One authority, year by year"),
        "description": _both(
            "该机关每年一行：透明度指标与表三、表四总计",
            "one row per year of the authority: the indicators and the table 3 and 4 totals",
        ),
        "sql": (
            "SELECT i.*, " + _T3_T4 + "\n"
            "FROM indicators i LEFT JOIN report_wide w ON w.report_id = i.report_id\n"
            "WHERE i.authority = :authority\n"
            "ORDER BY i.report_year, i.scope"
        ),
    },
    "year_ranking": {
        "title": _both("一个年度的机关排名", "One report year, authorities ranked"),
        "description": _both(
            "逾期报告在前（逾期天数多者在前），其次未注明日期者，再次按时者；"
            "同组内不成立规则多者在前",
            "late reports first (most days late first), then those with no date, then those on "
            "time; within each, the most broken rules first",
        ),
        "sql": (
            "SELECT i.authority, i.level, i.province, i.city, i.scope, i.published,\n"
            "       i.deadline, i.on_time, i.days_late, i.rules_broken, i.rules_broken_ids,\n"
            "       i.prose_disagreements, i.format_used, i.format_ok, i.tables_missing,\n"
            "       i.sections_missing, i.carry_over\n"
            "FROM indicators i\n"
            "WHERE i.report_year = :year\n"
            f"ORDER BY {_RANKING_ORDER}"
        ),
    },
}

QUERIES: dict[str, dict[str, Any]] = {
    **DASHBOARD_QUERIES,
    "applications_per_township_by_year": {
        "title": _both(
            "各乡镇（街道）每年收到的依申请公开申请", "Applications received per township by year"
        ),
        "description": _both(
            "表三 本年新收申请总计，每个乡镇、街道一行一年（印刷值，空白总计取推导值）",
            "table 3 new requests, one row per township or street and year "
            "(as printed; a blank total takes its derived sum)",
        ),
        # The two cells straight from ``cell`` (its family/col_key/report_id index), not
        # through report_wide, which aggregates every table of every report first: 38 ms
        # instead of 220 ms on SQLite over 10,000 reports, the same rows.
        "sql": (
            "SELECT a.name AS township, a.county, a.city, a.province, r.report_year,\n"
            "       MAX(CASE WHEN c.row_key = 'new_requests'\n"
            "           THEN COALESCE(c.value, c.value_derived) END) AS applications_received,\n"
            "       MAX(CASE WHEN c.row_key = 'total_processed'\n"
            "           THEN COALESCE(c.value, c.value_derived) END) AS processed\n"
            "FROM authority a\n"
            "JOIN report r ON r.authority_id = a.id\n"
            "LEFT JOIN cell c ON c.report_id = r.id AND c.family = 't3' AND c.col_key = 'total'\n"
            "    AND c.row_key IN ('new_requests', 'total_processed')\n"
            "WHERE a.level IN ('township', 'street')\n"
            "GROUP BY r.id, a.name, a.county, a.city, a.province, r.report_year\n"
            "ORDER BY a.province, a.city, a.county, a.name, r.report_year"
        ),
    },
    "applications_by_year": {
        "title": _both(
            "按年度和层级汇总的申请数量（图表）", "Applications by year and level (chart)"
        ),
        "description_html": (
            "表三 本年新收申请之和 · sum of table 3 new requests. "
            f'<a href="applications_by_year{CHART_FRAGMENT}">柱状图 · bar chart</a>'
        ),
        "sql": (
            "SELECT report_year, coalesce(level, 'unknown') AS level,\n"
            "       sum(t3_new_requests) AS applications_received, count(*) AS reports\n"
            "FROM report_wide\n"
            "GROUP BY report_year, coalesce(level, 'unknown')\n"
            "ORDER BY report_year, level"
        ),
    },
    "balance_rule_broken": {
        "title": _both("违反表三平衡关系的报告", "Reports that break the balance rule"),
        "description": _both(
            "T3_BALANCE：新收 + 上年结转 = 办理结果总计 + 结转下年度，逐列检查；"
            "列出不成立的列及差额",
            "T3_BALANCE: new + carried over == processed + carried forward, per column; "
            "the columns where it fails, with both sides and the difference",
        ),
        "sql": (
            "SELECT authority, report_year, scope, binding AS applicant_column, lhs, rhs, diff,\n"
            "       source_url\n"
            "FROM report_check\n"
            "WHERE rule_id = 'T3_BALANCE' AND status = 'fail'\n"
            "ORDER BY authority, report_year, binding"
        ),
    },
    "rule_failures": {
        "title": _both("各勾稽规则不成立的报告数", "Reports failing each consistency rule"),
        "sql": (
            "SELECT rule_id, count(DISTINCT report_id) AS reports, count(*) AS failures\n"
            "FROM report_check WHERE status = 'fail'\n"
            "GROUP BY rule_id ORDER BY reports DESC, rule_id"
        ),
    },
    "prose_disagrees_with_table": {
        "title": _both("正文所述申请数与表三不符", "Prose request count differs from table 3"),
        "description": _both(
            "读取已存储的 X_PROSE_NEW 检查结果（正文受理数含上年结转时亦算相符），不重新计算",
            "the stored X_PROSE_NEW check, not a recomputation: a prose count that includes "
            "carried-over requests agrees with new + carried over",
        ),
        "sql": (
            "SELECT c.authority, c.report_year, c.scope, c.lhs AS prose_requests,\n"
            "       c.rhs AS table_requests, c.diff, c.detail, p.span AS sentence\n"
            "FROM report_check c\n"
            "LEFT JOIN prose_metric p\n"
            "     ON p.report_id = c.report_id AND p.key = 'requests_received'\n"
            "WHERE c.rule_id = 'X_PROSE_NEW' AND c.status = 'fail'\n"
            "ORDER BY c.authority, c.report_year"
        ),
    },
    "readings_kept_aside": {
        "title": _both("未采用的读取结果（冲突、较差）", "Readings kept aside (conflicts, worse)"),
        "sql": (
            "SELECT a.name AS authority, r.report_year, v.number, v.status, v.note,\n"
            "       v.source_url, v.cells, v.created_at\n"
            "FROM report_revision v\n"
            "JOIN report r ON r.id = v.report_id JOIN authority a ON a.id = r.authority_id\n"
            "WHERE v.status IN ('rejected', 'conflict')\n"
            "ORDER BY v.created_at DESC"
        ),
    },
}


def _tables() -> dict[str, Any]:
    return {
        "indicators": {
            "title": _both("透明度指标（每份报告一行）", "Transparency indicators, one per report"),
            "description": _both(
                "按时公布、格式规范、数据一致、年度变化；定义与法律依据见 README",
                "on time, template, consistency, trend; definitions and legal sources in the "
                "README (pipelines/db/indicators.py)",
            ),
            "facets": ["report_year", "on_time", "level"],
            "sort_desc": "report_year",
            "columns": {
                **REPORT_KEY,
                "published": _both("发布日期", "publication date"),
                **{indicator.column: indicator.note() for indicator in INDICATORS},
            },
        },
        "report_wide": {
            "title": _both("报告宽表（表三、表四总计）", "Reports, wide (table 3 and 4 totals)"),
            "description": _both(
                "每份报告一行：机关、层级、地区、年度，表三各项总计、表四十五个数",
                "one row per report: authority, tier, region, year, the table 3 totals and "
                "the 15 values of table 4",
            ),
            "facets": ["report_year", "level", "province"],
            "sort_desc": "report_year",
            "columns": {
                **REPORT_KEY,
                "format": _both("格式：f2021 / f2019 / pre2019", "format era"),
                "published": _both("发布日期", "publication date"),
                "violations": _both("不成立的勾稽规则数", "failed consistency checks"),
                "revision": _both("当前版本号", "current revision number"),
                **T3_COLUMNS,
                **T4_COLUMNS,
            },
        },
        "report_value": {
            "title": _both("全部数值（长表，含正文数字）", "Every value, long form (prose too)"),
            "description": _both(
                "表格单元格与正文数字，provenance 标明来源：printed 印刷 / derived 推导 / "
                "ocr 识别 / prose 正文 / missing 缺失",
                "table cells and prose figures; provenance: printed, derived, ocr, prose, missing",
            ),
            "facets": ["provenance", "family", "report_year"],
            "columns": {
                **REPORT_KEY,
                "family": _both("表：t2 / t3 / t4 / prose", "table family or prose"),
                "table_id": _both("表格式", "table variant"),
                "row_key": _both("行（规范键）", "row key (report_format.json)"),
                "col_key": _both("列（规范键）", "column key"),
                "value": _both("数值（如印刷）", "value as printed"),
                "value_derived": _both("推导值（总计空白时）", "derived value (blank total)"),
                "value_raw": _both("原文（单元格文本或句子）", "raw cell text or sentence"),
                "provenance": _both("来源", "provenance"),
            },
        },
        "report_check": {
            "title": _both("勾稽关系检查结果", "Consistency check results"),
            "facets": ["rule_id", "status", "report_year"],
            "columns": {
                **REPORT_KEY,
                "rule_id": _both("规则编号", "rule id (report_format.json)"),
                "binding": _both("检查的列或行", "column or row checked"),
                "status": _both("pass 成立 / fail 不成立 / not_checkable 无法检查", "status"),
                "lhs": _both("左边", "left-hand side"),
                "rhs": _both("右边", "right-hand side"),
                "diff": _both("差额", "difference"),
            },
        },
        "authority": {
            "title": _both("机关", "Authorities"),
            "description": _both(
                "发布报告的机关及其上级政府；inferred 表示仅作为上级推断",
                "issuing organs and the government above them; inferred: known only as a parent",
            ),
            "facets": ["level", "province", "city"],
            "label_column": "name",
            "columns": {
                "name": _both("规范名称", "canonical name"),
                "level": REPORT_KEY["level"],
                "parent_id": _both("上级政府", "parent government"),
                "province": REPORT_KEY["province"],
                "city": REPORT_KEY["city"],
                "county": REPORT_KEY["county"],
                "division_code": REPORT_KEY["division_code"],
                "region_source": _both(
                    "地区来源：name/publisher/portal", "where the region came from"
                ),
                "portal": _both("发现报告的门户", "portal the report was found on"),
                "inferred": _both("仅作为上级推断", "inferred as a parent only"),
            },
        },
        "report": {
            "title": _both("报告", "Reports"),
            "facets": ["report_year", "format", "scope"],
            "columns": {
                "report_year": REPORT_KEY["report_year"],
                "scope": REPORT_KEY["scope"],
                "source_url": _both("当前读取所用网址", "URL of the current reading"),
                "source_urls": _both("发现过该报告的全部网址", "every URL the report was found at"),
                "parsed_from": _both("读取自：page 网页 / attachment 附件", "parsed from"),
                "revision": REPORT_KEY.get("revision", _both("当前版本号", "current revision")),
                "violations": _both("不成立的勾稽规则数", "failed consistency checks"),
                "text": _both("正文（去除页面框架）", "clean text"),
            },
        },
        "cell": {
            "title": _both("表格单元格（当前版本）", "Table cells (current reading)"),
            "facets": ["family", "value_source"],
        },
        "check_result": {"title": _both("检查结果", "Check results"), "facets": ["status"]},
        **{name: {"hidden": True} for name in HIDDEN_TABLES},
        "prose_metric": {"title": _both("正文数字", "Figures stated in prose"), "facets": ["key"]},
        "report_revision": {
            "title": _both("报告版本", "Report revisions"),
            "description": _both(
                "每次读取结果：current 当前 / superseded 已被取代 / rejected 较差未采用 / "
                "conflict 冲突",
                "every reading: current, superseded, rejected (worse) or conflict",
            ),
            "facets": ["status"],
        },
    }


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for a nianbao database that Datasette names ``database``."""
    queries = {}
    for name, query in QUERIES.items():
        entry = dict(query)
        if "description_html" in entry:
            path = f"/{quote(database)}/{name}{CHART_FRAGMENT}"
            entry["description_html"] = entry["description_html"].replace(
                f'href="{name}{CHART_FRAGMENT}"', f'href="{path}"'
            )
        queries[name] = entry
    return {
        "title": TITLE,
        "description": _both(
            "按机关和年度存储的年度报告统计表；每个数值可追溯到来源",
            "the reports' statistical tables keyed by authority and year, each value with "
            "its provenance",
        ),
        "databases": {database: {"tables": _tables(), "queries": queries}},
    }


def copy_to_sqlite(source: Engine, path: Path) -> Path:
    """Copy every table of a (PostgreSQL) nianbao database into a new SQLite file at ``path``."""
    if path.exists():
        path.unlink()
    target = make_engine(f"sqlite:///{path}")
    try:
        upgrade(target)
        with source.connect() as reader, target.connect() as writer:
            driver = writer.connection.driver_connection
            driver.execute("PRAGMA foreign_keys=OFF")  # parents may come after children
            with writer.begin():
                for table in Base.metadata.sorted_tables:
                    result = reader.execution_options(stream_results=True).execute(select(table))
                    for batch in result.mappings().partitions(5000):
                        writer.execute(insert(table), [dict(row) for row in batch])
            driver.execute("PRAGMA foreign_keys=ON")
        analyze(target)
    finally:
        target.dispose()
    return path
