"""Bad input never crashes the parser: it returns what it could read and says what it could not."""

from __future__ import annotations

import pytest

from nianbao.parsers import ParseError, parse_html, parse_text
from nianbao.parsers.report import MAX_INPUT_CHARS


def _codes(report):
    return {warning.code for warning in report.warnings}


def test_empty_page():
    for report in (parse_text(""), parse_html(""), parse_html(b""), parse_html("<html></html>")):
        assert report.tables == {}
        assert "empty_page" in _codes(report)


def test_page_without_a_report(shared):
    # A real TRS list page of a 信息公开年报 column: links, no report.
    html = (shared / "corpus/html/trs_list_ordos_egb_xxgknb.html").read_bytes()
    report = parse_html(html)
    assert report.tables == {}
    assert report.checks == []


def test_truncated_table(shared):
    """Seed 002 cut inside table 三: the rows printed are read, the missing ones make their
    rules not checkable, and nothing is guessed."""
    text = (shared / "seeds/002_54edbe98636d0c3c.txt").read_text("utf-8")
    cut = text.index("2.其他法律行政法规禁止公开")
    report = parse_text(text[:cut])
    t3 = report.tables["t3"].rows()
    assert list(t3) == [
        "new_requests",
        "carried_over",
        "granted",
        "partially_granted",
        "denied.state_secret",
    ]
    assert t3["denied.state_secret"]["natural_person"] == 1
    assert "t4" not in report.tables and "table_missing" in _codes(report)
    balance = {c.binding: c.status for c in report.checks if c.rule == "T3_BALANCE"}
    assert set(balance.values()) == {"not_checkable"}
    assert report.violations == []


def test_row_cut_mid_way_is_flagged(shared):
    text = (shared / "seeds/002_54edbe98636d0c3c.txt").read_text("utf-8")
    cut = text.index("31 | 3 | 0") + len("31")  # 一、本年新收 cut after its first cell
    report = parse_text(text[:cut])
    assert "token_count_mismatch" in _codes(report)
    assert report.tables["t3"].value("new_requests", "natural_person") == 31


def test_hostile_nesting_and_garbage_do_not_crash():
    deep = "<div>" * 5000 + "本年新收政府信息公开申请数量" + "</div>" * 5000
    parse_html(deep)
    parse_html(b"\xff\xfe\x00garbage\x00" * 100)
    parse_text("\x00\x01|||\t\t\n" * 1000)


def test_oversized_input_is_refused_with_the_documented_error():
    with pytest.raises(ParseError):
        parse_text("0" * (MAX_INPUT_CHARS + 1))
