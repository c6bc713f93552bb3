"""Pages nested deeper than libxml2 follows, and text nodes past its limits, still read.

libxml2 gives up at 256 nesting levels (2,048 with ``huge_tree``) and drops everything below;
before, such a page came back as ``empty_page`` with no sign that it had been cut. The real
沭阳县发改局 page is wrapped in generated nestings and must give exactly the tables it gives
unwrapped; a nesting nothing can flatten (tables inside tables, thousands deep) is read as far as
possible and says ``page_unreadable``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.parsers import parse_html
from nianbao.parsers.html_rows import decode_html

PAGE = "corpus/html/ucap_shuyang_fgj_2023.html"
WRAPPERS = ("div", "span", "font", "p", "blockquote", "section", "center", "li", "strong")


@pytest.fixture(scope="module")
def page(shared: Path) -> str:
    return _page(shared)


@functools.cache
def _page(shared: Path) -> str:
    return decode_html((shared / PAGE).read_bytes())


def _in_body(html: str, before: str, after: str) -> str:
    start = html.index(">", html.index("<body")) + 1
    end = html.rindex("</body>")
    return html[:start] + before + html[start:end] + after + html[end:]


def _tables(html: str) -> dict:
    return parse_html(html).to_dict()["tables"]


def _codes(html: str) -> set[str]:
    return {warning.code for warning in parse_html(html).warnings}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tags=st.lists(st.sampled_from(WRAPPERS), min_size=1, max_size=3),
    depth=st.integers(min_value=100, max_value=4000),
)
def test_a_deep_page_reads_as_it_does_unwrapped(shared: Path, tags: list[str], depth: int) -> None:
    page = _page(shared)
    opening = "".join(f"<{tags[n % len(tags)]}>" for n in range(depth))
    closing = "".join(f"</{tags[n % len(tags)]}>" for n in reversed(range(depth)))
    wrapped = _in_body(page, opening, closing)
    assert _tables(wrapped) == _tables(page)
    assert "page_unreadable" not in _codes(wrapped)
    assert "empty_page" not in _codes(wrapped)


def test_the_real_page_has_the_three_tables(page: str) -> None:
    """The comparison above means something only if the page itself has tables."""
    assert set(_tables(page)) == {"t2", "t3", "t4"}


def test_a_text_node_past_ten_million_characters_does_not_hide_the_tables(page: str) -> None:
    filler = "<p>" + "说明" * 5_200_000 + "</p>"  # 10.4 M characters in one text node
    assert _tables(_in_body(page, filler, "")) == _tables(page)


def test_a_nesting_that_cannot_be_flattened_says_so(page: str) -> None:
    """Tables inside tables 3,000 levels deep: what libxml2 drops is named, not hidden."""
    depth = 1000
    wrapped = _in_body(page, "<table><tr><td>" * depth, "</td></tr></table>" * depth)
    report = parse_html(wrapped)
    codes = {warning.code for warning in report.warnings}
    assert "page_unreadable" in codes
    detail = next(w.detail for w in report.warnings if w.code == "page_unreadable")
    assert "depth" in detail.lower()
