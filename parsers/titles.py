"""What a 政府信息公开工作年度报告 title is, and which year and authority it names.

The spider decides it for a link or page title before anything is parsed (follow the link?
label the item with which year?), the parser for a line of the report's text (is this the
title line? whose report, of which year?). Both answers live here, written once, so a change
to what counts as a title is made in one place and seen by both. Pure: no Scrapy.

The two questions get different patterns on purpose (tests/parsers/test_titles.py pins where
they part on real titles):

- :data:`REPORT_TITLE` reads a title a portal chose for a link or a page: one line that is
  a title or nothing, so it is lenient (政府 may be missing, as in 信息公开年报 columns, and
  anything may stand before the year). :func:`title_facts` keeps what stands before the
  year as printed, minus brackets and spaces.
- :data:`TEXT_TITLE` looks for the title among the lines of a text, where prose also names
  the report (现面向社会公开2022年度政府信息公开年度报告), so it needs 政府 and a short name
  without punctuation; :func:`title_candidate` first drops the Markdown ``#`` and the
  labels (名称, 文件下载, ``Page 8 -``) that text extraction leaves in front.

The year a report is about comes from its title, else from its statistics period: the
spider's :func:`period_year` takes any period's first year (the item's label of last resort),
the parser's :func:`statistics_period` only a period that starts on 1 January, since it
is stated as evidence.
"""

from __future__ import annotations

import itertools
import re

#: A year a report can be about.
YEAR = r"(?:19|20)\d{2}"
#: How every title ends: 信息公开(工作)年度报告, 资讯公开 (a few mainland portals), 年报.
_REPORT_NAME = r"(?:信息|资讯)公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"

#: PORTALS.md §5: ``pre`` or ``post`` names the authority, ``year`` is the year reported on.
#: Also accepted: 政府资讯公开 (a few mainland portals), a missing 政府 (信息公开年报 columns) and
#: 年报 in place of 年度报告.
REPORT_TITLE = re.compile(
    rf"^(?P<pre>.*?)(?P<year>{YEAR})\s*年度?(?P<post>.*?)(?:政府)?{_REPORT_NAME}"
)

#: Titles that match :data:`REPORT_TITLE` but are not a report (SPEC.md §8 "Not reports"):
#: notices about compiling reports (关于做好…年度报告编制发布工作的通知, …有关事项的通知), the
#: 格式/模板 notices, requests for submissions, and 解读/图解 pages that retell a report published
#: on its own page. A bare 通知 or 编制 is not enough: some governments publish their report as
#: 关于印发《…年度报告》的通知, and 机构编制委员会办公室 publish reports of their own.
#: 政府网站工作年度报表 and 法治政府建设年度报告 never match the pattern, but are listed so the
#: rule reads as the spec does.
NOT_REPORT = re.compile(
    r"做好|编制(?:发布|工作|指南|要求|说明)|报送|有关事项|格式|模板|模版|征求意见|解读|图解"
    r"|年度报表|工作报表|法治政府建设|企业年报"
)

#: A title line in a text: the authority (``pre`` or ``post``) is a short run without spaces or
#: punctuation, so a sentence that names the report is not taken for its title.
TEXT_TITLE = re.compile(
    rf"(?P<pre>[^\s，。,;；:：|｜]{{0,40}}?)(?P<year>{YEAR})\s*年度?\s*(?P<post>[^\s，。,]{{0,40}}?)"
    rf"政府{_REPORT_NAME}"
)

_AUTHORITY_NOISE = re.compile(r"^关于|关于$|的$|[\s《》“”\"'【】\[\]（）()〔〕﹝﹞<>:：_—-]")
_TEXT_AUTHORITY_NOISE = re.compile(r"^关于|的$|[《》“”\"]")


def squash(text: str | None) -> str:
    """Runs of white space as one space, trimmed: how a title printed over lines is read."""
    return re.sub(r"\s+", " ", text or "").strip()


# --- A link's or page's title (the spider) ----------------------------------------------------


def title_facts(
    title: str | None, pattern: re.Pattern[str] = REPORT_TITLE
) -> tuple[str | None, int | None]:
    """(authority as printed, year reported on) from a report title; ``(None, None)`` if none.

    The authority is the text before the year, or after it when the title starts with the
    year (``2023年下各镇…``); 关于/的, brackets and spaces are dropped, nothing is added (the
    parsers make 渔洋镇 into 渔洋镇人民政府, not the spider).
    """
    match = pattern.search(squash(title))
    if match is None:
        return None, None
    name = match.group("pre").strip() or match.group("post").strip()
    authority = _AUTHORITY_NOISE.sub("", name) or None
    return authority, int(match.group("year"))


def is_report_title(
    title: str | None,
    pattern: re.Pattern[str] = REPORT_TITLE,
    not_report: re.Pattern[str] = NOT_REPORT,
) -> bool:
    """Whether a link or page title names a 政府信息公开工作年度报告 (see :data:`NOT_REPORT`)."""
    text = squash(title)
    return bool(pattern.search(text)) and not not_report.search(text)


# --- The title line of a text (the parser) ----------------------------------------------------

# Flip-book "Page 8 - <title>" and metadata labels in front of a title.
_TITLE_PREFIX = re.compile(r"^(?:Page\d+-|(?:名称|标题|信息名称|文章标题|文件下载)[:：]?)")
#: What every line _TITLE_PREFIX changes starts with: the regex runs only on those.
_TITLE_PREFIX_STARTS = ("Page", "名称", "标题", "信息名称", "文章标题", "文件下载")
_MAX_TITLE = 60  # a title line is short; a prose sentence naming the report is not a title


