"""The view ``indicators`` and ``nianbao indicators``, on SQLite and PostgreSQL, over real reports
stored by replaying their portals' cassettes.

Every expected value is read off the real material by hand:

- 马水镇人民政府 2019 (hunan_leiyang; corpus 003): the page is dated 2020-02-14 (its URL,
  ``…/20200214/i1180025.html``). A township: the 条例 names no date, counted with the
  departments' 31 January, so 2020-01-31 and 14 days late. Text cut after table 二: tables 三 and
  四 and sections 三–六 are missing.
- 沭阳县发展和改革局 2023 (jiangsu_shuyang; html/ucap_shuyang_fgj_2023.html): 公开日期 2024-01-17,
  a county department, due 2024-01-31 (条例 第四十九条): on time.
- 沭阳县人民政府 2025 (jiangsu_shuyang; corpus 012): the page gives no date, so unknown; a county
  government, due 2026-03-31. Six sections (一–五 as headings, 六、其他需要报告的事项 on line
  190), fees stated (信息处理费共计380元), new requests 713, table 四 行政复议 27/10/9/15/61,
  直接起诉 total 3, 复议后起诉 total 10: 13 lawsuits, 10/61 = 0.164 corrected. Its prose
  受理 749 = 713 new + 36 carried over: X_PROSE_NEW passes, no prose disagreement.
- 洪泽区人民政府 2023 (jiangsu_hongze; corpus 011): a 2023 report printing the 2019 table 三
  (one （六）其他处理 row): format f2019 against the required f2021. Table 四 breaks its group
  totals (行政复议 10/1/0/0, 总计 0; 复议后起诉 5, 总计 0): one rule, T4_GROUP_TOTAL.
- 宿迁市人民政府 2017 (jiangsu_suqian; corpus 010): 发文日期 2018-02-26, before 2019: the 2007
  条例's 31 March, on time; no template required.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from nianbao_cli import run_nianbao
from sqlalchemy import text

from nianbao.parsers import parse_path
from nianbao.pipelines.db import make_engine, save_report, session_factory, upgrade
from nianbao.pipelines.db.indicators_view import columns, read_indicators, view_sql

ROOT = Path(__file__).resolve().parents[2]
SPIDERS = ("hunan_leiyang", "jiangsu_shuyang", "jiangsu_hongze", "jiangsu_suqian")
MIGRATION = ROOT / "pipelines/db/migrations/versions/0008_indicators_view.py"


@pytest.fixture
def replayed(db_url: str) -> str:
    """``db_url`` holding the reports of the four portals' cassettes, crawled as a user would."""
    done = run_nianbao("crawl", *SPIDERS, "--replay", "--db", db_url)
    assert done.returncode == 0, done.stderr[-3000:]
    return db_url


