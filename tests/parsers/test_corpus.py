"""Gold tests on the real report texts and pages of shared/corpus.

Every expected number was typed from the corpus file by reading it (the comments quote where);
partial texts are tested on what they contain. Genuine errors in published tables are expected
to be stored as printed and flagged.
"""

from __future__ import annotations

from decimal import Decimal

from nianbao.parsers import parse_path
from nianbao.parsers.spec import T3_COLUMNS

HARD_RULES = ("T3_BALANCE", "T3_ROW_TOTAL", "T3_OUTCOMES", "T4_GROUP_TOTAL")


def _text(shared, name):
    return parse_path(shared / "corpus" / "texts" / name)


def _row(*values):
    return dict(zip(T3_COLUMNS, values, strict=True))


def _z():
    return _row(0, 0, 0, 0, 0, 0, 0)


def _one(n):
    """A row whose only applicants are natural persons: n | 0 | 0 | 0 | 0 | 0 | n."""
    return _row(n, 0, 0, 0, 0, 0, n)


def _statuses(report, rule):
    return {check.binding: check.status for check in report.checks if check.rule == rule}


def _codes(report):
    return {warning.code for warning in report.warnings}


# --- 011 淮安市洪泽区 2023: PDF text, values before/between label lines ----------------------


def test_hongze_2023_pdf_text(shared):
    report = _text(shared, "011_hongze_qu_2023.txt")
    assert report.authority == "洪泽区人民政府"
    assert report.report_year == 2023
    assert report.tables["t2"].rows() == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 5, "in_force": 5},
        "licensing": {"decisions": 550},
        "penalty": {"decisions": 4119},
        "coercion": {"decisions": 195},
        "fees": {"amount_wan_yuan": Decimal("7730.28")},
    }
    t3 = report.tables["t3"]
    # The 2021 rows with a single （六）其他处理 row, as the 2019 format prints it.
    assert t3.variant == "t3_2019"
    assert t3.rows() == {
        "new_requests": _one(21),
        "carried_over": _z(),
        "granted": _z(),
        "partially_granted": _one(4),
        "denied.state_secret": _one(1),
        "denied.law_prohibited": _z(),  # printed as 2.其他法律行政止公开
        "denied.security_stability": _z(),
        "denied.third_party_rights": _z(),
        "denied.internal_affairs": _z(),
        "denied.process_info": _one(1),
        "denied.enforcement_file": _one(1),
        "denied.admin_query": _z(),
        "unable.not_held": _one(10),
        "unable.needs_creation": _one(3),
        "unable.unclear_after_correction": _z(),
        "not_processed.petition_complaint": _one(1),
        "not_processed.duplicate": _z(),
        "not_processed.publication": _z(),
        "not_processed.excessive": _z(),
        "not_processed.confirm_or_reissue": _z(),
        "other": _z(),
        "total_processed": _one(21),
        "carried_forward": _z(),
    }
    for rule in ("T3_BALANCE", "T3_ROW_TOTAL", "T3_OUTCOMES"):
        assert set(_statuses(report, rule).values()) == {"pass"}, rule
    # Value line '10 1 0 0 0 0 0 0 0 0 5 0 0 0 0': the printed totals break their own rule.
    assert report.tables["t4"].rows() == {
        "review": {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_after_review": {
            "upheld": 5,
            "corrected": 0,
            "other": 0,
            "pending": 0,
            "total": 0,
        },
    }
    assert _statuses(report, "T4_GROUP_TOTAL") == {
        "review": "fail",
        "litigation_direct": "pass",
        "litigation_after_review": "fail",
    }
    failed = {c.binding: (c.lhs, c.rhs) for c in report.violations}
    assert failed == {"review": (0, 11), "litigation_after_review": (0, 5)}
    assert "era_mixed" in _codes(report)
    prose = {m.key: m.value for m in report.prose}
    # "主动公开政府信息 1136 条", "受理政府信息公开申请 21 件" (PDF text spaces numbers out)
    assert (prose["proactive_items"], prose["requests_received"]) == (1136, 21)


# --- 012 沭阳县 2025: Markdown transcription with placeholder and wrong header rows -----------


