"""Gold tests on the five seed reports (shared/seeds).

Every expected number below was typed from the seed text by reading it, never copied from the
parser's output. Values are compared exactly; a 0 read from a printed "0" and a 0 read from a
blank cell are told apart through ``Cell.source``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nianbao.parsers import parse_path
from nianbao.parsers.spec import T3_COLUMNS, table_spec

HARD_RULES = ("T3_BALANCE", "T3_ROW_TOTAL", "T3_OUTCOMES", "T4_GROUP_TOTAL")


def _seed(shared, name):
    return parse_path(shared / "seeds" / name)


def _statuses(report, rule):
    return {check.binding: check.status for check in report.checks if check.rule == rule}


def _row(*values):
    return dict(zip(T3_COLUMNS, values, strict=True))


# 泸定县 2024 (seed 002): rows as printed in its table 三, columns 自然人, 商业企业, 科研机构,
# 社会公益组织, 法律服务机构, 其他, 总计.
LUDING_T3 = {
    "new_requests": _row(31, 3, 0, 0, 0, 0, 34),
    "carried_over": _row(0, 0, 0, 0, 0, 0, 0),
    "granted": _row(12, 3, 0, 0, 0, 0, 15),
    "partially_granted": _row(6, 0, 0, 0, 0, 0, 6),
    "denied.state_secret": _row(1, 0, 0, 0, 0, 0, 1),
    "denied.law_prohibited": _row(0, 0, 0, 0, 0, 0, 0),
    "denied.security_stability": _row(0, 0, 0, 0, 0, 0, 0),
    "denied.third_party_rights": _row(0, 0, 0, 0, 0, 0, 0),
    "denied.internal_affairs": _row(0, 0, 0, 0, 0, 0, 0),
    "denied.process_info": _row(0, 0, 0, 0, 0, 0, 0),
    "denied.enforcement_file": _row(3, 0, 0, 0, 0, 0, 3),
    "denied.admin_query": _row(1, 0, 0, 0, 0, 0, 1),
    "unable.not_held": _row(8, 0, 0, 0, 0, 0, 8),
    "unable.needs_creation": _row(0, 0, 0, 0, 0, 0, 0),
    "unable.unclear_after_correction": _row(0, 0, 0, 0, 0, 0, 0),
    "not_processed.petition_complaint": _row(0, 0, 0, 0, 0, 0, 0),
    "not_processed.duplicate": _row(0, 0, 0, 0, 0, 0, 0),
    "not_processed.publication": _row(0, 0, 0, 0, 0, 0, 0),
    "not_processed.excessive": _row(0, 0, 0, 0, 0, 0, 0),
    "not_processed.confirm_or_reissue": _row(0, 0, 0, 0, 0, 0, 0),
    "other.no_correction": _row(0, 0, 0, 0, 0, 0, 0),
    "other.fee_unpaid": _row(0, 0, 0, 0, 0, 0, 0),
    "other.other": _row(0, 0, 0, 0, 0, 0, 0),
    "total_processed": _row(31, 3, 0, 0, 0, 0, 34),
    "carried_forward": _row(0, 0, 0, 0, 0, 0, 0),
}
# Its table 四 data row: | 5 | 0 | 0 | 1 | 6 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 1 |
LUDING_T4 = {
    "review": {"upheld": 5, "corrected": 0, "other": 0, "pending": 1, "total": 6},
    "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
    "litigation_after_review": {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1},
}


def test_luding_2024_tables_exact(shared):
    report = _seed(shared, "002_54edbe98636d0c3c.txt")
    assert report.formats == {"t2": "2021", "t3": "2021", "t4": "2021"}
    assert report.tables["t3"].rows() == LUDING_T3
    assert report.tables["t4"].rows() == LUDING_T4
    assert report.tables["t2"].rows() == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 0, "in_force": 14},
        "licensing": {"decisions": 15889},
        "penalty": {"decisions": 19480},
        "coercion": {"decisions": 76},
        "fees": {"amount_wan_yuan": Decimal("204.92")},
    }
    assert all(c.source == "printed" for c in report.tables["t3"].cells.values())


def test_luding_2024_rules_and_prose(shared):
    report = _seed(shared, "002_54edbe98636d0c3c.txt")
    for rule in HARD_RULES:
        statuses = _statuses(report, rule)
        assert statuses and set(statuses.values()) == {"pass"}, rule
    # 统计期限为2024年1月1日至2024年12月31日; the seed text carries no title.
    assert report.report_year == 2024
    prose = {m.key: m.value for m in report.prose}
    # "主动公开政府信息4460条", "受理依申请公开事项34件", "行政复议6件,行政诉讼1件",
    # "制发行政规范性文件0件,废止行政规范性文件0件,现行有效规范性文件14件", "未收取任何信息处理费"
    assert prose["proactive_items"] == 4460
    assert prose["requests_received"] == 34
    assert prose["review_cases"] == 6
    assert prose["litigation_cases"] == 1
    assert prose["normative_documents_in_force"] == 14
    assert prose["fees_yuan"] == 0
    soft = {c.rule: c.status for c in report.checks if c.rule.startswith("X_PROSE")}
    assert soft == {
        "X_PROSE_NEW": "pass",
        "X_PROSE_REVIEW": "pass",
        "X_PROSE_LITIGATION": "pass",
        "X_PROSE_NORMATIVE_IN_FORCE": "pass",
    }


def test_yuyang_2024_one_cell_per_line(shared):
    report = _seed(shared, "000_b5566a94ec5fc8f8.txt")
    assert report.title == "渔洋镇2024年政府信息公开工作年度报告"
    assert report.authority == "渔洋镇人民政府"
    assert report.report_year == 2024
    assert report.published == dt.date(2025, 1, 15)  # 发布日期:2025-01-15 13:15
    assert report.formats == {"t2": "2021", "t3": "2021", "t4": "2021"}
    t3 = report.tables["t3"]
    # Every one of the 25 stored rows printed as seven zeros.
    assert [r.key for r in table_spec("t3_2021").stored_rows()] == list(t3.rows())
    assert {v for row in t3.rows().values() for v in row.values()} == {0}
    assert len(t3.cells) == 25 * 7
    assert all(c.source == "printed" for c in t3.cells.values())
    assert len(report.tables["t4"].cells) == 15
    assert {v for row in report.tables["t4"].rows().values() for v in row.values()} == {0}
    assert report.tables["t2"].rows()["fees"] == {"amount_wan_yuan": 0}
    prose = {m.key: m for m in report.prose}
    assert prose["proactive_items"].value == 616  # 累计主动公开政府信息616条
    assert prose["requests_received"].value == 0  # 2024年我镇无依申请公开信息
    assert "扫一扫" not in report.text and "我要纠错" not in report.text
    for rule in HARD_RULES:
        assert set(_statuses(report, rule).values()) == {"pass"}, rule


def test_mangling_2020_tab_separated_2019_format(shared):
    report = _seed(shared, "001_c8d30c2eb8575ca5.txt")
    assert report.authority == "邙岭镇人民政府"
    assert report.report_year == 2020
    assert report.format == "f2019"
    assert report.formats == {"t2": "2019", "t3": "2019", "t4": "2019"}
    t2 = report.tables["t2"].rows()
    # 第二十条第(九)项: 政府集中采购 2 | 30.5
    assert t2["procurement"] == {"projects": 2, "amount_wan_yuan": Decimal("30.5")}
    assert t2["fees"] == {"prev_items": 0, "delta": 0}
    assert t2["licensing"] == {"prev_items": 0, "delta": 0, "decisions": 0}
    assert t2["regulations"] == {"made": 0, "published": 0, "total_published": 0}
    t3 = report.tables["t3"]
    assert t3.variant == "t3_2019"
    assert "other" in t3.rows() and "other.other" not in t3.rows()
    assert len(t3.rows()) == 23
    assert {v for row in t3.rows().values() for v in row.values()} == {0}
    assert {v for row in report.tables["t4"].rows().values() for v in row.values()} == {0}
    assert {m.key: m.value for m in report.prose}["proactive_items"] == 392


def test_sibazhen_2017_narrative(shared):
    report = _seed(shared, "003_9be01f7833830f67.txt")
    assert report.format == "pre2019"
    assert report.tables == {}
    assert report.report_year == 2017
    assert report.authority == "凉州区四坝镇人民政府"
    assert report.index_no == "116223010153210935/2018-14316"
    assert report.published == dt.date(2018, 2, 1)
    prose = {m.key: m.value for m in report.prose}
    # 政府网站主动公开信息数量90条; 未收到依申请公开事项; 未发生政府信息公开收费;
    # 未发生涉及政府信息公开的行政复议、行政诉讼
    assert prose == {
        "proactive_items": 90,
        "requests_received": 0,
        "fees_yuan": 0,
        "review_cases": 0,
        "litigation_cases": 0,
    }
    assert "Produced By" not in report.text
    assert not any(w.code == "table_missing" for w in report.warnings)


def test_laodong_2022_pipe_per_cell(shared):
    report = _seed(shared, "004_83053b7e25c70037.txt")
    assert report.formats == {"t2": "2021", "t3": "2021", "t4": "2021"}
    assert report.report_year == 2022
    t3 = report.tables["t3"]
    assert len(t3.cells) == 25 * 7
    assert {v for row in t3.rows().values() for v in row.values()} == {0}
    assert len(report.tables["t4"].cells) == 15
    assert {m.key: m.value for m in report.prose}["proactive_items"] == 75
    # No title: the opening sentence names it ("2022年,劳动镇坚持…", then "乐至县劳动镇认真落实").
    assert report.authority == "乐至县劳动镇人民政府"
    assert report.authority_source == "text"
    assert not any(w.code == "authority_unknown" for w in report.warnings)


@pytest.mark.parametrize(
    "name",
    [
        "000_b5566a94ec5fc8f8.txt",
        "001_c8d30c2eb8575ca5.txt",
        "002_54edbe98636d0c3c.txt",
        "004_83053b7e25c70037.txt",
    ],
)
def test_no_reading_warnings_on_clean_seeds(shared, name):
    report = _seed(shared, name)
    codes = {w.code for w in report.warnings}
    assert not codes & {"token_count_mismatch", "label_unmatched", "table_missing", "era_mixed"}


def test_traditional_script_mirror_reads_the_same(shared):
    """A Traditional-script copy of a mainland page (made from seed 002 with OpenCC s2t, as
    mirrors are) reads to the same numbers and is flagged."""
    import opencc

    from nianbao.parsers import parse_text

    simplified = (shared / "seeds" / "002_54edbe98636d0c3c.txt").read_text("utf-8")
    mirror = opencc.OpenCC("s2t").convert(simplified)
    assert mirror != simplified
    report = parse_text(mirror)
    assert "traditional_script" in {w.code for w in report.warnings}
    assert report.tables["t3"].rows() == LUDING_T3
    assert report.tables["t4"].rows() == LUDING_T4


def test_tables_without_section_headings_keep_their_rows(shared):
    """Seed 002 with the heading of section 四 removed (as in workbooks): table 四 starts at
    its own header, and table 三 keeps its last row 四、结转下年度继续办理."""
    from nianbao.parsers import parse_text

    text = (shared / "seeds" / "002_54edbe98636d0c3c.txt").read_text("utf-8")
    report = parse_text(text.replace("四、政府信息公开行政复议、行政诉讼情况 |\n", ""))
    assert report.tables["t3"].rows() == LUDING_T3
    assert report.tables["t4"].rows() == LUDING_T4
