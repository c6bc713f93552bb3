"""Uncertain cells keep their mark in the database (migration 0005), on both engines.

上海市人民政府办公厅's 2025 report (corpus 013) prints table 二's first rows as loose lines and
pipe rows with only two numbers: the parser marks the cells whose placement the page does not
decide. Stored, each keeps its reason in ``cell.uncertain``; ``report_value`` shows it per cell
and ``report_wide`` counts them per report, so an analyst never reads them as exact.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from nianbao.parsers import parse_path
from nianbao.pipelines.db import load_report, make_engine, save_report, session_factory, upgrade


def test_uncertain_marks_are_stored_and_shown(db_url: str, shared: Path) -> None:
    report = parse_path(shared / "corpus/texts/013_shanghai_bgt_2025.txt")
    marked = {
        (table.variant, cell.row, cell.col): cell.uncertain
        for table in report.tables.values()
        for cell in table.cells.values()
        if cell.uncertain
    }
    assert marked, "013 is the corpus report whose table 二 the page leaves ambiguous"
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as session:
        save_report(session, report, spider="test", portal=None)
    with engine.connect() as connection:
        stored = {
            (table_id, row, col): reason
            for table_id, row, col, reason in connection.execute(
                text(
                    "SELECT table_id, row_key, col_key, uncertain FROM report_value "
                    "WHERE uncertain IS NOT NULL"
                )
            )
        }
        counted = connection.execute(text("SELECT uncertain_cells FROM report_wide")).scalar()
    with session_factory(engine)() as session:
        reloaded = load_report(session, report.authority, report.report_year)
    engine.dispose()
    assert stored == marked
    assert counted == len(marked)
    assert reloaded is not None
    assert {
        (table.variant, cell.row, cell.col): cell.uncertain
        for table in reloaded.tables.values()
        for cell in table.cells.values()
        if cell.uncertain
    } == marked