def test_shuyang_2025_markdown_transcription(shared):
    report = _text(shared, "012_shuyang_xian_2025.txt")
    assert report.authority == "沐阳县人民政府"  # printed 沐阳 throughout
    assert report.report_year == 2025
    assert report.tables["t2"].rows() == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 6, "repealed": 1, "in_force": 32},
        "licensing": {"decisions": 517645},
        "penalty": {"decisions": 693957},
        "coercion": {"decisions": 2154},
        "fees": {"amount_wan_yuan": Decimal("4068.208")},
    }
    assert report.tables["t3"].rows() == {
        "new_requests": _row(705, 3, 0, 0, 5, 0, 713),
        "carried_over": _one(36),
        "granted": _row(290, 1, 0, 0, 3, 0, 294),
        "partially_granted": _row(99, 0, 0, 0, 2, 0, 101),
        "denied.state_secret": _z(),
        "denied.law_prohibited": _z(),
        "denied.security_stability": _one(2),
        "denied.third_party_rights": _one(2),
        "denied.internal_affairs": _one(13),
        "denied.process_info": _one(2),
        "denied.enforcement_file": _one(4),
        "denied.admin_query": _one(9),
        "unable.not_held": _one(111),
        "unable.needs_creation": _one(2),
        "unable.unclear_after_correction": _z(),
        "not_processed.petition_complaint": _one(12),
        "not_processed.duplicate": _row(6, 1, 0, 0, 0, 0, 7),
        "not_processed.publication": _z(),
        "not_processed.excessive": _z(),
        "not_processed.confirm_or_reissue": _z(),
        "other.no_correction": _one(9),
        "other.fee_unpaid": _one(7),
        "other.other": _row(142, 1, 0, 0, 0, 0, 143),
        "total_processed": _row(710, 3, 0, 0, 5, 0, 718),
        "carried_forward": _one(31),
    }
    assert report.tables["t4"].rows() == {
        "review": {"upheld": 27, "corrected": 10, "other": 9, "pending": 15, "total": 61},
        "litigation_direct": {"upheld": 3, "corrected": 0, "other": 0, "pending": 0, "total": 3},
        "litigation_after_review": {
            "upheld": 8,
            "corrected": 0,
            "other": 1,
            "pending": 1,
            "total": 10,
        },
    }
    for rule in HARD_RULES:
        assert set(_statuses(report, rule).values()) == {"pass"}, rule


# --- 013 上海市人民政府办公厅 2025: PDF transcription, table 四 under a 6-column header --------


