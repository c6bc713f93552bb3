"""Gold tests for the real reports of shared/corpus that test_corpus.py reads only in part:
every table 二/三/四 cell the text prints, and the authority and year where the text names them.

Every expected value was typed from the corpus file by reading it (the comments quote the
printed lines), never from the parser's output. Where the page itself is ambiguous the test
asserts the cells are marked uncertain instead of a value.
"""

from __future__ import annotations

from decimal import Decimal

from nianbao.parsers import parse_path
from nianbao.parsers.metadata import not_a_report
from nianbao.parsers.spec import T3_COLUMNS

ORGS = T3_COLUMNS[1:-1]  # 商业企业 … 其他: the organisation columns of table 三


def _row(*values):
    return dict(zip(T3_COLUMNS, values, strict=True))


def _zeros():
    return _row(0, 0, 0, 0, 0, 0, 0)


def _codes(report):
    return [warning.code for warning in report.warnings]


def _t2_2019_zeros():
    """The 2019 table 二 with every printed cell 0 (规章 0 0 0 … 政府集中采购 0 0)."""
    three = {"made": 0, "published": 0, "total_published": 0}
    items = {"prev_items": 0, "delta": 0, "decisions": 0}
    return {
        "regulations": three,
        "normative_documents": three,
        "licensing": items,
        "other_services": items,
        "penalty": items,
        "coercion": items,
        "fees": {"prev_items": 0, "delta": 0},
        "procurement": {"projects": 0, "amount_wan_yuan": 0},
    }


# --- 007 威海市文登区人民政府办公室 2022, last flip-book page: prose and signature only --------


def test_wendeng_office_2022_signature_names_the_authority(shared):
    report = parse_path(shared / "corpus/texts/007_wendeng_zhengfuban_2022_p9.txt")
    # Title line "Page 9 - 威海市文登人民政府办公室2022年…报告" drops the 区; the signature at
    # the end prints the body in full: "威海市文登区人民政府办公室 / 2023 年 1 月 16 日".
    assert report.authority == "威海市文登区人民政府办公室"
    assert report.authority_source == "text"
    assert "威海市文登区人民政府办公室" in report.authority_evidence
    assert report.report_year == 2022
    assert report.year_source == "title"
    # "全年办理答复政府信息公开申请 7 件"
    assert {m.key: m.value for m in report.prose} == {"requests_processed": 7}
    assert report.tables == {}
    assert _codes(report).count("table_missing") == 3


# --- 004 迁安市大五里镇 2020: 2019 format, one cell per line, cut inside table 三 -------------


def test_dawuli_2020_every_printed_cell(shared):
    report = parse_path(shared / "corpus/texts/004_dawuli_zhen_2020.txt")
    # "大五里镇2020年政府信息公开工作年度报告"; "来源:大五里镇"
    assert report.authority == "大五里镇人民政府"
    assert report.report_year == 2020
    assert report.tables["t2"].variant == "t2_2019"
    assert report.tables["t2"].rows() == _t2_2019_zeros()
    t3 = report.tables["t3"]
    rows = t3.rows()
    # 一、本年新收 0×7, 二、上年结转 0×7, (一)予以公开 0×7, (二)部分公开 0×7,
    # (三)不予公开 1.属于国家秘密 0×7, then the text ends on "2" (of "2.其他法律…").
    for key in ("new_requests", "carried_over", "granted", "partially_granted"):
        assert rows[key] == _zeros(), key
        assert all(t3.cells[(key, col)].uncertain is None for col in T3_COLUMNS)
    # Eight tokens for seven columns on the last row: which one is extra the page does not
    # say, so the row is stored marked uncertain (values kept, never silently trusted).
    assert rows["denied.state_secret"] == _zeros()
    assert {t3.cells[("denied.state_secret", col)].uncertain for col in T3_COLUMNS} == {
        "token_count_mismatch"
    }
    assert "reading_uncertain" in _codes(report)
    assert set(rows) == {
        "new_requests",
        "carried_over",
        "granted",
        "partially_granted",
        "denied.state_secret",
    }
    # "主动公开政务信息共217条"
    assert {m.key: m.value for m in report.prose}["proactive_items"] == 217


# --- 008 遂溪县乐民镇 2021: 2021 table 二 one cell per line ----------------------------------


