"""Transparency indicators per authority and year, computed from what is stored.

政务公开 evaluations ask four questions of an annual report: was it published on time, does it
follow the template required for its year, do its numbers agree with each other and with the
previous year, and how did requests, denials, 复议 and 诉讼 change. Each indicator is defined
once here, as an :class:`Indicator`: its column, names, definition, legal source and SQL. The
database view ``indicators`` (migration 0008, built by ``indicators_view.view_sql``),
``nianbao indicators``, the Datasette metadata (``columns.py``), the dashboard and the README
table (``readme_tables.py``) all read these definitions, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The law every deadline and template rule below comes from.
TIAOLI_2019 = "《中华人民共和国政府信息公开条例》（国务院令第711号，2019-05-15施行）"
TIAOLI_2007 = "《中华人民共和国政府信息公开条例》（国务院令第492号）"
TEMPLATE_2019 = "国办公开办函〔2019〕60号《政府信息公开工作年度报告格式（试行）》"
TEMPLATE_2021 = "国办公开办函〔2021〕30号《政府信息公开工作年度报告格式》"

GROUPS: dict[str, tuple[str, str]] = {
    "on_time": ("按时公布", "On time"),
    "template": ("格式规范", "Template"),
    "consistency": ("数据一致", "Consistency"),
    "trend": ("年度变化", "Trend"),
}


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a report is due, for the reports ``condition`` (SQL over ``r`` report, ``a``
    authority) selects: ``month``/``day`` of the year after the report year."""

    key: str
    condition: str
    month: int
    day: int
    text: str
    source: str


#: First match wins. The revised 条例 applies from report year 2019 (in force 2019-05-15).
DEADLINES: tuple[Deadline, ...] = (
    Deadline(
        "pre2019",
        "r.report_year <= 2018",
        3,
        31,
        "各级行政机关每年3月31日前公布本机关上一年度年度报告",
        f"{TIAOLI_2007}第三十一条",
    ),
    Deadline(
        "government",
        "r.scope = 'aggregate' OR a.level IN ('province', 'city', 'county')",
        3,
        31,
        "县级以上地方人民政府的政府信息公开工作主管部门每年3月31日前公布本级政府上一年度年度报告",
        f"{TIAOLI_2019}第四十九条",
    ),
    Deadline(
        "department",
        "a.level IN ('department', 'national')",
        1,
        31,
        "县级以上人民政府部门每年1月31日前提交并向社会公布本机关上一年度年度报告",
        f"{TIAOLI_2019}第四十九条",
    ),
    Deadline(
        "township",
        "a.level IN ('township', 'street')",
        1,
        31,
        "乡镇、街道：条例未规定日期，按其向县级主管部门报送、与部门同期（1月31日）计",
        f"{TIAOLI_2019}第四十九条（参照部门）",
    ),
)

#: Sections 一–六 of the 2019 and 2021 formats: key (parsers/sections.py), numeral.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "一"),
    ("proactive", "二"),
    ("requests", "三"),
    ("review_litigation", "四"),
    ("problems", "五"),
    ("other_matters", "六"),
)
TABLES: tuple[tuple[str, str], ...] = (("t2", "二"), ("t3", "三"), ("t4", "四"))

#: Figures compared year on year: name -> expression over a ``report_wide`` row ``{w}``.
TREND_FIGURES: dict[str, str] = {
    "applications": "{w}.t3_new_requests",
    "granted": "{w}.t3_granted",
    "denied": "{w}.t3_denied",
    "reviews": "{w}.t4_review_total",
    "lawsuits": "{w}.t4_litigation_direct_total + {w}.t4_litigation_after_review_total",
    "review_corrected_share": (
        "ROUND(1.0 * {w}.t4_review_corrected / NULLIF({w}.t4_review_total, 0), 3)"
    ),
    "lawsuit_corrected_share": (
        "ROUND(1.0 * ({w}.t4_litigation_direct_corrected"
        " + {w}.t4_litigation_after_review_corrected)"
        " / NULLIF({w}.t4_litigation_direct_total + {w}.t4_litigation_after_review_total, 0), 3)"
    ),
}


@dataclass(frozen=True, slots=True)
class Indicator:
    """One column of the view ``indicators``: ``sql`` is an expression over the inner query
    ``b`` (see :func:`view_sql`), portable between SQLite and PostgreSQL."""

    column: str
    group: str
    zh: str
    en: str
    definition: str
    source: str
    sql: str

    def note(self) -> str:
        """The one-line description Datasette shows for the column."""
        return f"{self.zh} · {self.en}: {self.definition}"


