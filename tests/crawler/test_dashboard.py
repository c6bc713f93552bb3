"""The front door of ``nianbao serve`` in real headless Chromium, with a CJK font: the home page,
an authority's page and a year's page show the stored reports' indicators in the first screen.

The database holds real reports, stored as in tests/pipelines/test_indicators.py (whose module
docstring reads every value off the material): the cassettes of hunan_leiyang, jiangsu_shuyang,
jiangsu_hongze and jiangsu_suqian replayed by ``nianbao crawl --replay`` (马水镇人民政府 2019,
dated 2020-02-14, 14 days late; 沭阳县发展和改革局 2023 on time; 洪泽区人民政府 2023 breaking
T4_GROUP_TOTAL; 沭阳县人民政府 2025; 宿迁市人民政府 2017), and, for an authority with two years,
洪泽区's 2023 text and 泸定县's 2024 seed (002) both stored under 泸定县人民政府 (new requests 21
then 34, 行政复议 总计 0 then 6, lawsuits 0 then 1, X_CARRY passing).

"In the first screen" is measured, not assumed: each page is loaded in a 1280×800 viewport over
the DevTools protocol, the data's element must lie inside those 800 px and the screenshot must
show ink where it is (tests/support/headless.py); a test of the check itself shows it fails for
a table below the fold and for one drawn blank. Runs on SQLite and on PostgreSQL (served from
the SQLite copy ``nianbao serve`` makes). Without Chromium or a Chinese font the tests skip here
and fail under CI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from support.headless import Browser, browser, first_screen_problem
from support.served import TWO_YEARS_AUTHORITY, serving, store_real_reports

LUDING = TWO_YEARS_AUTHORITY


@pytest.fixture
def dashboard(db_url: str, shared: Path, tmp_path: Path) -> Iterator[str]:
    """Root URL of ``nianbao serve`` over the real reports."""
    pytest.importorskip("datasette", reason="nianbao serve needs the serve extra")
    store_real_reports(db_url, shared)
    with serving(db_url, tmp_path / "nianbao.db") as root:
        yield root


@pytest.fixture
def page(chromium: str, cjk_font: list[str], tmp_path: Path) -> Iterator[Browser]:
    with browser(chromium, tmp_path / "chromium-profile") as session:
        yield session


def first_screen(page: Browser, png: Path, *selectors: str) -> None:
    """Screenshot the viewport to ``png`` and require every selector's element in it."""
    page.screenshot(png)
    problems = [first_screen_problem(page, selector, png) for selector in selectors]
    assert [p for p in problems if p] == []


def cells(page: Browser, selector: str) -> list[list[str]]:
    """The text of every cell of the rows ``selector`` matches, as the browser shows it."""
    return page.evaluate(
        f"[...document.querySelectorAll({json.dumps(selector)})].map(r =>"
        " [...r.children].map(c => c.innerText.trim()))"
    )