def test_lemin_2021_table_2_and_authority(shared):
    report = parse_path(shared / "corpus/texts/008_lemin_zhen_2021.txt")
    # "乐民镇2021年政府信息公开工作年度报告"
    assert report.authority == "乐民镇人民政府"
    assert report.report_year == 2021
    t2 = report.tables["t2"]
    assert t2.variant == "t2_2021"
    # 规章 0 0 0 | 行政规范性文件 0 0 0 | 行政许可 0 | 行政处罚 1 | 行政强制 0 |
    # 行政事业性收费 9.63211 (万元)
    assert t2.rows() == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
        "licensing": {"decisions": 0},
        "penalty": {"decisions": 1},
        "coercion": {"decisions": 0},
        "fees": {"amount_wan_yuan": Decimal("9.63211")},
    }
    # "2021年乐民镇主动公开政府信息111条"
    assert {m.key: m.value for m in report.prose}["proactive_items"] == 111


# --- 003 / 001: titles that name only the township -------------------------------------------


def test_mashui_2019_authority_and_year_from_title(shared):
    report = parse_path(shared / "corpus/texts/003_mashui_zhen_2019.txt")
    # "马水镇2019年政府信息公开年度报告"; "统计期限自201911日起至20191231日止"
    assert report.authority == "马水镇人民政府"
    assert report.authority_source == "title"
    assert report.report_year == 2019
    assert "year_conflict" not in _codes(report)


def test_xiu_zhen_2022_authority_and_year_from_title(shared):
    report = parse_path(shared / "corpus/texts/001_xiu_zhen_2022.txt")
    # "2022年度螅镇政府信息公开工作年度报告"
    assert report.authority == "螅镇人民政府"
    assert report.report_year == 2022


# --- ucap 沭阳县发展和改革局 2023: Word-pasted HTML grid, organisation columns left blank ------


def test_shuyang_fgj_2023_every_cell(shared):
    report = parse_path(shared / "corpus/html/ucap_shuyang_fgj_2023.html")
    # Signature "沭阳县发展和改革局 / 2024年1月17日"; title "…2023年政府信息公开年度报告"
    assert report.authority == "沭阳县发展和改革局"
    assert report.report_year == 2023
    # 规章 0 0 0 | 规范性文件 8 0 18 | 行政许可 0 | 行政处罚 0 | 行政强制 0 | 行政事业性收费 0
    assert report.tables["t2"].rows() == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 8, "repealed": 0, "in_force": 18},
        "licensing": {"decisions": 0},
        "penalty": {"decisions": 0},
        "coercion": {"decisions": 0},
        "fees": {"amount_wan_yuan": 0},
    }
    t3 = report.tables["t3"]
    assert t3.variant == "t3_2021" and t3.layout == "grid"
    # Every row prints 自然人 and 总计 only, the five organisation cells blank:
    # 本年新收 26 … 26, 予以公开 26 … 26, （七）总计 26 … 26, every other row 0 … 0.
    nonzero = {"new_requests", "granted", "total_processed"}
    rows = t3.rows()
    assert len(rows) == 25
    for key, values in rows.items():
        n = 26 if key in nonzero else 0
        assert values == _row(n, 0, 0, 0, 0, 0, n), key
        for col in ORGS:
            assert t3.cells[(key, col)].source == "blank_zero", (key, col)
        assert t3.cells[(key, "natural_person")].source == "printed"
        assert t3.cells[(key, "total")].source == "printed"
    assert not any(cell.uncertain for cell in t3.cells.values())
    # Table 四 value row: 0 0 0 1 1 | 0 0 0 0 0 | 0 0 0 0 0
    assert report.tables["t4"].rows() == {
        "review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_after_review": {
            "upheld": 0,
            "corrected": 0,
            "other": 0,
            "pending": 0,
            "total": 0,
        },
    }
    assert all(check.status == "pass" for check in report.checks if check.rule.startswith("T"))


# --- the corpus's pages that are not reports ---------------------------------------------------


def test_handan_article_page_is_not_a_report(shared):
    """A 邯郸 article page whose body was removed (a 通知, not a 年报): never stored as one."""
    report = parse_path(shared / "corpus/html/trs_xxgk_article_meta_handan.html")
    assert report.tables == {}
    assert not_a_report(report.title, len(report.tables), len(report.prose))


# --- seeds whose table 二 test_seeds.py reads only in part -----------------------------------


def _t2_2021_zeros():
    """The 2021 table 二 with every printed cell 0 (规章 0 0 0 … 行政事业性收费 0)."""
    three = {"issued": 0, "repealed": 0, "in_force": 0}
    return {
        "regulations": three,
        "normative_documents": three,
        "licensing": {"decisions": 0},
        "penalty": {"decisions": 0},
        "coercion": {"decisions": 0},
        "fees": {"amount_wan_yuan": 0},
    }