def _rows(url: str, **filters: object) -> dict[str, dict[str, object]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = read_indicators(connection, **filters)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    return {f"{row['authority']} {row['report_year']}": row for row in rows}


def _number(value: object) -> object:
    return float(value) if isinstance(value, Decimal | float) else value


def test_migration_freezes_the_definitions_sql() -> None:
    """Migration 0008 holds view_sql() as it was; a changed definition needs a new revision."""
    spec = importlib.util.spec_from_file_location("nianbao_migration_0008", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for dialect in ("sqlite", "postgresql"):
        assert module.VIEW_SQL[dialect].strip() == view_sql(dialect).strip(), (
            f"indicators.py changed: write a revision that recreates the view ({dialect})"
        )


def test_indicators_of_real_reports(replayed: str) -> None:
    rows = _rows(replayed)
    assert set(rows) == {
        "马水镇人民政府 2019",
        "沭阳县发展和改革局 2023",
        "沭阳县人民政府 2025",
        "洪泽区人民政府 2023",
        "宿迁市人民政府 2017",
    }
    mashui = rows["马水镇人民政府 2019"]
    assert str(mashui["published"]) == "2020-02-14"
    assert str(mashui["deadline"]) == "2020-01-31"
    assert (mashui["deadline_rule"], mashui["on_time"], mashui["days_late"]) == (
        "township",
        "late",
        14,
    )
    assert (mashui["tables_missing"], mashui["sections_missing"]) == ("三 四", "三 四 五 六")
    assert (mashui["format_required"], mashui["format_used"], mashui["format_ok"]) == (
        "f2019",
        "f2019",
        1,
    )

    fgj = rows["沭阳县发展和改革局 2023"]
    assert (str(fgj["published"]), str(fgj["deadline"])) == ("2024-01-17", "2024-01-31")
    assert (fgj["deadline_rule"], fgj["on_time"], fgj["days_late"]) == ("department", "on_time", 0)

    county = rows["沭阳县人民政府 2025"]
    assert county["published"] is None and county["on_time"] == "unknown"
    assert county["days_late"] is None
    assert (str(county["deadline"]), county["deadline_rule"]) == ("2026-03-31", "government")
    assert (county["sections_present"], county["sections_missing"]) == (6, None)
    assert county["tables_missing"] is None and county["fees_stated"] == 1
    assert (county["rules_broken"], county["rules_broken_ids"]) == (0, None)
    assert county["prose_disagreements"] == 0  # 749 受理 = 713 new + 36 carried over
    assert [_number(county[k]) for k in ("applications", "reviews", "lawsuits")] == [713, 61, 13]
    assert _number(county["review_corrected_share"]) == 0.164
    assert _number(county["lawsuit_corrected_share"]) == 0.0
    # No other year of 沭阳县人民政府 is stored: no comparison, no change.
    assert county["previous_year"] is None and county["applications_change"] is None

    hongze = rows["洪泽区人民政府 2023"]
    assert (hongze["format_required"], hongze["format_used"], hongze["format_ok"]) == (
        "f2021",
        "f2019",
        0,
    )
    assert (hongze["rules_broken"], hongze["rules_broken_ids"]) == (1, "T4_GROUP_TOTAL")
    assert hongze["prose_disagreements"] == 0 and hongze["sections_present"] == 6

    suqian = rows["宿迁市人民政府 2017"]
    assert (str(suqian["deadline"]), suqian["deadline_rule"], suqian["on_time"]) == (
        "2018-03-31",
        "pre2019",
        "on_time",
    )
    assert suqian["format_required"] == "pre2019" and suqian["format_ok"] is None
    assert suqian["sections_present"] is None  # the six sections are a 2019 requirement

    assert set(_rows(replayed, authority="沭阳县政府")) == {"沭阳县人民政府 2025"}
    assert set(_rows(replayed, year=2023)) == {"沭阳县发展和改革局 2023", "洪泽区人民政府 2023"}


def test_year_on_year_change(db_url: str, shared: Path) -> None:
    """No authority has two consecutive years in the material, so, as the cross-year tests do,
    洪泽区's real 2023 report is stored as the predecessor of 泸定县's real 2024 report (seed
    002), both under 泸定县人民政府. Numbers as printed: new requests 34 (泸定) against 21
    (洪泽); 行政复议 总计 6 against 0; lawsuits 0 + 1 against 0 + 0; 泸定's 上年结转 0 against
    洪泽's 结转下年度 0 (X_CARRY passes)."""
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    for path in ("corpus/texts/011_hongze_qu_2023.txt", "seeds/002_54edbe98636d0c3c.txt"):
        report = parse_path(shared / path)
        report.authority = "泸定县人民政府"
        with sessions() as session:
            save_report(session, report, spider="test", portal=None)
    with engine.connect() as connection:
        (row,) = [r for r in read_indicators(connection, year=2024)]
        count = connection.execute(text("SELECT COUNT(*) FROM indicators")).scalar_one()
    engine.dispose()
    assert count == 2
    assert row["previous_year"] == 2023
    changes = [_number(row[f"{name}_change"]) for name in ("applications", "reviews", "lawsuits")]
    assert changes == [13, 6, 1]
    assert row["carry_over"] == "pass"


def test_command_prints_json_csv_and_a_table(replayed: str) -> None:
    done = run_nianbao("indicators", "--db", replayed, "--year", "2019", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    (row,) = json.loads(done.stdout)
    assert (row["authority"], row["on_time"], row["days_late"]) == ("马水镇人民政府", "late", 14)

    done = run_nianbao("indicators", "--db", replayed, "--authority", "洪泽区人民政府", "--csv")
    assert done.returncode == 0, done.stderr[-2000:]
    reader = csv.DictReader(io.StringIO(done.stdout))
    assert reader.fieldnames == columns()
    (row,) = list(reader)
    assert (row["rules_broken_ids"], row["format_used"]) == ("T4_GROUP_TOTAL", "f2019")

    done = run_nianbao("indicators", "--db", replayed)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["authority", "report_year", "on_time"]
    assert any(line.startswith("马水镇人民政府") and " late " in line for line in lines)

    done = run_nianbao("indicators", "--db", replayed, "--year", "1999")
    assert done.returncode == 0 and done.stdout == ""
    assert "no stored report matches" in done.stderr


def test_prose_query_reads_the_stored_check(replayed: str) -> None:
    """沭阳县 2025's prose 受理 749 includes the 36 carried over: its stored X_PROSE_NEW passes,
    so the canned query must not list it (it did when it compared 749 with the 713 new)."""
    from nianbao.pipelines.db.browse import QUERIES

    engine = make_engine(replayed)
    with engine.connect() as connection:
        check = connection.execute(
            text(
                "SELECT status, lhs, rhs FROM report_check "
                "WHERE authority = '沭阳县人民政府' AND rule_id = 'X_PROSE_NEW'"
            )
        ).one()
        listed = connection.execute(text(QUERIES["prose_disagrees_with_table"]["sql"])).all()
    engine.dispose()
    assert (check.status, _number(check.lhs), _number(check.rhs)) == ("pass", 749, 749)
    assert listed == []


def test_the_readme_table_is_the_definitions() -> None:
    """The README's indicator table is indicators_table() of the definitions, word for word."""
    from nianbao.pipelines.db.readme_tables import indicators_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert indicators_table().strip() in readme
