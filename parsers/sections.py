"""Find the report's numbered sections (一、总体情况 … 六、其他需要报告的事项).

Headings are matched fuzzily and in order, because reports reword, merge and renumber them.
The rows of table 三 (一、本年新收… 四、结转下年度继续办理) look like headings too; they are
told apart by content, never by number alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .labels import LabelMatcher
from .layout import Row
from .normalize import normalize_label
from .spec import section_titles

_HEADING_NUMERALS = frozenset("一二三四五六七八九")
_NUMBERED = re.compile(r"^\s*[一二三四五六七八九]\s*[、.．]")
_MAX_HEADING = 40
_CUTOFF = 0.72
# Words that make a heading of each section even when reworded.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况", "概述", "基本情况", "工作概况"),
    "proactive": ("主动公开政府信息情况", "主动公开情况"),
    "requests": ("收到和处理政府信息公开申请", "依申请公开"),
    "review_litigation": ("行政复议", "行政诉讼"),
    "fees": ("收费及减免",),
    "problems": ("存在的主要问题", "存在问题", "主要问题"),
    "other_matters": ("其他需要报告", "其它需要报告"),
}


@dataclass(slots=True)
class Heading:
    key: str
    index: int  # row index
    text: str


def classify_heading(text: str) -> str | None:
    """Section key of a heading line, or None if the line is not a section heading."""
    text = text.lstrip("#").strip()  # Markdown transcriptions: "## 三、…"
    if len(text) > _MAX_HEADING or not _NUMBERED.match(text):
        return None
    normalized = normalize_label(text)
    for key, words in _KEYWORDS.items():
        if any(word in normalized for word in words):
            return key
    return _title_keys().get(_title_matcher().match(normalized) or "")


@cache
def _title_keys() -> dict[str, str]:
    """normalized title -> section key (the first section that prints it)."""
    out: dict[str, str] = {}
    for key, titles in section_titles().items():
        for title in titles:
            out.setdefault(title, key)
    return out


@cache
def _title_matcher() -> LabelMatcher:
    return LabelMatcher(_title_keys(), cutoff=_CUTOFF)


def find_headings(rows: list[Row]) -> list[Heading]:
    """Section headings in document order; each section key at most once."""
    found: list[Heading] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if row.exact:
            continue
        filled = row.filled()
        if not filled or len(filled) > 2:
            continue
        if filled[0].lstrip("#").lstrip()[:1] not in _HEADING_NUMERALS:
            continue  # cheap test first: a heading opens with its numeral
        key = classify_heading(filled[0])
        if key is not None and key not in seen:
            seen.add(key)
            found.append(Heading(key, index, filled[0]))
    return found


def section_texts(rows: list[Row], headings: list[Heading]) -> dict[str, str]:
    """The text of each section, from its heading to the next one."""
    out: dict[str, str] = {}
    for position, heading in enumerate(headings):
        end = headings[position + 1].index if position + 1 < len(headings) else len(rows)
        body = rows[heading.index + 1 : end]
        out[heading.key] = "\n".join(" | ".join(row.filled()) for row in body).strip()
    return out
