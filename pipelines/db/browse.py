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

from .columns import KEY_NOTES, T3_COLUMNS, T4_COLUMNS, VIEWS, both
from .engine import analyze, make_engine, upgrade
from .models import Base

TITLE = "nianbao · 政府信息公开工作年度报告 / Annual reports on open government information"

#: datasette-vega keeps a chart's settings in the URL fragment.
CHART_FRAGMENT = (
    "#g.mark=bar&g.x_column=report_year&g.x_type=ordinal"
    "&g.y_column=applications_received&g.y_type=quantitative&g.color_column=level"
    "&g.color_type=nominal"
)


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
        "title": both("各年度报告概况", "Reports per year at a glance"),
        "description": both(
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
        "title": both("各机关报告概况", "Authorities at a glance"),
        "description": both(
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
        "title": both("一个机关的历年指标", "One authority, year by year"),
        "description": both(
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
        "title": both("一个年度的机关排名", "One report year, authorities ranked"),
        "description": both(
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
        "title": both(
            "各乡镇（街道）每年收到的依申请公开申请", "Applications received per township by year"
        ),
        "description": both(
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
        "title": both(
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
        "title": both("违反表三平衡关系的报告", "Reports that break the balance rule"),
        "description": both(
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
        "title": both("各勾稽规则不成立的报告数", "Reports failing each consistency rule"),
        "sql": (
            "SELECT rule_id, count(DISTINCT report_id) AS reports, count(*) AS failures\n"
            "FROM report_check WHERE status = 'fail'\n"
            "GROUP BY rule_id ORDER BY reports DESC, rule_id"
        ),
    },
    "prose_disagrees_with_table": {
        "title": both("正文所述申请数与表三不符", "Prose request count differs from table 3"),
        "description": both(
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
        "title": both("未采用的读取结果（冲突、较差）", "Readings kept aside (conflicts, worse)"),
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
            "title": both("透明度指标（每份报告一行）", "Transparency indicators, one per report"),
            "description": both(
                "按时公布、格式规范、数据一致、年度变化；定义与法律依据见 README",
                "on time, template, consistency, trend; definitions and legal sources in the "
                "README (pipelines/db/indicators.py)",
            ),
            "facets": ["report_year", "on_time", "level"],
            "sort_desc": "report_year",
            "columns": VIEWS["indicators"].notes(),
        },
        "report_wide": {
            "title": both("报告宽表（表三、表四总计）", "Reports, wide (table 3 and 4 totals)"),
            "description": both(
                "每份报告一行：机关、层级、地区、年度，表三各项总计、表四十五个数",
                "one row per report: authority, tier, region, year, the table 3 totals and "
                "the 15 values of table 4",
            ),
            "facets": ["report_year", "level", "province"],
            "sort_desc": "report_year",
            "columns": VIEWS["report_wide"].notes(),
        },
        "report_value": {
            "title": both("全部数值（长表，含正文数字）", "Every value, long form (prose too)"),
            "description": both(
                "表格单元格与正文数字，provenance 标明来源：printed 印刷 / derived 推导 / "
                "ocr 识别 / prose 正文 / missing 缺失",
                "table cells and prose figures; provenance: printed, derived, ocr, prose, missing",
            ),
            "facets": ["provenance", "family", "report_year"],
            "columns": VIEWS["report_value"].notes(),
        },
        "report_check": {
            "title": both("勾稽关系检查结果", "Consistency check results"),
            "facets": ["rule_id", "status", "report_year"],
            "columns": VIEWS["report_check"].notes(),
        },
        "authority": {
            "title": both("机关", "Authorities"),
            "description": both(
                "发布报告的机关及其上级政府；inferred 表示仅作为上级推断",
                "issuing organs and the government above them; inferred: known only as a parent",
            ),
            "facets": ["level", "province", "city"],
            "label_column": "name",
            "columns": {
                "name": both("规范名称", "canonical name"),
                "level": KEY_NOTES["level"],
                "parent_id": both("上级政府", "parent government"),
                "province": KEY_NOTES["province"],
                "city": KEY_NOTES["city"],
                "county": KEY_NOTES["county"],
                "division_code": KEY_NOTES["division_code"],
                "region_source": both(
                    "地区来源：name/publisher/portal", "where the region came from"
                ),
                "portal": both("发现报告的门户", "portal the report was found on"),
                "inferred": both("仅作为上级推断", "inferred as a parent only"),
            },
        },
        "report": {
            "title": both("报告", "Reports"),
            "facets": ["report_year", "format", "scope"],
            "columns": {
                "report_year": KEY_NOTES["report_year"],
                "scope": KEY_NOTES["scope"],
                "source_url": both("当前读取所用网址", "URL of the current reading"),
                "source_urls": both("发现过该报告的全部网址", "every URL the report was found at"),
                "parsed_from": both("读取自：page 网页 / attachment 附件", "parsed from"),
                "revision": both("当前版本号", "current revision"),
                "violations": KEY_NOTES["violations"],
                "text": both("正文（去除页面框架）", "clean text"),
            },
        },
        "cell": {
            "title": both("表格单元格（当前版本）", "Table cells (current reading)"),
            "facets": ["family", "value_source"],
        },
        "check_result": {"title": both("检查结果", "Check results"), "facets": ["status"]},
        **{name: {"hidden": True} for name in HIDDEN_TABLES},
        "prose_metric": {"title": both("正文数字", "Figures stated in prose"), "facets": ["key"]},
        "report_revision": {
            "title": both("报告版本", "Report revisions"),
            "description": both(
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
        "description": both(
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
