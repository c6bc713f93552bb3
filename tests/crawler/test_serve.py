"""``nianbao serve`` in a real headless Chromium: the canned queries show the stored reports and
datasette-vega draws its chart. Runs on SQLite and on PostgreSQL (served from a SQLite copy).

Chromium is a Debian package (.ci/run installs it); without it the test skips here and fails
under CI. The stored reports are the 泸定县 2024 seed report and the all-zero table 三 of seeds
000 (渔洋镇 2024) and 001 (邙岭镇 2020).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.headless import FLAGS as CHROMIUM_FLAGS
from support.served import serving

from nianbao.parsers.model import Report
from nianbao.pipelines.db import make_engine, session_factory, upgrade
from nianbao.pipelines.db.browse import CHART_FRAGMENT, QUERIES, metadata
from nianbao.pipelines.db.repository import save_report


@pytest.fixture
def served(
    db_url: str,
    tmp_path: Path,
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> Iterator[str]:
    """Base URL of the database of ``db_url`` (with three reports) served by ``nianbao serve``."""
    pytest.importorskip("datasette", reason="nianbao serve needs the serve extra")
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as session:
        # Table 四 read with its padding cell taken as a value: three T4_GROUP_TOTAL failures.
        report = luding_report(t4_padding_misread=True)
        save_report(session, report, spider="sichuan_luding", portal="泸定县人民政府")
        for name, year, variant in (
            ("渔洋镇人民政府", 2024, "t3_2021"),
            ("邙岭镇人民政府", 2020, "t3_2019"),
        ):
            save_report(session, zero_t3_report(name, year, variant), spider="x", portal=None)
    engine.dispose()
    with serving(db_url, tmp_path / "nianbao.db") as root:
        yield f"{root}/nianbao"


def dom(chromium: str, url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, as Chromium renders it."""
    result = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_browse_reports_and_chart_in_headless_chromium(
    chromium: str, served: str, tmp_path: Path
) -> None:
    profile = tmp_path / "chromium-profile"

    page = dom(chromium, f"{served}/applications_per_township_by_year", profile)
    assert "Applications received per township by year" in page
    assert "各乡镇（街道）每年收到的依申请公开申请" in page
    rows = page.split('<table class="rows-and-columns">', 1)[1]
    assert "渔洋镇人民政府" in rows and "邙岭镇人民政府" in rows
    assert "泸定县人民政府" not in rows  # a county, not a township
    assert "2020" in rows and "2024" in rows

    chart = dom(chromium, f"{served}/applications_by_year{CHART_FRAGMENT}", profile)
    # datasette-vega compiled the chart from the query's JSON and drew it into a canvas.
    assert 'class="vega-embed' in chart
    assert "<canvas" in chart.split('class="vega-embed', 1)[1]

    wide = dom(chromium, f"{served}/report_wide", profile)
    assert "报告宽表（表三、表四总计）" in wide
    for facet in ("report_year", "level", "province"):
        assert f'data-column="{facet}"' in wide
    assert "泸定县人民政府" in wide and "513322" in wide

    broken = dom(chromium, f"{served}/balance_rule_broken", profile)
    assert "Reports that break the balance rule" in broken
    assert "泸定县人民政府" not in broken  # table 三 balances in every stored report

    failures = dom(chromium, f"{served}/rule_failures", profile)
    table = failures.split('<table class="rows-and-columns">', 1)[1].split("</table>", 1)[0]
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in table.split("<td")[1:]]
    assert cells[:3] == ["T4_GROUP_TOTAL", "1", "3"]


def test_metadata_names_every_view_and_query() -> None:
    meta = metadata("nianbao")
    database = meta["databases"]["nianbao"]
    assert set(QUERIES) <= set(database["queries"])
    link = database["queries"]["applications_by_year"]["description_html"]
    assert f'href="/nianbao/applications_by_year{CHART_FRAGMENT}"' in link
    wide = database["tables"]["report_wide"]
    assert wide["facets"] == ["report_year", "level", "province"]
    # The crawler's and Alembic's bookkeeping is off the table lists; the indicators are on.
    for table in ("alembic_version", "page_seen", "crawl_run", "crawl_run_spider"):
        assert database["tables"][table] == {"hidden": True}
    notes = database["tables"]["indicators"]["columns"]
    assert notes["days_late"].startswith("逾期天数 · days late: days from the deadline")
    assert wide["columns"]["t3_new_requests"].startswith("表三 本年新收")
    assert "new requests" in wide["columns"]["t3_new_requests"]
    json.dumps(meta, ensure_ascii=False)  # what nianbao serve hands Datasette


SLOW_SQL = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT count(*) FROM (SELECT x FROM c LIMIT 1000000000)"
)


def test_arbitrary_sql_keeps_datasettes_time_limit(served: str) -> None:
    """A recursive query (arbitrary SQL is on) is cut off by Datasette's default limit of one
    second instead of holding a worker for as long as it likes."""
    import urllib.error
    import urllib.parse
    import urllib.request

    url = f"{served}.json?" + urllib.parse.urlencode({"sql": SLOW_SQL})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read().decode()
    except urllib.error.HTTPError as error:
        body = error.read().decode()
    elapsed = time.monotonic() - started
    assert "too long" in body
    assert elapsed < 8, f"the query ran {elapsed:.1f} s"
