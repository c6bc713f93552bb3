"""Batch storage (``save_reports``): the same stored result as one ``save_report`` per report,
on both engines, in one transaction, and a failing report costs only itself.

The reports are the real corpus texts and seeds, parsed, and the 泸定县 2024 seed report of
tests/conftest.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from nianbao.parsers import parse_path
from nianbao.parsers.model import Check, Report
from nianbao.pipelines.db import session_factory
from nianbao.pipelines.db.authorities import UnkeyedReport
from nianbao.pipelines.db.bulk import save_reports
from nianbao.pipelines.db.load import load_report
from nianbao.pipelines.db.repository import save_report

LUDING = "泸定县人民政府"


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_a_batch_stores_what_one_by_one_stores(engine: Engine, keyed_corpus: list[Report]) -> None:
    reports = keyed_corpus
    assert len(reports) >= 8
    keys = {(r.authority, r.report_year) for r in reports}
    with session_factory(engine)() as session:
        outcomes = save_reports(session, [copy.deepcopy(r) for r in reports], spider="bench")
    assert outcomes == ["new"] * len(reports)
    with session_factory(engine)() as session:
        for report in reports:
            stored = load_report(session, report.authority, report.report_year)
            assert stored is not None
            assert stored.tables == report.tables
            assert stored.checks == report.checks and stored.prose == report.prose
    # One by one the same reports are now all unchanged: the batch stored them as save_report.
    with session_factory(engine)() as session:
        again = [
            save_report(session, copy.deepcopy(r), spider="bench", portal=None) for r in reports
        ]
    assert again == ["unchanged"] * len(reports)
    assert len(_rows(engine, "SELECT id FROM report")) == len(keys)
    assert _rows(engine, "SELECT DISTINCT number, status, note FROM report_revision") == [
        (1, "current", "first")
    ]


#: Every stored cell as the engine holds it: numbers as text show an INTEGER from a REAL on
#: SQLite and the scale on PostgreSQL, so a batch binding values its own way is seen.
_CELLS_AS_STORED = (
    "SELECT a.name, r.report_year, c.table_id, c.family, c.position, c.row_key, c.col_key, "
    "CAST(c.value AS TEXT), c.value_raw, c.value_source, CAST(c.value_derived AS TEXT), "
    "CAST(c.flags AS TEXT), c.uncertain FROM cell c JOIN report r ON r.id = c.report_id "
    "JOIN authority a ON a.id = r.authority_id ORDER BY 1, 2, 3, 5"
)


def test_batch_cells_are_stored_as_save_report_stores_them(
    engine: Engine, shared: Path, keyed_corpus: list[Report]
) -> None:
    """The batch binds cells itself (ints as ints, no dict per cell): what the engine then
    holds must be what save_report's ORM insert leaves, value for value and type for type."""
    reports = keyed_corpus + [parse_path(path) for path in sorted((shared / "seeds").glob("*"))]
    reports = [r for r in reports if r.authority and r.report_year and r.tables]
    assert any(
        type(cell.value) is not int and cell.value is not None
        for report in reports
        for table in report.tables.values()
        for cell in table.cells.values()
    ), "the material must hold a non-integer value (万元 amounts)"
    with session_factory(engine)() as session:
        save_reports(session, [copy.deepcopy(r) for r in reports], spider="s")
    batched = _rows(engine, _CELLS_AS_STORED)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM report"))
    with session_factory(engine)() as session:
        for report in reports:
            save_report(session, copy.deepcopy(report), spider="s", portal=None)
    assert len(batched) > 1000
    assert _rows(engine, _CELLS_AS_STORED) == batched


def test_a_mixed_batch_takes_the_full_path_where_it_must(
    engine: Engine, luding_report: Callable[..., Report]
) -> None:
    with session_factory(engine)() as session:
        assert (
            save_report(session, luding_report(t4_padding_misread=True), spider="s", portal=None)
            == "new"
        )
    unkeyed = luding_report()
    unkeyed.authority = None
    mirror = luding_report()
    mirror.source_url = "http://www.gzz.gov.cn/mirror/luding/2024.html"
    other_year = luding_report()
    other_year.report_year = 2023
    other_year.source_url = "http://www.luding.gov.cn/ldxrmzf2023zfnbzf/article/1"
    batch = [luding_report(), unkeyed, mirror, other_year]
    with session_factory(engine)() as session:
        outcomes = save_reports(session, batch, spider="s")
    # The stored misread is replaced by the right reading; the mirror then has the same
    # numbers (one more URL); 2023 is new; the unkeyed report is its own outcome.
    assert outcomes[0] == "updated"
    assert isinstance(outcomes[1], UnkeyedReport)
    assert outcomes[2:] == ["unchanged", "new"]
    ((urls,),) = _rows(engine, "SELECT source_urls FROM report WHERE report_year = 2024")
    assert "mirror/luding" in str(urls)


