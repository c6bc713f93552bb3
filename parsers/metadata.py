"""Report metadata: title, authority, report year, publication date, publisher, 索引号.

Sources in order of trust: the page's standard meta tags (ArticleTitle, PubDate,
ContentSource), the title line, the 统计期限 sentence, the labelled metadata block
(发布日期 / 来源 / 发布机构 / 索引号), then hints the spider passed (its column, its portal's
authority). The report year is the year reported on; the publication year minus one is only a
flagged last resort.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import authority as text_authority
from .dates import PUBLISHED_LABELS, to_date
from .model import ReportMetadata
from .titles import (
    authority_from_title,
    find_title,
    match_title,
    single_title,
    statistics_period,
    title_candidate,
)

#: The report named in a sentence: 现面向社会公开2022年度政府信息公开年度报告.
_YEAR_IN_PROSE = re.compile(
    r"((?:19|20)\d{2})\s*年度?(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)"
)
_PUBLISHED_LABEL = re.compile(
    rf"(?:{PUBLISHED_LABELS})\s*[:：]?\s*((?:19|20)\d{{2}}[-年/.]\s*\d{{1,2}}[-月/.]?\s*\d{{1,2}})"
)
_SOURCE_LABEL = re.compile(
    r"(?:信息来源|发布机构|来源|发文机关)\s*[:：]\s*([^\s:：]{2,40}?)(?=\s|$|发布|浏览|时间|日期)"
)
_INDEX_NO = re.compile(r"索\s*引\s*号\s*[:：]?\s*([0-9A-Za-z\-/]{6,60})")
_BARE_PLACE = re.compile(r"^(?P<name>.+?(?:镇|乡|县|区|市|旗|自治县|自治州))$")
_STREET = re.compile(r"^(?P<name>.+?街道)$")
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b-\u200d\u2060\ufeff]+")
#: ``泸定县政府`` is the everyday short form of ``泸定县人民政府``; both name one authority.
_SHORT_GOVERNMENT = re.compile(r"(?<=[省市州县区旗镇乡])政府$")


@dataclass(slots=True)
class Metadata(ReportMetadata):
    """The report's metadata as :func:`extract_metadata` found it."""

    #: (code, detail) warnings about the metadata: a county department without its county,
    #: a title year that the statistics period contradicts.
    warnings: list[tuple[str, str]] = field(default_factory=list)


def canonical_authority(name: str, publisher: str | None = None) -> str:
    """The one stored form of an organ's name, so every spelling meets on one row.

    Whitespace goes (PDF text and table cells split names); a bare place becomes its
    government (渔洋镇 -> 渔洋镇人民政府, 廿三里街道 -> 廿三里街道办事处) and the short form
    泸定县政府 the full 泸定县人民政府; departments and offices keep their names. A publisher
    that ends with the same organ but names more of it (凉州区四坝镇人民政府 for 四坝镇) is
    preferred, since it pins down which 四坝镇 is meant.
    """
    name = _SHORT_GOVERNMENT.sub("人民政府", _SPACE.sub("", name))
    if _STREET.match(name):
        name += "办事处"
    elif _BARE_PLACE.match(name):
        name += "人民政府"
    if publisher:
        publisher = _SHORT_GOVERNMENT.sub("人民政府", _SPACE.sub("", publisher))
        if publisher != name and publisher.endswith(name) and len(publisher) <= len(name) + 12:
            return publisher
    return name


#: The labels one by one: a text holding none of them skips the (alternation-led) regex.
_PUBLISHED_WORDS = tuple(PUBLISHED_LABELS.split("|"))


def find_published(text: str, meta_date: str | None = None) -> dt.date | None:
    labelled = any(word in text for word in _PUBLISHED_WORDS)
    found = (m.group(1) for m in _PUBLISHED_LABEL.finditer(text)) if labelled else ()
    for candidate in (meta_date, *found):
        date = to_date(candidate)
        if date is not None:
            return date
    return None


