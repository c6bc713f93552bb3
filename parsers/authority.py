"""The issuing body named in a report's own text, for reports whose title does not name it.

A text without a title line (a page body copied without its heading, a transcription, one page
of a flip-book) usually still says who wrote it: a signature line above the date at the end
(威海市文登区人民政府办公室 / 2023 年 1 月 16 日), the compiler (本报告由两城镇人民政府党政办公室
编制), or the opening sentence's subject (2020年七里坪镇严格按照…, 县审计局认真贯彻…). Each
finding keeps the span it was read from, so the caller can say where the name came from.

A department printed without its county (县审计局) is not guessed: it is completed from the
portal the page came from when the caller knows it, else kept as printed and marked.
Every search here is a bounded regular-expression scan over the opening or closing lines, so
time stays linear in the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: How an organ's name ends (longest first, so 人民政府办公室 wins over 办公室).
_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|街道办事处|办事处|街道|管理委员会|"
    r"委员会|管委会|办公室|办公厅|政府|管理局|局|厅|委|中心|镇|乡|县|区|市|旗)"
)
_HAN = r"[\u4e00-\u9fff]"
#: Words that open the predicate after the subject of a report's first sentences.
_VERBS = (
    r"(?:认真|严格|深入|坚持|紧紧|全面|持续|进一步|高度|始终|积极|扎实|不断|切实|着力|围绕|"
    r"按照|依据|根据|继续|大力|聚焦|立足|统筹|牢固|坚决|深化|贯彻|紧扣|主动)"
)
#: The subject of an opening sentence: after a sentence or clause start or a year, an organ
#: name, then a predicate word (2022年,劳动镇坚持… / 县审计局认真贯彻…).
_ACTOR = re.compile(
    rf"(?:^|(?<=[，,。；;：:、\s])|(?<=年)|(?<=年度)|(?<=以来))(?P<org>{_HAN}{{1,24}}?{_SUFFIX})"
    rf"(?={_VERBS})"
)
#: The year that opens a sentence whose subject is an organ (2022年,劳动镇坚持…, 2024年,在州
#: 政府的坚强领导下,泸定县深入…): the year the report is about.
_SUBJECT_YEAR = re.compile(
    rf"(?<![0-9])((?:19|20)\d{{2}})年度?(?:以来)?[，,]?(?:[^。，,；;]{{0,40}}[，,])?"
    rf"{_HAN}{{1,24}}?{_SUFFIX}(?={_VERBS})"
)
#: The compiler: 本报告由X编制 / 由X根据《条例》…要求编制.
_COMPILER = re.compile(
    rf"由\s*(?P<org>{_HAN}{{2,30}}?{_SUFFIX})\s*(?:根据|依据|按照|负责)?[^。]{{0,160}}?编\s*制"
)
#: A line that is nothing but an organ's name (a signature).
_ORG_LINE = re.compile(rf"^{_HAN}{{2,30}}?{_SUFFIX}$")
_DATE_LINE = re.compile(
    r"^[（(]?\s*(?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?\s*[）)]?$"
)
#: Not a name: references to oneself or to everyone (我镇, 全县, 本局, 各乡镇 …).
_NOT_A_NAME = re.compile(r"^(?:我|本|全|各|该|此|其|上级|省|党|领导|工作|小组|以上|下一步)")
#: An office of a government stands for that government when it compiles its report
#: (由两城镇人民政府党政办公室编制 → 两城镇人民政府).
_OFFICE = re.compile(
    r"(?<=[政府镇乡街道])(?:党政综合办公室|党政办公室|党政办|政务公开办公室|办公室)$"
)
#: A department or government printed with its tier but without its place: 县审计局, 区政府.
_PLACELESS = re.compile(
    rf"^(?P<tier>[县区市州旗])(?:(?:人民)?政府(?:办公室)?|{_HAN}{{1,12}}?(?:局|委员会|委|办公室|中心))$"
)
_SPACE = re.compile(r"[\s\u00a0\u3000]+")

_OPENING_CHARS = 2500  # the subject of the report is named in its first paragraphs
_CLOSING_LINES = 12  # a signature stands within the last lines


@dataclass(slots=True, frozen=True)
class Found:
    """A name read from the text, how it was found (``signature``, ``compiler``, ``subject``)
    and the span that names it."""

    name: str
    how: str
    evidence: str


def signature(lines: list[str]) -> Found | None:
    """The organ named on a line of its own next to a date line at the end of the text."""
    tail = [_SPACE.sub("", line) for line in lines[-_CLOSING_LINES:]]
    for index in range(len(tail) - 1, -1, -1):
        line = tail[index]
        if not _ORG_LINE.match(line) or _NOT_A_NAME.match(line):
            continue
        near = tail[index + 1 : index + 2] + tail[max(0, index - 1) : index]
        if any(_DATE_LINE.match(other) for other in near):
            return Found(line, "signature", line)
    return None


def compiler(text: str) -> Found | None:
    """The office named as the report's compiler (本报告由…编制), as the government it serves."""
    match = _COMPILER.search(_SPACE.sub("", text[: _OPENING_CHARS * 2]))
    if match is None or _NOT_A_NAME.match(match.group("org")):
        return None
    return Found(_OFFICE.sub("", match.group("org")), "compiler", match.group(0)[:80])