def test_yuyang_2024_table_2(shared):
    # 规章 / 0 / 0 / 0 / 行政规范性文件 / 0 / 0 / 0 / … / 行政事业性收费 / 0 (one cell per line)
    report = parse_path(shared / "seeds/000_b5566a94ec5fc8f8.txt")
    assert report.tables["t2"].rows() == _t2_2021_zeros()


def test_laodong_2022_table_2_pipe_dump(shared):
    # 规章 | / 0 | / 0 | / 0 | … 行政许可 | / 0 | / || … : the || lines are the grid's blank
    # cells, no values
    report = parse_path(shared / "seeds/004_83053b7e25c70037.txt")
    t2 = report.tables["t2"]
    assert t2.rows() == _t2_2021_zeros()
    assert not any(cell.uncertain for cell in t2.cells.values())


def test_mashui_2019_table_2_every_printed_row(shared):
    # 规章 0 0 0 | 规范性文件 0 0 0 | 行政许可 0 0 0 | 其他对外管理服务事项 0 0 0 |
    # 行政处罚 0 0 0 | 行政强制 0 0 0 — the text ends at 第二十条第(八): no fee or purchase row
    report = parse_path(shared / "corpus/texts/003_mashui_zhen_2019.txt")
    expected = _t2_2019_zeros()
    del expected["fees"], expected["procurement"]
    assert report.tables["t2"].rows() == expected


def test_mangling_2020_table_2_every_row(shared):
    # Tab-separated: 规章 0 0 0 … 行政强制 0 0 0 | 行政事业性收费 0 0 | 政府集中采购 2 30.5
    report = parse_path(shared / "seeds/001_c8d30c2eb8575ca5.txt")
    expected = _t2_2019_zeros()
    expected["procurement"] = {"projects": 2, "amount_wan_yuan": Decimal("30.5")}
    assert report.tables["t2"].rows() == expected


def test_shanghai_office_2025_table_2_two_numbers_for_three_columns(shared):
    """'| 规章 | 22 | 235 |' and '| 行政规范性文件 | 34 | 189 |' under the header 本年制发件数 |
    本年废止件数 | 现行有效件数: two numbers for three columns, so which column each belongs
    to is not on the page. The cells are stored marked uncertain, the third unknown."""
    report = parse_path(shared / "corpus/texts/013_shanghai_bgt_2025.txt")
    t2 = report.tables["t2"]
    for row in ("regulations", "normative_documents"):
        assert t2.cells[(row, "issued")].uncertain == "token_count_mismatch"
        assert t2.cells[(row, "repealed")].uncertain == "token_count_mismatch"
        assert t2.cells[(row, "in_force")].value is None
    assert t2.cells[("regulations", "issued")].value == 22
    assert t2.cells[("normative_documents", "issued")].value == 34
    # 行政许可 0 | 行政处罚 0 | 行政强制 0 | 行政事业性收费 0: printed with their labels, certain
    for row, col in (
        ("licensing", "decisions"),
        ("penalty", "decisions"),
        ("coercion", "decisions"),
        ("fees", "amount_wan_yuan"),
    ):
        cell = t2.cells[(row, col)]
        assert cell.value == 0 and cell.uncertain is None, row
    assert any(w.code == "reading_uncertain" and w.table == "t2" for w in report.warnings)


def test_donggang_2020_every_printed_cell(shared):
    # 规章 0 0 0 … 行政强制 0 0 0 | 行政事业性收费 0 0 | 政府集中采购 3 808 |
    # 一、本年新收 0 0 0 0 0 0 0 | 二、上年结转 0, where the text ends
    report = parse_path(shared / "corpus/texts/005_donggang_zhen_2020.txt")
    expected = _t2_2019_zeros()
    expected["procurement"] = {"projects": 3, "amount_wan_yuan": Decimal(808)}
    assert report.tables["t2"].rows() == expected
    t3 = report.tables["t3"]
    assert t3.rows()["new_requests"] == _zeros()
    assert t3.rows()["carried_over"] == _row(0, None, None, None, None, None, None)
    assert all("not_printed" in t3.cells[("carried_over", col)].flags for col in T3_COLUMNS[1:])
    assert set(t3.rows()) == {"new_requests", "carried_over"}
    assert not any(cell.uncertain for cell in t3.cells.values())