def test_shanghai_office_2025_table_4_and_totals(shared):
    report = _text(shared, "013_shanghai_bgt_2025.txt")
    assert report.authority == "上海市人民政府办公厅"
    assert report.report_year == 2025
    # 复议 40/0/10/5/55, 直接起诉 2/0/4/6/12, 复议后起诉 6/0/9/7/22
    assert report.tables["t4"].rows() == {
        "review": {"upheld": 40, "corrected": 0, "other": 10, "pending": 5, "total": 55},
        "litigation_direct": {"upheld": 2, "corrected": 0, "other": 4, "pending": 6, "total": 12},
        "litigation_after_review": {
            "upheld": 6,
            "corrected": 0,
            "other": 9,
            "pending": 7,
            "total": 22,
        },
    }
    # Labels came apart from their values in the transcription; the 25 value rows are in
    # template order. Checked against the prose shares (予以公开及部分公开 208, 不予公开 20,
    # 无法提供 564, 不予处理 80, 其他处理 319).
    t3 = report.tables["t3"]
    assert "positional_mapping" in t3.flags
    assert t3.rows() == {
        "new_requests": _row(1259, 36, 0, 0, 0, 0, 1295),
        "carried_over": _row(170, 15, 0, 0, 4, 0, 189),
        "granted": _row(201, 5, 0, 0, 0, 0, 206),
        "partially_granted": _one(2),
        "denied.state_secret": _one(4),
        "denied.law_prohibited": _z(),
        "denied.security_stability": _one(1),
        "denied.third_party_rights": _z(),
        "denied.internal_affairs": _row(8, 0, 0, 0, 1, 0, 9),
        "denied.process_info": _one(1),
        "denied.enforcement_file": _z(),
        "denied.admin_query": _one(5),
        "unable.not_held": _row(484, 28, 0, 0, 1, 0, 513),
        "unable.needs_creation": _row(47, 1, 0, 0, 0, 0, 48),
        "unable.unclear_after_correction": _one(3),
        "not_processed.petition_complaint": _row(61, 1, 0, 0, 0, 0, 62),
        "not_processed.duplicate": _one(16),
        "not_processed.publication": _one(1),
        "not_processed.excessive": _one(1),
        "not_processed.confirm_or_reissue": _z(),
        "other.no_correction": _row(40, 1, 0, 0, 2, 0, 43),
        "other.fee_unpaid": _z(),
        "other.other": _row(264, 12, 0, 0, 0, 0, 276),
        "total_processed": _row(1139, 48, 0, 0, 4, 0, 1191),
        "carried_forward": _row(290, 3, 0, 0, 0, 0, 293),
    }
    for rule in HARD_RULES:
        assert set(_statuses(report, rule).values()) == {"pass"}, rule
    t2 = report.tables["t2"].rows()
    # 行政许可 0, 行政处罚 0, 行政强制 0, 行政事业性收费 0 under "信息内容本年处理决定数量"
    assert t2["licensing"] == {"decisions": 0} and t2["coercion"] == {"decisions": 0}
    assert t2["fees"] == {"amount_wan_yuan": 0}
    # '规章 | 22 | 235' prints two numbers for three columns: read as printed, flagged.
    assert "token_count_mismatch" in _codes(report)
    prose = {m.key: m.value for m in report.prose}
    # "市政府共受理政府信息公开申请1295件，办结1191件（含上年结转189件）" and 不予公开 20 件
    assert prose["requests_received"] == 1295
    assert prose["requests_processed"] == 1191
    assert prose["requests_carried_over"] == 189
    assert {c.rule: c.status for c in report.checks if c.rule.startswith("X_PROSE")} == {
        "X_PROSE_NEW": "pass",
        "X_PROSE_PROCESSED": "pass",
        "X_PROSE_CARRIED_OVER": "pass",
    }
    # "未发生因依申请公开被行政复议纠错" says nothing about the number of cases.
    assert "review_cases" not in {m.key for m in report.prose}


# --- partial texts: what they contain -----------------------------------------------------------


def test_xiu_zhen_2022_unfilled_2019_template(shared):
    """螅镇 2022 prints the 2019 table 二 with every value cell empty."""
    report = _text(shared, "001_xiu_zhen_2022.txt")
    assert report.report_year == 2022
    assert report.tables["t2"].variant == "t2_2019"
    assert "table_unfilled" in report.tables["t2"].flags
    assert report.tables["t2"].cells == {}
    # Table 三 (also unfilled, cut at 无法提供 3.) has no sign of its own: it follows table 二.
    assert report.tables["t3"].variant == "t3_2019"
    assert "table_unfilled" in report.tables["t3"].flags
    assert report.format == "f2019"
    assert "token_count_mismatch" not in _codes(report)