def title_candidate(line: str) -> str:
    """A line as a title: Markdown '#', prefixes and spaces removed (PDF text and
    transcriptions space titles out: "# 沐阳县人民政府 2025 年 …")."""
    candidate = "".join(line.lstrip("#").split())  # str.split's whitespace is re's \s
    if candidate.startswith(_TITLE_PREFIX_STARTS):
        return _TITLE_PREFIX.sub("", candidate)
    return candidate


def match_title(candidate: str) -> re.Match[str] | None:
    """:data:`TEXT_TITLE` on a line already made a :func:`title_candidate`."""
    if len(candidate) > _MAX_TITLE or "年" not in candidate:
        return None
    if "政府信息公开" not in candidate and "政府资讯公开" not in candidate:
        return None  # literals every title holds: most lines are rejected without the regex
    return TEXT_TITLE.search(candidate)


def find_title(lines: list[str]) -> re.Match[str] | None:
    """The first title-like line among ``lines``; a title wrapped over two lines (neither of
    which is a title alone) is joined."""
    cleaned = [title_candidate(line or "") for line in lines]
    for index, line in enumerate(cleaned):
        match = match_title(line)
        if match:
            return match
        following = cleaned[index + 1] if index + 1 < len(cleaned) else ""
        if following and not match_title(following):
            match = match_title(line + following)
            if match:
                return match
    return None


def title_name(match: re.Match[str]) -> str:
    """The authority part of a :data:`TEXT_TITLE` match, as printed (may be empty)."""
    return match.group("pre") or match.group("post")


def single_title(lines: list[str]) -> re.Match[str] | None:
    """The title line of the text, or None when it names several reports (a list page).

    The same title printed twice, once with more of the organ's name (名称 宿迁市… and
    宿迁市…), is one report: names that end with one another agree.
    """
    # find_title over every two-line window of the head, each line cleaned and matched once.
    cleaned = [title_candidate(line or "") for line in lines[:40]]
    alone = [match_title(line) for line in cleaned] + [None]
    matches = []
    for index, line in enumerate(cleaned):
        match = alone[index]
        following = cleaned[index + 1] if index + 1 < len(cleaned) else ""
        if match is None and following and alone[index + 1] is None:
            match = match_title(line + following)
        match = match or alone[index + 1]
        if match:
            matches.append(match)
    if not matches or len({m.group("year") for m in matches}) > 1:
        return None
    names = sorted({title_name(m) for m in matches if title_name(m)}, key=len)
    if any(not longer.endswith(shorter) for shorter, longer in itertools.pairwise(names)):
        return None
    longest = names[-1] if names else ""
    return next(m for m in matches if title_name(m) == longest)


def authority_from_title(match: re.Match[str], lines: list[str]) -> str | None:
    """The authority a title line names, or the line above it when the title names none
    ("洪泽区人民政府 / 2023 年…报告"); 关于/的 and quotes dropped."""
    name = title_name(match)
    if not name:
        cleaned = [title_candidate(line) for line in lines[:40]]
        index = next((i for i, line in enumerate(cleaned) if match.string == line), 0)
        above = cleaned[index - 1] if index > 0 else ""
        name = above if len(above) <= 30 and not TEXT_TITLE.search(above) else ""
    name = _TEXT_AUTHORITY_NOISE.sub("", name or "").strip()
    return name or None


# --- The year reported on, when the title names none ------------------------------------------

#: The statistics period names the year reported on (SPEC.md §8: title → 统计期限 → …), typos
#: included: 统计期限自201911日起 (耒阳, corpus text 003) still starts with 2019.
_PERIOD_YEAR = re.compile(
    rf"统计(?:期限|时限|时间|期间|周期)\s*(?:为|是|从|自|：|:){{0,2}}\s*({YEAR})\s*年?"
)
_JANUARY_1 = r"年\s*0?1\s*月\s*0?1\s*日"
#: How a period that starts on 1 January is stated, tried in this order (group 1 is its year):
#: 统计期限为2024年1月1日至…, also with the 年/月 lost (自201911日起至20191231日止); else a whole
#: calendar year without the word 统计 (数据自2022年1月1日起至12月31日止).
_PERIODS = (
    re.compile(
        rf"统计(?:期限|时间|时限|区间|期间|周期)[^0-9。]{{0,12}}({YEAR})\s*(?:{_JANUARY_1}|0?1\s*0?1\s*日)"
    ),
    re.compile(
        rf"({YEAR})\s*{_JANUARY_1}\s*起?\s*(?:至|到|—|－|-|~|～)\s*(?:{YEAR}\s*年\s*)?12\s*月\s*31\s*日"
    ),
)


def period_year(text: str | None) -> int | None:
    """The year of the report's statistics period (统计期限为2024年1月1日至…), else None."""
    match = _PERIOD_YEAR.search(re.sub(r"\s+", "", text or ""))
    return int(match.group(1)) if match else None


def statistics_period(text: str) -> re.Match[str] | None:
    """The sentence stating the statistics period (its group 1 is the year reported on)."""
    for pattern in _PERIODS:
        match = pattern.search(text)
        if match:
            return match
    return None
