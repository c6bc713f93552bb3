"""Rules across reports: one authority's consecutive years (pairs of real reports)."""

from __future__ import annotations

from nianbao.parsers import parse_path
from nianbao.parsers.checks import cross_year_checks


def _statuses(checks, rule):
    return {c.binding: c.status for c in checks if c.rule == rule}


def test_carry_over_and_in_force_roll(shared):
    """Real numbers paired as if consecutive years: 洪泽区 2023 as the predecessor of 泸定县
    2024 (both 2021-format tables)."""
    current = parse_path(shared / "seeds/002_54edbe98636d0c3c.txt")
    previous = parse_path(shared / "corpus/texts/011_hongze_qu_2023.txt")
    checks = cross_year_checks(current, previous)
    # 泸定 上年结转 all 0; 洪泽 结转下年度 all 0.
    assert set(_statuses(checks, "X_CARRY").values()) == {"pass"}
    roll = {c.binding: c for c in checks if c.rule == "T2_2021_IN_FORCE_ROLL"}
    assert roll["regulations"].status == "pass"
    # 行政规范性文件: 泸定 现行有效 14 against 洪泽 5 + 0 制发 - 0 废止.
    assert (roll["normative_documents"].lhs, roll["normative_documents"].rhs) == (14, 5)
    assert roll["normative_documents"].status == "fail"


def test_carry_over_mismatch_is_flagged(shared):
    """上海 2025 上年结转 170 | 15 | 0 | 0 | 4 | 0 | 189 against 沭阳 结转下年度 31 | 0 | … | 31."""
    current = parse_path(shared / "corpus/texts/013_shanghai_bgt_2025.txt")
    previous = parse_path(shared / "corpus/texts/012_shuyang_xian_2025.txt")
    previous.report_year = 2024
    statuses = _statuses(cross_year_checks(current, previous), "X_CARRY")
    assert statuses["natural_person"] == "fail" and statuses["total"] == "fail"
    assert statuses["research_institution"] == "pass"


def test_only_consecutive_years_are_compared(shared):
    current = parse_path(shared / "seeds/002_54edbe98636d0c3c.txt")
    older = parse_path(shared / "seeds/001_c8d30c2eb8575ca5.txt")  # 2020
    assert cross_year_checks(current, older) == []