def find_publisher(text: str, meta_source: str | None = None) -> str | None:
    if meta_source and meta_source.strip():
        return meta_source.strip()
    match = _SOURCE_LABEL.search(text[:3000])
    if match:
        return match.group(1)
    return _header_block(text, "发布机构")


def _header_block(text: str, label: str) -> str | None:
    """The value under ``label`` in a metadata header line ("索引号 公开方式 发布机构") whose
    values stand on the next line."""
    head = text[:3000]
    if label not in head:
        return None  # most pages: no header block to split into lines
    lines = head.splitlines()
    for index, line in enumerate(lines[:-1]):
        labels = line.split()
        if label in labels:
            values = lines[index + 1].split()
            if len(values) == len(labels):
                return values[labels.index(label)]
    return None


def find_index_no(text: str) -> str | None:
    match = _INDEX_NO.search(text[:3000])
    if match:
        return match.group(1)
    return _header_block(text, "索引号")


def find_report_year(
    title_match: re.Match[str] | None, text: str, published: dt.date | None
) -> tuple[int | None, str | None]:
    """(year, where it came from): title, statistics period, or publication year - 1."""
    year, source, _ = _year_with_evidence(title_match, text)
    if year is None and published is not None:
        return published.year - 1, "published_minus_one"
    return year, source


def _year_with_evidence(
    title_match: re.Match[str] | None, text: str
) -> tuple[int | None, str | None, str | None]:
    """(year, source, evidence) from what the text states: its title, its statistics period,
    a sentence naming the report; the publication date never decides it."""
    if title_match:
        return int(title_match.group("year")), "title", title_match.group(0)
    period = statistics_period(text)
    if period:
        return int(period.group(1)), "statistics_period", _span(period)
    named = _YEAR_IN_PROSE.search(text[:3000])
    if named:
        return int(named.group(1)), "text", _span(named)
    opening = text_authority.subject_year(text)
    if opening:
        return opening[0], "text", opening[1]
    return None, None, None


def _span(match: re.Match[str], before: int = 12) -> str:
    """The matched text with a few characters of context before it, spaces squeezed."""
    start = max(0, match.start() - before)
    return _SPACE.sub("", match.string[start : match.end()])


_PROSE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def year_from_prose(text: str) -> int | None:
    """Last resort: the year most often written in the opening text (flagged by the caller)."""
    years = [int(y) for y in _PROSE_YEAR.findall(text[:1500])]
    if not years:
        return None
    return max(set(years), key=lambda y: (years.count(y), -years.index(y)))


def extract_metadata(
    text: str, *, meta: dict[str, str] | None = None, hints: dict[str, object] | None = None
) -> Metadata:
    """Metadata from the page's meta tags, its text and the spider's hints."""
    meta = meta or {}
    hints = hints or {}
    lines = [line for line in map(str.strip, text.splitlines()) if line]
    # Trust order: the page's ArticleTitle, the title the spider saw, a title line in the text
    # (unless the text lists several: then it is a list page), the page's <title>.
    declared = meta.get("ArticleTitle") or _str(hints.get("title"))
    title_match = find_title([declared]) if declared else None
    if title_match is None:
        title_match = single_title(lines)
    if title_match is None and meta.get("title"):
        title_match = find_title([meta["title"]])
    found = Metadata()
    found.title = declared or (title_match.string if title_match else None)
    found.published = find_published(text, meta.get("PubDate")) or to_date(
        _str(hints.get("published"))
    )
    found.publisher = find_publisher(text, meta.get("ContentSource"))
    found.index_no = find_index_no(text)
    _set_year(found, title_match, text, hints)
    _set_authority(found, title_match, lines, text, hints)
    return found


