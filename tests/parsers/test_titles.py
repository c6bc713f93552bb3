"""One home for what a 年报 title is (nianbao.parsers.titles), two readings of it.

The spider reads a link's or page's title (``is_report_title``, ``title_facts``), the parser a
line of the report's text (``find_title``, ``authority_from_title``). They agree on a clean
title and part on purpose elsewhere; each case below is a line as printed in ../shared, and
what each side makes of it is what it made of it before the two moved into one module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.parsers.titles import (
    authority_from_title,
    find_title,
    is_report_title,
    title_facts,
)

#: (file under ../shared, line as printed, spider: (is a report title, authority, year),
#: parser: (authority, year) or None when the line is not a title line).
CASES = [
    # A clean title: both read the same authority and year.
    (
        "seeds/000_b5566a94ec5fc8f8.txt",
        "渔洋镇2024年政府信息公开工作年度报告",
        (True, "渔洋镇", 2024),
        ("渔洋镇", 2024),
    ),
    # Labels and Markdown that text extraction leaves in front: the parser drops them, the
    # spider (which never sees them on a link) keeps them as printed.
    (
        "corpus/texts/006_wendeng_xinfangju_2022_p8.txt",
        "Page 8 - 威海市文登区信访局2022年政府信息公开工作年度报告",
        (True, "Page8威海市文登区信访局", 2022),
        ("威海市文登区信访局", 2022),
    ),
    (
        "corpus/texts/010_suqian_shi_2017.txt",
        "名称 宿迁市2017年政府信息公开年度报告",
        (True, "名称宿迁市", 2017),
        ("宿迁市", 2017),
    ),
    (
        "corpus/texts/012_shuyang_xian_2025.txt",
        "# 沐阳县人民政府 2025 年 政府信息公开工作年度报告",
        (True, "#沐阳县人民政府", 2025),
        ("沐阳县人民政府", 2025),
    ),
    # Prose naming a 信息公开年报: a link title would be one (政府 may be missing there), a
    # sentence in a text is not the report's title line.
    (
        "seeds/004_83053b7e25c70037.txt",
        "2022年在政府信息公开平台主动公开信息75条。其中,信息公开年报1条;重大民生信息15条;"
        "工作动态信息59条。",
        (True, "在政府信息公开平台主动公开信息75条。其中,", 2022),
        None,
    ),
]


@pytest.mark.parametrize(("source", "line", "spider", "parser"), CASES)
def test_spider_and_parser_read_a_real_title(
    shared: Path,
    source: str,
    line: str,
    spider: tuple[bool, str, int],
    parser: tuple[str, int] | None,
) -> None:
    lines = (shared / source).read_text(encoding="utf-8").splitlines()
    assert line in lines, f"{line!r} is not printed in {source}"
    is_title, authority, year = spider
    assert is_report_title(line) is is_title
    assert title_facts(line) == (authority, year)
    match = find_title([line])
    if parser is None:
        assert match is None
    else:
        assert match is not None
        assert (authority_from_title(match, [line]), int(match.group("year"))) == parser