def test_home_authority_and_year_pages_in_chromium(
    dashboard: str, page: Browser, cjk_font: list[str], tmp_path: Path
) -> None:
    page.load(f"{dashboard}/")
    years = cells(page, "#years tbody tr")
    assert [row[0] for row in years] == ["2025", "2024", "2023", "2019", "2017"]
    assert years[3] == ["2019", "1", "0", "1", "0", "0", "14"]  # 马水镇, 14 days late
    authorities = {row[0]: row for row in cells(page, "#authorities tbody tr")}
    assert authorities["马水镇人民政府"][3:] == ["2019", "1", "0"]
    assert authorities[LUDING][3:] == ["2023–2024", "0", "2"]
    assert "alembic_version" not in page.html()
    first_screen(page, tmp_path / "home.png", "#years", "#authorities tbody tr:first-child")

    page.load(f"{dashboard}/authority/{quote('泸定县政府')}")  # any spelling: redirected
    assert page.evaluate("decodeURIComponent(location.pathname)") == f"/authority/{LUDING}"
    assert cells(page, "#years-side-by-side thead tr") == [["指标 · indicator", "2023", "2024"]]
    rows = {row[0]: row[1:] for row in cells(page, "#years-side-by-side tbody tr[data-column]")}
    assert rows["本年新收政府信息公开申请数量（总计） · new requests"] == ["21", "34"]
    assert rows["行政复议 总计 · administrative review total"] == ["0", "6"]
    assert rows["新收申请变化 · applications change"] == ["", "+13"]
    assert rows["行政诉讼变化 · lawsuits change"] == ["", "+1"]
    assert rows["上年结转衔接 · carry-over"] == ["", "pass"]
    assert rows["不成立的规则 · rule ids"][0] == "T4_GROUP_TOTAL"
    bars = page.evaluate(
        "[...document.querySelectorAll('svg.nianbao-chart rect title')].map(t => t.textContent)"
    )
    assert "2023 新收 new: 21" in bars and "2024 新收 new: 34" in bars
    assert "2024 复议 reviews: 6" in bars
    # The authority's name is drawn with a font fontconfig lists for Chinese, not as boxes.
    assert set(page.fonts("h1")) & set(cjk_font), page.fonts("h1")
    first_screen(
        page,
        tmp_path / "authority.png",
        "svg.nianbao-chart",
        '#years-side-by-side tr[data-column="on_time"]',
    )

    page.load(f"{dashboard}/year/2019")
    (row,) = cells(page, "#ranking tbody tr")
    assert row[:2] == ["1", "马水镇人民政府"]
    assert row[6:8] == ["late", "14"]
    first_screen(page, tmp_path / "year.png", "#ranking tbody tr:first-child")

    page.load(f"{dashboard}/year/2023")
    ranked = cells(page, "#ranking tbody tr")
    # No 2023 report is late; the two without a date (one broken rule each) come first.
    assert {r[1] for r in ranked[:2]} == {LUDING, "洪泽区人民政府"}
    assert ranked[2][1] == "沭阳县发展和改革局"
    assert [r[6] for r in ranked] == ["unknown", "unknown", "on_time"]

    # A table page: its long column notes are folded, so the rows start in the first screen.
    page.load(f"{dashboard}/nianbao/report_wide")
    assert page.evaluate("document.querySelector('details.column-notes').open") is False
    first_screen(page, tmp_path / "report_wide.png", "table.rows-and-columns tbody tr:first-child")


FOLD = (
    "<html><body style='margin:0;font:16px sans-serif'>{spacer}"
    "<table id='data' style='color:{colour}'><tr><td>泸定县人民政府</td><td>2024</td>"
    "<td>34</td></tr></table></body></html>"
)


def test_first_screen_check_fails_below_the_fold_and_on_a_blank_table(
    page: Browser, tmp_path: Path
) -> None:
    """The check the dashboard test relies on says no to a table under the fold and to one
    that is laid out in the first screen but draws nothing."""
    png = tmp_path / "check.png"

    def problem(spacer: str, colour: str) -> str | None:
        (tmp_path / "page.html").write_text(FOLD.format(spacer=spacer, colour=colour), "utf-8")
        page.load((tmp_path / "page.html").as_uri())
        page.screenshot(png)
        return first_screen_problem(page, "#data", png)

    assert problem("", "#111") is None
    below = problem("<div style='height:900px'></div>", "#111")
    assert below is not None and "outside the first 800" in below
    blank = problem("", "#fff")
    assert blank is not None and "blank area" in blank


def test_chart_bars_scale_to_a_readable_axis_and_skip_what_is_not_reported() -> None:
    """泸定县人民政府's new requests, 21 (洪泽区's 2023 text) and 34 (seed 002), and 行政复议
    总计 0 and 6: the axis runs to 50, a bar's height is its share of it, a year without a
    value draws no bar."""
    from nianbao.crawler.dashboard.chart import Series, bar_chart, nice_ceiling

    assert [nice_ceiling(v) for v in (34, 6, 0, 101)] == [50, 10, 1, 200]
    svg = bar_chart("t", ["2023", "2024"], [Series("新收 new", [21, 34]), Series("x", [None, 6])])
    bars = [part for part in svg.split("<rect ")[1:] if "<title>" in part]
    heights = [float(part.split('height="')[1].split('"')[0]) for part in bars]
    assert len(bars) == 3  # 21, 34 and 6; the missing 2023 value has none
    assert heights[1] / heights[0] == pytest.approx(34 / 21, rel=0.01)
    assert heights[2] / heights[1] == pytest.approx(6 / 34, rel=0.01)