def test_a_failing_report_costs_only_itself(
    engine: Engine,
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    broken = zero_t3_report("渔洋镇人民政府", 2024, "t3_2021")
    broken.checks.append(Check("T3_BALANCE", "maybe", "total"))  # type: ignore[arg-type]
    good = zero_t3_report("邙岭镇人民政府", 2020, "t3_2019")
    with session_factory(engine)() as session:
        outcomes = save_reports(session, [luding_report(), broken, good], spider="s")
    assert outcomes[0] == "new" and outcomes[2] == "new"
    assert isinstance(outcomes[1], Exception)
    names = {
        name
        for (name,) in _rows(
            engine, "SELECT a.name FROM report r JOIN authority a ON a.id = r.authority_id"
        )
    }
    assert names == {LUDING, "邙岭镇人民政府"}
    assert _rows(engine, "SELECT count(*) FROM check_result WHERE status = 'maybe'") == [(0,)]


def test_two_batches_one_after_the_other_keep_their_ids_apart(
    engine: Engine, keyed_corpus: list[Report]
) -> None:
    reports = keyed_corpus
    half = len(reports) // 2
    for part in (reports[:half], reports[half:]):
        with session_factory(engine)() as session:
            assert set(save_reports(session, [copy.deepcopy(r) for r in part], spider="s")) == {
                "new"
            }
    cells = sum(len(t.cells) for r in reports for t in r.tables.values())
    assert _rows(engine, "SELECT count(*) FROM cell") == [(cells,)]
    with_cells = sum(1 for r in reports if any(t.cells for t in r.tables.values()))
    assert _rows(engine, "SELECT count(DISTINCT report_id) FROM cell") == [(with_cells,)]
    assert _rows(engine, "SELECT count(*) FROM report") == [(len(reports),)]


def test_the_township_query_reads_what_report_wide_shows(
    engine: Engine, keyed_corpus: list[Report]
) -> None:
    """The canned township query reads ``cell`` directly (for speed); its rows must be those
    of ``report_wide`` for the same reports."""
    from nianbao.pipelines.db.browse import QUERIES

    with session_factory(engine)() as session:
        save_reports(session, keyed_corpus, spider="s")
    fast = _rows(engine, QUERIES["applications_per_township_by_year"]["sql"])
    wide = _rows(
        engine,
        "SELECT authority, county, city, province, report_year, t3_new_requests, "
        "t3_total_processed FROM report_wide WHERE level IN ('township', 'street') "
        "ORDER BY province, city, county, authority, report_year",
    )
    assert len(fast) >= 4  # the corpus has townships and streets
    assert fast == wide


_AUTHORITIES = (
    "SELECT a.name, a.level, a.province, a.city, a.county, a.division_code, a.inferred, "
    "p.name FROM authority a LEFT JOIN authority p ON p.id = a.parent_id ORDER BY a.name"
)


def test_a_batch_places_authorities_as_one_by_one_does(
    engine: Engine, keyed_corpus: list[Report]
) -> None:
    """The batch looks its authorities and their parents up in one query (known_authorities)
    instead of one per name: the rows it creates, their places and parent chains, must be
    those the one-report path creates, with one authority already stored beforehand."""
    reports = keyed_corpus
    first, rest = reports[0], reports[1:]
    with session_factory(engine)() as session:
        save_report(session, copy.deepcopy(first), spider="s", portal=None)
        save_reports(session, [copy.deepcopy(r) for r in rest], spider="s")
    batched = _rows(engine, _AUTHORITIES)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM report"))
        connection.execute(text("UPDATE authority SET parent_id = NULL"))
        connection.execute(text("DELETE FROM authority"))
    with session_factory(engine)() as session:
        for report in reports:
            save_report(session, copy.deepcopy(report), spider="s", portal=None)
    assert len(batched) > len({r.authority for r in reports})  # parents were created too
    assert _rows(engine, _AUTHORITIES) == batched