def test_erlang_jiedao_2022_table_2(shared):
    report = _text(shared, "002_erlang_jiedao_2022.txt")
    assert report.authority == "重庆市九龙坡区二郎街道办事处"
    rows = report.tables["t2"].rows()
    assert rows["normative_documents"] == {"issued": 4, "repealed": 0, "in_force": 4}
    assert rows["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert rows["licensing"] == {"decisions": 0}
    assert rows["penalty"] == {"decisions": 0} and rows["coercion"] == {"decisions": 0}
    prose = {m.key: m.value for m in report.prose}
    # 全年新收政府信息公开申请数量0件,上年结转政府信息公开申请数量0件。
    assert prose["requests_received"] == 0 and prose["requests_carried_over"] == 0


def test_mashui_zhen_2019_truncated_headers(shared):
    """本年新 / 制作数量 wrapped, 本年增/ cut: columns still found by position and prefix."""
    report = _text(shared, "003_mashui_zhen_2019.txt")
    t2 = report.tables["t2"]
    assert t2.variant == "t2_2019"
    assert t2.rows()["regulations"] == {"made": 0, "published": 0, "total_published": 0}
    assert t2.rows()["licensing"] == {"prev_items": 0, "delta": 0, "decisions": 0}
    assert "token_count_mismatch" not in _codes(report)


def test_dawuli_and_donggang_2020_2019_format(shared):
    dawuli = _text(shared, "004_dawuli_zhen_2020.txt")
    assert dawuli.tables["t2"].rows()["procurement"] == {"projects": 0, "amount_wan_yuan": 0}
    assert dawuli.tables["t3"].rows()["new_requests"] == _z()
    donggang = _text(shared, "005_donggang_zhen_2020.txt")
    assert donggang.authority == "抚松县东岗镇人民政府"
    # 第二十条第(九)项: 政府集中采购 3 | 808
    assert donggang.tables["t2"].rows()["procurement"] == {
        "projects": 3,
        "amount_wan_yuan": Decimal(808),
    }
    # The text stops after the first cell of 上年结转: the rest is unknown, not zero.
    carried = donggang.tables["t3"].cells
    assert carried[("carried_over", "natural_person")].value == 0
    assert carried[("carried_over", "total")].value is None
    assert "not_printed" in carried[("carried_over", "total")].flags


def test_wendeng_flip_book_page_table_4(shared):
    report = _text(shared, "006_wendeng_xinfangju_2022_p8.txt")
    assert report.authority == "威海市文登区信访局"
    assert report.report_year == 2022
    t4 = report.tables["t4"].rows()
    assert {v for row in t4.values() for v in row.values()} == {0}
    assert len(report.tables["t4"].cells) == 15


def test_lemin_zhen_2021_decimal_fee(shared):
    report = _text(shared, "008_lemin_zhen_2021.txt")
    assert report.tables["t2"].rows()["fees"] == {"amount_wan_yuan": Decimal("9.63211")}
    assert report.tables["t2"].rows()["penalty"] == {"decisions": 1}


def test_lemin_zhen_2021_prose_states_no_request(shared):
    """ "2021年乐民镇没有接到群众主动要求公开政府信息的申请": no request received, a zero the
    prose states (its table 三 is not in the capture), beside the 111 items published."""
    report = _text(shared, "008_lemin_zhen_2021.txt")
    prose = {m.key: m for m in report.prose}
    assert prose["proactive_items"].value == 111
    assert prose["requests_received"].value == 0
    assert prose["requests_received"].flags == ["zero_phrase"]
    assert "没有接到群众主动要求公开政府信息的申请" in prose["requests_received"].span


def test_niansanli_jiedao_2022_prose_only(shared):
    report = _text(shared, "009_niansanli_jiedao_2022.txt")
    prose = {m.key: m.value for m in report.prose}
    # "共收到信息公开申请7件,上年度结转1件;予以公开3件,无法提供4件,结转下年继续办理1件"
    assert prose["requests_received"] == 7
    assert prose["requests_carried_over"] == 1
    assert prose["requests_granted"] == 3
    assert prose["requests_unable"] == 4
    assert prose["requests_carried_forward"] == 1


def test_suqian_2017_pre2019(shared):
    report = _text(shared, "010_suqian_shi_2017.txt")
    assert report.format == "pre2019"
    assert report.authority == "宿迁市人民政府"
    assert report.report_year == 2017
    assert report.index_no == "00000001/2018-00042"


def test_shuyang_fgj_2023_word_pasted_html(shared):
    """A real UCAP article page whose tables were pasted from Word."""
    report = parse_path(shared / "corpus/html/ucap_shuyang_fgj_2023.html")
    assert report.authority == "沭阳县发展和改革局"
    assert report.report_year == 2023
    assert "traditional_script" not in _codes(report)
    assert report.tables["t2"].rows()["normative_documents"] == {
        "issued": 8,
        "repealed": 0,
        "in_force": 18,
    }
    assert report.tables["t3"].rows()["new_requests"] == _one(26)
    assert report.tables["t3"].rows()["granted"] == _one(26)
    assert report.tables["t3"].layout == "grid"
    for rule in HARD_RULES:
        assert set(_statuses(report, rule).values()) == {"pass"}, rule
