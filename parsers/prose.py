"""Figures stated in a report's prose (report_format.json ``prose_metrics``).

Before 2019 reports had no fixed tables, so prose is their only data; after 2019 the prose
repeats table figures, which the soft X_PROSE_* rules compare. Each figure keeps the sentence
span it came from, and flags ``approximate`` (327余条) or ``cn_numeral`` (三件).
"""

from __future__ import annotations

import re

from .model import ProseMetric

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"(?<!第)(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"  # 第二十条 is no count
_GAP = r"[^，。,；;！!？?\n]{0,%d}?"


def _count(lead: str, gap: int, unit: str = "件") -> str:
    """A figure after its lead words: ``lead``, at most ``gap`` characters of the same clause,
    the number (the first group), then its unit."""
    return lead + _GAP % gap + _NUM + unit


# (key, pattern): the first group is the number. Order matters: first match wins per key.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("proactive_items", _count("主动公开", 14, r"(余|多)?条")),
    (
        "requests_received",
        _count(r"(?:收到|受理|新收|接收)" + _GAP % 16 + r"(?:申请|事项)", 8, r"(余|多)?件"),
    ),
    ("requests_carried_over", _count(r"上年(?:度)?结转", 12)),
    # 办结/答复 count requests only next to 申请: "答复政府信息公开申请7件",
    # "申请1295件，办结1191件" (not "办结领导信箱留言80件").
    ("requests_processed", _count(r"(?:办结|答复)" + _GAP % 10 + r"申请", 2)),
    ("requests_processed", _count(r"申请[^。；;\n]{0,20}?(?:办结|答复)", 4)),
    # 予以公开及部分公开208件 is the sum of two outcomes, not the partial ones.
    # The look-behind sits after 部分 so the pattern opens with a literal (a fast scan).
    ("requests_partially_granted", _count(r"部分(?<![及和与、]部分)公开", 4)),
    ("requests_granted", _count(r"(?:同意公开|予以公开)", 4)),
    ("requests_denied", _count(r"(?:不予公开|不同意公开)", 4)),
    ("requests_unable", _count("无法提供", 4)),
    ("requests_not_processed", _count("不予处理", 4)),
    ("requests_carried_forward", _count(r"结转(?:下一?年度?|至\d{4}年)", 8)),
    ("review_cases", _count("行政复议", 4, "(?:件|起)")),
    ("litigation_cases", _count("行政诉讼", 4, "(?:件|起)")),
    ("fees_yuan", _count(r"(?:收取|信息处理费)", 10, "元")),
    ("normative_documents_issued", _count(r"制发(?:行政)?规范性文件", 4)),
    ("normative_documents_repealed", _count(r"废止(?:行政)?规范性文件", 4)),
    ("normative_documents_in_force", _count(r"现行有效(?:行政)?规范性文件", 4)),
)
_COMPILED = tuple((key, re.compile(pattern)) for key, pattern in _PATTERNS)

# Sentences that state a zero: 未收到申请, 未发生…行政复议, 未收取任何…费.
_ZEROS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "requests_received",
        re.compile(
            # 没有接到群众主动要求公开政府信息的申请: 13 characters between (008 乐民镇)
            r"(?:未|没有)(?:收到|受理|接到)" + _GAP % 16 + r"(?:申请|依申请公开事项)"
            r"|无依申请公开|尚无" + _GAP % 10 + r"收到和处理政府信息公开申请"
        ),
    ),
    (
        "review_cases",
        re.compile(
            r"(?:未|没有)(?:发生|出现)" + _GAP % 24 + r"行政复议"
            r"|尚无" + _GAP % 20 + r"行政复议"
        ),
    ),
    (
        "litigation_cases",
        re.compile(
            r"(?:未|没有)(?:发生|出现)" + _GAP % 24 + r"行政诉讼"
            r"|尚无" + _GAP % 30 + r"行政诉讼"
        ),
    ),
    ("fees_yuan", re.compile(r"未(?:收取|发生)" + _GAP % 16 + r"(?:费|收费)")),
)


#: A word every match of each zero pattern holds: texts without it skip the (slow,
#: alternation-led) pattern.
_ZERO_NEEDS = {
    "requests_received": "申请",
    "review_cases": "行政复议",
    "litigation_cases": "行政诉讼",
    "fees_yuan": "费",
}
_NOT_A_ZERO = re.compile(r"\s*(?:纠错|纠正|败诉|被撤销|被确认违法)")


def cn_to_int(text: str) -> int | None:
    """Small Chinese numerals as printed in prose: 三, 十二, 二十三, 一百零五."""
    if not text:
        return None
    total, section = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            section = _CN_DIGITS[char]
        elif char in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[char]
            total += (section or 1) * unit
            section = 0
        else:
            return None
    return total + section


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(p, 0, start) for p in "。；;\n") + 1
    right_candidates = [i for i in (text.find(p, end) for p in "。；;\n") if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left : right + 1].strip()


#: A run of spaces between CJK characters or digits. It opens with the space (checked with a
#: look-behind after it) so the regex scans for spaces instead of testing every position.
_SPACED = re.compile(
    r"[ \t\u3000](?<=[\u4e00-\u9fff\d][ \t\u3000])[ \t\u3000]*(?=[\u4e00-\u9fff\d])"
)
_SENTENCE_END = "。；;！!？?：:"
_WRAP_WIDTH = 15  # a wrapped prose line is long; table cells and headings are short


def prose_view(text: str) -> str:
    """Text as sentences: PDF text spaces numbers out ("政府信息 1136 条") and wraps
    sentences over lines; both are undone before figures are looked for."""
    # A paragraph is collected as a list of its lines with its length: joining by repeated
    # string concatenation would copy it once per line (quadratic in the paragraph).
    out: list[list[str]] = []
    length = 0  # of the last paragraph
    for line in _SPACED.sub("", text).splitlines():
        previous = out[-1] if out else None
        if previous and length >= _WRAP_WIDTH and previous[-1][-1] not in _SENTENCE_END and line:
            previous.append(line)
            length += len(line)
        else:
            out.append([line])
            length = len(line)
    return "\n".join("".join(parts) for parts in out)


def extract_prose(text: str) -> list[ProseMetric]:
    """One metric per key: the first stated figure, or 0 from a zero sentence."""
    text = prose_view(text)
    found: dict[str, ProseMetric] = {}
    for key, pattern in _COMPILED:
        if key in found:
            continue  # an earlier cue for the same figure matched
        for match in pattern.finditer(text):
            raw = match.group(1)
            flags = []
            if raw.isdigit():
                value: int | None = int(raw)
            elif re.fullmatch(r"\d+\.\d+", raw):
                continue  # a percentage or money in the wrong unit, not a count
            else:
                value = cn_to_int(raw)
                flags.append("cn_numeral")
            if value is None:
                continue
            if match.lastindex and match.lastindex >= 2 and match.group(2):
                flags.append("approximate")
            found[key] = ProseMetric(key, value, _sentence(text, *match.span()), flags)
            break
    for key, pattern in _ZEROS:
        if key in found or _ZERO_NEEDS[key] not in text:
            continue
        for match in pattern.finditer(text):
            # "未发生…被行政复议纠错或行政诉讼败诉" says no case was lost, not that none existed.
            if _NOT_A_ZERO.match(text, match.end()):
                continue
            found[key] = ProseMetric(key, 0, _sentence(text, *match.span()), ["zero_phrase"])
            break
    return list(found.values())
