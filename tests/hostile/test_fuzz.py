"""Fuzzing the three entry points with real material damaged at random: ``parse_text``,
``parse_html`` and ``parse_attachment`` either return a report or refuse with the one error
type they document (:class:`ParseError`, of which :class:`AttachmentRefused` is a kind). Any
other exception is a crash a portal could trigger on every crawl.

Inputs are the shared corpus, mutated by hypothesis: bytes flipped, runs cut out, chunks of
another document spliced in, the text re-encoded (GBK, UTF-16, Latin-1 read back), truncation.
The budget is fixed (``max_examples`` per target) so that the suite stays within CI's time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nianbao.parsers import ParseError, parse_html, parse_text
from nianbao.parsers.attachments import Limits, parse_attachment
from nianbao.parsers.model import Report

TEXTS = ("seeds/002_54edbe98636d0c3c.txt", "seeds/000_b5566a94ec5fc8f8.txt")
PAGES = ("corpus/html/ucap_shuyang_fgj_2023.html", "corpus/html/trs_xxgk_article_meta_handan.html")
FILES = {
    "a.pdf": "corpus/attachments/hongze_qu_2023.pdf",
    "a.docx": "corpus/attachments/zhengwu_gongkai_nianbao_moban.docx",
}
#: Small caps, so that a mutation that inflates a file is refused quickly, not read for minutes.
LIMITS = Limits(max_pages=20, max_decompressed=20 * 1024 * 1024, ocr_max_pages=0)


@functools.cache
def _material(shared: Path, name: str) -> bytes:
    return (shared / name).read_bytes()


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with 1-4 random damages of the kinds portals and transfers produce."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "splice", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 4096))]
        elif kind == "splice":
            start = draw(st.integers(0, max(len(original) - 1, 0)))
            data[at:at] = original[start : start + draw(st.integers(1, 2048))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[at:]
    return bytes(data)


def _decoded(data: bytes, codec: str) -> str:
    """The bytes read as a portal might have: UTF-8 leniently, or re-encoded and read back."""
    text = data.decode("utf-8", "replace")
    if codec == "utf-8":
        return text
    return text.encode(codec, "replace").decode(
        "latin-1" if codec == "latin-1" else codec, "replace"
    )


def _is_report_or_refusal(call: Callable[[], Report]) -> None:
    """The call returns a report or raises the documented refusal; hypothesis counts which."""
    try:
        report = call()
    except ParseError as refusal:
        event(f"refused: {getattr(refusal, 'code', 'parse_error')}")
        return
    assert isinstance(report, Report)
    event(f"read: {len(report.tables)} tables")


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(
    data=st.data(),
    name=st.sampled_from(TEXTS),
    codec=st.sampled_from(["utf-8", "gbk", "utf-16", "latin-1"]),
)
def test_parse_text_survives_damage(
    shared: Path, data: st.DataObject, name: str, codec: str
) -> None:
    raw = data.draw(damaged(_material(shared, name)))
    _is_report_or_refusal(lambda: parse_text(_decoded(raw, codec)))


@FUZZ
@given(data=st.data(), name=st.sampled_from(PAGES), as_bytes=st.booleans())
def test_parse_html_survives_damage(
    shared: Path, data: st.DataObject, name: str, as_bytes: bool
) -> None:
    raw = data.draw(damaged(_material(shared, name)))
    page: str | bytes = raw if as_bytes else raw.decode("utf-8", "replace")
    _is_report_or_refusal(lambda: parse_html(page, url="http://www.example.gov.cn/a.html"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), filename=st.sampled_from(sorted(FILES)), claimed=st.booleans())
def test_parse_attachment_survives_damage(
    shared: Path, data: st.DataObject, filename: str, claimed: bool
) -> None:
    """Damaged files, named as what they were or with the other file's name."""
    raw = data.draw(damaged(_material(shared, FILES[filename])))
    name = filename if claimed else next(other for other in FILES if other != filename)
    _is_report_or_refusal(lambda: parse_attachment(raw, filename=name, limits=LIMITS))
