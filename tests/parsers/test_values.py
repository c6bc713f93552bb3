"""Reading cells and labels by the conventions of report_format.json (examples from the spec)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.parsers.cells import count_cell, t2_cell
from nianbao.parsers.normalize import normalize_label, parse_value, to_simplified
from nianbao.parsers.prose import cn_to_int, extract_prose


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0", 0),
        ("0 ", 0),
        (" 12", 12),
        ("１２", 12),
        ("1,234", 1234),
        ("3件", 3),
        ("+3", 3),
        ("-2", -2),
        ("－2", -2),
        ("增加3", 3),
        ("减少2", -2),
    ],
)
def test_counts(raw, value):
    assert (parse_value(raw).kind, parse_value(raw).value) == ("number", value)


@pytest.mark.parametrize(
    ("raw", "value", "flags"),
    [
        ("251000元", Decimal("25.1"), ["unit_converted"]),
        ("25.1万元", Decimal("25.1"), []),
        ("2.5亿元", Decimal("25000"), ["unit_converted"]),
        ("9.63211", Decimal("9.63211"), []),
        ("204.92", Decimal("204.92"), []),
    ],
)
def test_money_in_wan_yuan(raw, value, flags):
    parsed = parse_value(raw, money=True)
    assert (parsed.value, parsed.flags) == (value, flags)


@pytest.mark.parametrize("raw", ["/", "／", "-", "－", "—", "——", "–", "\\", "无", "空"])
def test_dash_markers(raw):
    assert parse_value(raw).kind == "marker"
    assert (count_cell("granted", "total", raw, is_total=True).value) == 0
    assert count_cell("granted", "natural_person", raw, is_total=False).source == "marker_zero"
    cell = t2_cell("regulations", "issued", raw, money=False)
    assert (cell.value, cell.source) == (None, "marker_null")


def test_blanks_follow_the_table():
    assert count_cell("granted", "natural_person", "", is_total=False).source == "blank_zero"
    total = count_cell("granted", "total", "", is_total=True)
    assert total.value is None and "total_derived" in total.flags
    assert t2_cell("fees", "amount_wan_yuan", "", money=True).source == "missing"
    assert count_cell("granted", "total", None, is_total=True).flags == ["not_printed"]


def test_approximations_are_not_cell_values():
    assert parse_value("327余").kind == "text"


@pytest.mark.parametrize(
    ("label", "normalized"),
    [
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
        ("3.危及“三安全一稳定”", "危及三安全一稳定"),
        ("商业 企业", "商业企业"),
        ("四、结转下年度继续办理", "结转下年度继续办理"),
        ("现行有效件数（历史累计）", "现行有效件数"),
        ("（二）部分公开（区分处理的，只计这一情", "部分公开"),
        ("### 一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
    ],
)
def test_label_normalization(label, normalized):
    assert normalize_label(label) == normalized


def test_traditional_script_is_converted_phrase_by_phrase():
    text, traditional = to_simplified("政府資訊公開工作年度報告 規範性文件 總計 結果維持")
    assert traditional
    assert text == "政府信息公开工作年度报告 规范性文件 总计 结果维持"
    assert to_simplified("规范性文件 乾坤") == ("规范性文件 乾坤", False)


def test_chinese_numerals_in_prose():
    assert [cn_to_int(t) for t in ("三", "十二", "二十三", "两", "一百零五")] == [3, 12, 23, 2, 105]
    (metric,) = [
        m
        for m in extract_prose("本年度共收到政府信息公开申请十二件。")
        if m.key == "requests_received"
    ]
    assert (metric.value, metric.flags) == (12, ["cn_numeral"])
