"""Text normalisation for matching labels and reading numbers, as report_format.json describes.

Labels are compared only after normalisation, because the same template row arrives with
full-width brackets, split words (``商业 企业``), enumerators and provincial notes. Numbers are
read as printed (``Decimal`` for money) and tagged with how they were read, so a later reader can
tell a printed 0 from a blank cell taken as 0.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
# Terms a character-level conversion leaves in Taiwan wording (政府資訊公開 -> 政府资讯公开).
# OpenCC's phrase-level tw2sp would fix these but also rewrites mainland words (文件 -> 文档)
# that Traditional mirrors of mainland pages keep, so only these terms are mapped.
_TAIWAN_TERMS = {"资讯": "信息"}
#: Share of CJK characters that must change under t2s before a text counts as Traditional;
#: mainland pages carry a few stray Traditional characters (font names, quotations).
_TRADITIONAL_SHARE = 0.03
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")

_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+")
_QUOTES = re.compile(r"[“”‘’「」『』\"'`]")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十]+\)|[0-9]+[、.．]"
    r"|\([0-9]+\)|[①②③④⑤⑥⑦⑧⑨⑩])"
)
_TRAILING_NOTE = re.compile(r"\([^()]*\)$|\([^()]*$")  # closed, or cut off by a wrap


_CHUNK = 512


def _changed_chars(text: str, converted: str) -> int:
    """Characters that differ between two strings of one length; equal chunks (most of a
    mainland page with a few stray Traditional characters) are skipped at C speed."""
    changed = 0
    for start in range(0, len(text), _CHUNK):
        a, b = text[start : start + _CHUNK], converted[start : start + _CHUNK]
        if a != b:
            changed += sum(map(str.__ne__, a, b))
    return changed


@cache
def _traditional_char() -> re.Pattern[str]:
    """Any character t2s changes on its own (CJK blocks and compatibility ideographs): built
    once from one conversion of all of them (about 10 ms)."""
    blocks = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
    chars = "".join(chr(code) for start, end in blocks for code in range(start, end))
    changed = "".join(a for a, b in zip(chars, _T2S.convert(chars), strict=True) if a != b)
    return re.compile(f"[{re.escape(changed)}]")


def _cjk_count(text: str, changed: int) -> int:
    """The text's CJK characters (at least 1), counted only as far as the share needs: once
    there are more than ``changed / share`` of them the text is Simplified whatever the rest
    holds, so a long mainland page with a few stray Traditional characters stops early."""
    enough = int(changed / _TRADITIONAL_SHARE) + 1
    return sum(1 for _ in itertools.islice(_CJK_CHAR.finditer(text), enough)) or 1


def to_simplified(text: str) -> tuple[str, bool]:
    """Return ``text`` in Simplified script and whether it was Traditional.

    A Simplified text is returned unchanged, stray Traditional characters included: only a
    text whose CJK characters change noticeably under conversion counts as Traditional. A
    text without one character that changes on its own (nearly every page: mainland
    portals) is not converted at all; a search for one is a quarter of a conversion. Only
    phrase rules could change such a text, never by the share that makes it Traditional.
    """
    if not _traditional_char().search(text):
        return text, False
    converted = _T2S.convert(text)
    if converted == text:
        return text, False
    changed = _changed_chars(text, converted)
    if len(converted) != len(text) or changed / _cjk_count(text, changed) < _TRADITIONAL_SHARE:
        return text, False
    for term, mainland in _TAIWAN_TERMS.items():
        converted = converted.replace(term, mainland)
    return converted, True


@lru_cache(maxsize=8192)
def normalize_label(label: str) -> str:
    """Normalise a row/column label or heading for matching (report_format.json normalization).

    NFKC, no whitespace, unified brackets, no quotes, no leading enumerator, no trailing
    parenthetical note. The result is only for matching; raw labels are kept elsewhere.
    """
    text = unicodedata.normalize("NFKC", label).translate(_BRACKETS)
    text = _QUOTES.sub("", _WHITESPACE.sub("", text))
    text = text.strip("|:：;；,，。").lstrip("#")  # '#' opens Markdown headings
    text = _ENUMERATOR.sub("", text)
    stripped = _TRAILING_NOTE.sub("", text)
    return stripped or text


def enumerator_of(label: str) -> str:
    """The leading enumerator (``(六)``, ``3.``) of a label, normalised; '' if none."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", label).translate(_BRACKETS))
    match = _ENUMERATOR.match(text)
    return match.group(0) if match else ""


# --- numbers -----------------------------------------------------------------------------------

DASH_MARKERS = frozenset({"/", "-", "—", "——", "–", "\\", "无", "空", "－", "／", "―", "─"})
_COUNT_UNITS = re.compile(r"(?:件|条|项|个|次|人次|起|宗)$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_MONEY = re.compile(r"^([+-]?\d+(?:\.\d+)?)(元|万元|亿元)$")
_SIGNED = re.compile(r"^(增加|增|减少|减)(\d+)$")
_MONEY_FACTOR = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}


@dataclass(slots=True)
class ParsedValue:
    """A cell read as printed: ``kind`` is number, blank, marker or text."""

    kind: str
    value: int | Decimal | None = None
    flags: list[str] = field(default_factory=list)


def clean_number_text(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    text = _WHITESPACE.sub("", text).replace(",", "").replace("，", "")
    return text.strip("|")


@lru_cache(maxsize=16384)
def _parse_value_cached(raw: str, money: bool) -> tuple[str, int | Decimal | None, tuple[str, ...]]:
    text = clean_number_text(raw)
    if not text:
        return "blank", None, ()
    if text in DASH_MARKERS or set(text) <= set("-—–/\\－／"):
        return "marker", None, ()
    flags: tuple[str, ...] = ()
    money_match = _MONEY.match(text)
    if money_match:
        unit = money_match.group(2)
        amount = _tidy(Decimal(money_match.group(1)) * _MONEY_FACTOR[unit])
        return "number", amount, ("unit_converted",) if unit != "万元" else ()
    signed = _SIGNED.match(text)
    if signed:
        sign = -1 if signed.group(1).startswith("减") else 1
        return "number", sign * int(signed.group(2)), ()
    text = _COUNT_UNITS.sub("", text)
    if not _NUMBER.match(text):
        return "text", None, ()
    try:
        number: int | Decimal
        if "." in text:
            decimal = Decimal(text)
            number = (
                int(decimal) if not money and decimal == decimal.to_integral_value() else decimal
            )
        else:
            number = int(text)
    except (InvalidOperation, ValueError):
        return "text", None, ()
    return "number", number, flags


def _tidy(amount: Decimal) -> Decimal:
    """Drop trailing zeros left by unit conversion without switching to exponent notation."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize()


def parse_value(raw: str | None, *, money: bool = False) -> ParsedValue:
    """Read one table cell. ``money`` keeps decimals (万元 columns); counts become ``int``."""
    if raw is None:
        return ParsedValue("blank")
    kind, value, flags = _parse_value_cached(raw, money)
    return ParsedValue(kind, value, list(flags))


def read_count(raw: str) -> tuple[str, int | Decimal | None, tuple[str, ...]]:
    """(kind, value, flags) of a count cell, as ``parse_value`` reads it, without building a
    ParsedValue: table 三 and 四 readers call this for every cell."""
    return _parse_value_cached(raw, False)


@lru_cache(maxsize=16384)  # called for every cell by every reader: one C-level lookup
def is_value_cell(raw: str) -> bool:
    """Whether a cell holds a value (number, dash marker or nothing) rather than a label."""
    return _parse_value_cached(raw, False)[0] != "text"