def _set_year(
    found: Metadata, title_match: re.Match[str] | None, text: str, hints: dict[str, object]
) -> None:
    """Year, source and evidence: what the text states, then the caller's hint, then the
    flagged guesses (publication year - 1, the year most written in the prose)."""
    year, source, evidence = _year_with_evidence(title_match, text)
    if source == "title":
        period = statistics_period(text)
        if period and int(period.group(1)) != year:
            found.warnings.append(
                ("year_conflict", f"title says {year}, statistics period {period.group(1)}")
            )
    hinted_year = hints.get("report_year")
    if year is None and isinstance(hinted_year, int):
        year = hinted_year
        source = _str(hints.get("year_source")) or "hint"
        evidence = f"{source}: {year}"
    if year is None and found.published is not None:
        year, source = found.published.year - 1, "published_minus_one"
        evidence = f"published {found.published.isoformat()}"
    if year is None:
        year = year_from_prose(text)
        source = "prose" if year is not None else None
    found.report_year, found.year_source, found.year_evidence = year, source, evidence


def _set_authority(
    found: Metadata,
    title_match: re.Match[str] | None,
    lines: list[str],
    text: str,
    hints: dict[str, object],
) -> None:
    """Authority, source and evidence: an authority the caller gave as an argument, the
    title (or the 发布机构 field naming the title's organ more fully, or a signature line the
    title misprints), the 发布机构 field, the text (signature, compiler, opening subject),
    the spider's portal. A name printed without its place (县审计局) is completed from the
    portal when known, else kept and flagged."""
    portal = _str(hints.get("portal"))
    name: str | None
    source: str | None
    evidence: str | None
    if hints.get("authority") and hints.get("authority_source") == "argument":
        name, source, evidence = _str(hints["authority"]), "argument", "argument"
    else:
        name, source, evidence = _authority_in_page(found, title_match, lines, text)
        if name is None and hints.get("authority"):
            name = _str(hints["authority"])
            source, evidence = "url", f"portal: {name}"
        elif name is not None and text_authority.placeless_tier(name):
            completed = text_authority.complete_place(name, portal or _str(hints.get("authority")))
            if completed:
                evidence = f"{evidence}; place from portal {portal or hints.get('authority')}"
                name = completed
            else:
                found.warnings.append(
                    ("authority_place_missing", f"{name}: its place is not printed")
                )
    found.authority, found.authority_source, found.authority_evidence = name, source, evidence


def _authority_in_page(
    found: Metadata, title_match: re.Match[str] | None, lines: list[str], text: str
) -> tuple[str | None, str | None, str | None]:
    signed = text_authority.signature(lines)
    name = authority_from_title(title_match, lines) if title_match else None
    if name:
        plain = canonical_authority(name)
        if signed and _misprint_of(plain, signed.name):
            return canonical_authority(signed.name), "text", signed.evidence
        fuller = canonical_authority(name, found.publisher)
        if fuller != plain:
            return fuller, "publisher_field", f"发布机构 {found.publisher}"
        shown = title_match.group(0) if title_match else ""
        return plain, "title", shown if name in shown else f"{name} {shown}"
    if signed:
        return canonical_authority(signed.name, found.publisher), "text", signed.evidence
    if found.publisher and text_authority.is_organ(found.publisher):
        return canonical_authority(found.publisher), "publisher_field", found.publisher
    for finder in (text_authority.compiler, text_authority.subject):
        hit = finder(text)
        if hit:
            return canonical_authority(hit.name, found.publisher), "text", hit.evidence
    return None, None, None


def _misprint_of(name: str, signed: str) -> bool:
    """Whether ``name`` is ``signed`` with characters dropped (the title 威海市文登人民政府办公室
    under the signature 威海市文登区人民政府办公室)."""
    if len(signed) <= len(name) or len(signed) > len(name) + 3:
        return False
    rest = iter(signed)
    return all(char in rest for char in name)


def _str(value: object) -> str | None:
    return str(value) if value else None


def not_a_report(title: str | None, tables: int, prose_figures: int) -> bool:
    """Whether a parsed page holds no report at all: no statistical table, no prose figure and
    no 年报 title (a list page, an anti-bot challenge, an unrelated notice). Such a page must say
    so instead of coming back as a report whose year is its publication date."""
    return not tables and not prose_figures and not (title and match_title(title_candidate(title)))