def subject(text: str) -> Found | None:
    """The organ that is the subject of the opening sentences (2020年七里坪镇严格按照…).

    A later subject that names the same organ more fully (乐至县劳动镇 after 劳动镇) is taken.
    """
    opening = _SPACE.sub("", text[:_OPENING_CHARS])
    found: list[re.Match[str]] = [
        match for match in _ACTOR.finditer(opening) if not _NOT_A_NAME.match(match.group("org"))
    ]
    if not found:
        return None
    first = found[0]
    name = first.group("org")
    best = first
    for match in found[1:]:
        other = match.group("org")
        if other != name and other.endswith(name) and len(other) <= len(name) + 12:
            best = match
    sentence_start = max(opening.rfind("。", 0, best.start()) + 1, best.start() - 30)
    evidence = opening[sentence_start : best.end() + 8]
    return Found(best.group("org"), "subject", evidence)


def place_of(portal: str | None) -> str | None:
    """The place a portal's government governs (佳县人民政府 → 佳县), or ``None``."""
    if not portal:
        return None
    place = re.sub(r"(?:人民政府|政府)(?:办公室|办公厅)?$", "", _SPACE.sub("", portal))
    return place if len(place) >= 2 and place[-1] in "县区市州旗" else None


def placeless_tier(name: str) -> str | None:
    """The tier (县, 区, 市 …) of a name printed without its place (县审计局 → 县), else None."""
    match = _PLACELESS.match(name)
    return match.group("tier") if match else None


def complete_place(name: str, portal: str | None) -> str | None:
    """县审计局 on 佳县人民政府's portal is 佳县审计局; ``None`` when the portal's place is not
    of the name's tier (a 县 department on a 市 portal stays as printed)."""
    tier = placeless_tier(name)
    place = place_of(portal)
    if tier is None or not place or not place.endswith(tier):
        return None
    return place + name[1:]


def is_organ(name: str) -> bool:
    """Whether a field's value names an organ (凉州区四坝镇人民政府), not 本网, 原创 or a person."""
    name = _SPACE.sub("", name)
    return bool(_ORG_LINE.match(name)) and not _NOT_A_NAME.match(name)


def subject_year(text: str) -> tuple[int, str] | None:
    """(year, evidence) of the first opening sentence whose subject is an organ."""
    for match in _SUBJECT_YEAR.finditer(_SPACE.sub("", text[:_OPENING_CHARS])):
        name = match.group(0)[len(match.group(1)) :].lstrip("年度以来，,")
        if not _NOT_A_NAME.match(name):
            return int(match.group(1)), match.group(0)
    return None