def _missing(parts: tuple[tuple[str, str], ...], prefix: str) -> str:
    """Numerals of the parts whose presence column ``b.{prefix}{key}`` is 0, space-separated."""
    pieces = " || ".join(
        f"CASE WHEN b.{prefix}{key} = 1 THEN '' ELSE '{numeral} ' END" for key, numeral in parts
    )
    return f"NULLIF(TRIM({pieces}), '')"


def _count(parts: tuple[tuple[str, str], ...], prefix: str) -> str:
    return " + ".join(f"b.{prefix}{key}" for key, _ in parts)


_MODERN = "b.report_year >= 2019"
_DEADLINE_SOURCES = "; ".join(
    f"{d.key}: {d.month}月{d.day}日, {d.source}" for d in DEADLINES if d.key != "township"
)
_TEMPLATE_SOURCE = f"{TIAOLI_2019}第五十条; {TEMPLATE_2019}; {TEMPLATE_2021}"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "deadline",
        "on_time",
        "公布期限",
        "deadline",
        "31 January of the following year for departments (乡镇、街道 counted with them: the 条例 "
        "names no date for them), 31 March for a county-or-higher government's own or compiled "
        "report and for every report before 2019; unknown when the tier is unknown",
        _DEADLINE_SOURCES,
        "b.deadline",
    ),
    Indicator(
        "deadline_rule",
        "on_time",
        "期限依据",
        "deadline rule",
        "which rule gave the deadline: " + ", ".join(d.key for d in DEADLINES),
        _DEADLINE_SOURCES,
        "b.deadline_rule",
    ),
    Indicator(
        "on_time",
        "on_time",
        "是否按时",
        "on time",
        "on_time when the published date is on or before the deadline, late after it, unknown "
        "when the page gives no date (or there is no deadline)",
        _DEADLINE_SOURCES,
        "CASE WHEN b.published IS NULL OR b.deadline IS NULL THEN 'unknown' "
        "WHEN b.days_after_deadline > 0 THEN 'late' ELSE 'on_time' END",
    ),
    Indicator(
        "days_late",
        "on_time",
        "逾期天数",
        "days late",
        "days from the deadline to the published date; 0 when on time, empty when unknown",
        _DEADLINE_SOURCES,
        "CASE WHEN b.days_after_deadline > 0 THEN b.days_after_deadline "
        "WHEN b.days_after_deadline IS NOT NULL THEN 0 END",
    ),
    Indicator(
        "format_required",
        "template",
        "应用格式",
        "format required",
        "f2019 (the trial format) for report years 2019–2020, f2021 from 2021, pre2019 before "
        "(no template)",
        _TEMPLATE_SOURCE,
        "CASE WHEN b.report_year >= 2021 THEN 'f2021' WHEN b.report_year >= 2019 THEN 'f2019' "
        "ELSE 'pre2019' END",
    ),
    Indicator(
        "format_used",
        "template",
        "实际格式",
        "format used",
        "the format of table 三 as read (else of table 二); empty when neither table was found",
        _TEMPLATE_SOURCE,
        "b.format",
    ),
    Indicator(
        "format_ok",
        "template",
        "格式相符",
        "format matches",
        "1 when tables 二 and 三, as far as found, follow the required format and one was found; "
        "0 otherwise; empty before 2019",
        _TEMPLATE_SOURCE,
        "CASE WHEN NOT " + _MODERN + " THEN NULL "
        "WHEN b.t2 IS NULL AND b.t3 IS NULL THEN 0 "
        "WHEN COALESCE(b.t2, 't2_' || b.era) = 't2_' || b.era "
        "AND COALESCE(b.t3, 't3_' || b.era) = 't3_' || b.era THEN 1 ELSE 0 END",
    ),
    Indicator(
        "tables_missing",
        "template",
        "缺少的表格",
        "tables missing",
        "which of tables 二 (主动公开), 三 (依申请), 四 (复议诉讼) were not found; empty when all "
        "are there or before 2019",
        _TEMPLATE_SOURCE,
        f"CASE WHEN {_MODERN} THEN {_missing(TABLES, 'has_')} END",
    ),
    Indicator(
        "sections_present",
        "template",
        "章节数",
        "sections present",
        "how many of the six sections 一–六 have their heading (0–6); empty before 2019",
        _TEMPLATE_SOURCE,
        f"CASE WHEN {_MODERN} THEN {_count(SECTIONS, 'has_')} END",
    ),
    Indicator(
        "sections_missing",
        "template",
        "缺少的章节",
        "sections missing",
        "numerals of the missing sections, e.g. 五 (存在的主要问题及改进情况) or 六 "
        "(其他需要报告的事项)",
        _TEMPLATE_SOURCE,
        f"CASE WHEN {_MODERN} THEN {_missing(SECTIONS, 'has_')} END",
    ),
    Indicator(
        "fees_stated",
        "template",
        "说明收费",
        "fees stated",
        "1 when the report states its 信息处理费 (an amount, or that none was charged), as the "
        "2021 format asks in section 六; 0 when it does not",
        f"{TEMPLATE_2021}（六、其他需要报告的事项）",
        "b.fees_stated",
    ),
    Indicator(
        "rules_broken",
        "consistency",
        "不成立的规则数",
        "rules broken",
        "how many consistency rules (report_format.json) fail at least once: within the report "
        "and against the previous year",
        "report_format.json rules; table headers of the formats (第一项+第二项=第三项+第四项)",
        "COALESCE(b.rules_broken, 0)",
    ),
    Indicator(
        "rules_broken_ids",
        "consistency",
        "不成立的规则",
        "rule ids",
        "the ids of those rules, comma-separated (T3_BALANCE, T4_GROUP_TOTAL, X_CARRY …)",
        "report_format.json rules",
        "b.rules_broken_ids",
    ),
    Indicator(
        "prose_disagreements",
        "consistency",
        "正文与表格不符",
        "prose vs tables",
        "how many figures written in the prose disagree with the tables (failed X_PROSE_* "
        "checks, as stored: a 受理 count that includes carry-over is not a disagreement)",
        "report_format.json rules X_PROSE_*",
        "COALESCE(b.prose_disagreements, 0)",
    ),
    Indicator(
        "carry_over",
        "consistency",
        "上年结转衔接",
        "carry-over",
        "X_CARRY on the 总计 column: this year's 上年结转 against last year's 结转下年度 (pass, "
        "fail, not_checkable); empty when last year's report is not stored",
        "report_format.json rule X_CARRY (view cross_year_check)",
        "b.carry_over",
    ),
    Indicator(
        "previous_year",
        "trend",
        "对比年度",
        "compared with",
        "the report year the changes below compare with (the same authority and scope, one "
        "year earlier); empty when it is not stored",
        "—",
        "b.previous_year",
    ),
    *(
        indicator
        for name, (zh, en, what) in {
            "applications": ("新收申请", "applications", "table 三 本年新收政府信息公开申请数量"),
            "granted": ("予以公开", "granted", "table 三 予以公开"),
            "denied": ("不予公开", "denied", "table 三 不予公开 (all grounds)"),
            "reviews": ("行政复议", "reviews", "table 四 行政复议 总计"),
            "lawsuits": (
                "行政诉讼",
                "lawsuits",
                "table 四 未经复议直接起诉 + 复议后起诉, 总计",
            ),
            "review_corrected_share": (
                "复议纠错率",
                "review corrected share",
                "table 四 行政复议 结果纠正 / 总计",
            ),
            "lawsuit_corrected_share": (
                "诉讼纠错率",
                "lawsuit corrected share",
                "table 四 诉讼 结果纠正 / 总计 (both kinds)",
            ),
        }.items()
        for indicator in (
            Indicator(name, "trend", zh, en, what, _TEMPLATE_SOURCE, f"b.cur_{name}"),
            Indicator(
                f"{name}_change",
                "trend",
                f"{zh}变化",
                f"{en} change",
                f"this year minus the previous year ({what})",
                _TEMPLATE_SOURCE,
                f"b.cur_{name} - b.prev_{name}",
            ),
        )
    ),
)

BY_COLUMN: dict[str, Indicator] = {indicator.column: indicator for indicator in INDICATORS}

#: The columns that say which report a row is about (before the indicators).
KEY_COLUMNS = (
    "report_id",
    "authority",
    "level",
    "province",
    "city",
    "county",
    "report_year",
    "scope",
    "published",
)


def columns() -> list[str]:
    """The view's columns, in order: the report key, then every indicator."""
    return [*KEY_COLUMNS, *(indicator.column for indicator in INDICATORS)]
