"""Parsing costs time linear in the input: no step may compare a whole page with every label.

A real page wrapped in one layout table (the whole report in one ``<td>``) once took two
minutes, because every label lookup ran difflib over the whole cell. The tests count the work
of the fuzzy matcher (characters compared) instead of timing it, so they cannot flake, and
check that such a page reads the same tables as the report's own text.
"""

from __future__ import annotations

import difflib
import html

import pytest

from nianbao.parsers import labels, parse_html, parse_text

SOURCE = "corpus/texts/013_shanghai_bgt_2025.txt"


def _body(shared) -> str:
    return (shared / SOURCE).read_text("utf-8").partition("\n---\n")[2]


def _one_td(text: str, joiner: str) -> str:
    cell = joiner.join(html.escape(line) for line in text.splitlines())
    return f"<html><body><table><tr><td>{cell}</td></tr></table></body></html>"


def test_report_in_one_layout_cell_reads_like_its_text(shared):
    body = _body(shared)
    from_text = parse_text(body)
    from_page = parse_html(_one_td(body, "<br>"))
    for family in ("t2", "t3", "t4"):
        assert from_page.tables[family].rows() == from_text.tables[family].rows(), family
    # 一、本年新收 1259 | 36 | 0 | 0 | 0 | 0 | 1295 (typed from the report)
    assert from_page.tables["t3"].value("new_requests", "total") == 1295


@pytest.fixture
def compared(monkeypatch):
    """Total characters handed to difflib by the label matcher."""
    seen = [0]
    real = difflib.get_close_matches

    def counting(word, possibilities, n=3, cutoff=0.6):
        seen[0] += len(word) * len(possibilities) + sum(len(p) for p in possibilities)
        return real(word, possibilities, n=n, cutoff=cutoff)

    monkeypatch.setattr(labels.difflib, "get_close_matches", counting)
    return seen


@pytest.mark.parametrize("joiner", [" ", "<br>"])
def test_fuzzy_work_grows_linearly(shared, compared, joiner):
    body = _body(shared)
    work = []
    for copies in (1, 10):
        labels_cache_reset()
        compared[0] = 0
        parse_html(_one_td(body * copies, joiner))
        parse_text((body * copies).replace("\n", " "))
        work.append(compared[0])
    assert work[1] <= 12 * max(work[0], 1), work


def labels_cache_reset() -> None:
    """Fuzzy results are cached per matcher; clear them so both sizes pay their own work."""
    from nianbao.parsers import sections, table_t3

    table_t3._matcher()._cache.clear()
    sections._title_matcher()._cache.clear()


def test_long_query_is_never_compared():
    matcher = labels.LabelMatcher(["本年新收政府信息公开申请数量"], cutoff=0.8)
    assert matcher.match("本年新收政府信息公开申请数量") == "本年新收政府信息公开申请数量"
    assert matcher.match("本年新收政府信息公开申请数") == "本年新收政府信息公开申请数量"
    assert not matcher.reachable(100)
    assert matcher.match("本年新收政府信息公开申请数量" * 50) is None


def test_data_grid_with_a_long_note_stays_a_grid(shared):
    """The real 沭阳县发改局 page, its table 三 given a 1,500-character note cell: still read
    from grid positions, with the same rows."""
    page = (shared / "corpus/html/ucap_shuyang_fgj_2023.html").read_text("utf-8")
    before = parse_html(page).tables["t3"]
    marker = "本年新收政府信息公开申请数量"
    at = page.index(marker)
    row_end = page.index("</tr>", at)
    noted = page[:row_end] + "<td>" + "说明" * 750 + "</td>" + page[row_end:]
    after = parse_html(noted).tables["t3"]
    assert after.layout == "grid"
    assert after.rows()["granted"] == before.rows()["granted"]
    assert after.value("new_requests", "total") == 26  # 一、本年新收 26 (typed from the page)
