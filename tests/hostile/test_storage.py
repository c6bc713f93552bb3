"""Hostile names store the same on SQLite and PostgreSQL: NUL and control characters, lone
surrogates, compatibility ideographs and names past their column, which PostgreSQL refused
(and SQLite took) before they were cleaned.

The report is the 泸定县 2024 seed report (tests/conftest.py); only its names are made hostile.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from nianbao.parsers.metadata import canonical_authority
from nianbao.parsers.model import Report
from nianbao.pipelines.db import session_factory
from nianbao.pipelines.db.load import load_report
from nianbao.pipelines.db.repository import save_report
from nianbao.pipelines.db.text import AUTHORITY_CHARS, SPIDER_CHARS, storable

LUDING = "泸定县人民政府"

#: Spelling of the real name -> the name it must be stored as, on both engines.
HOSTILE_NAMES = {
    "泸定县\x00人民政府": LUDING,  # NUL (PostgreSQL: "string literal cannot contain NUL")
    "泸定县\x1b[31m人民政府\x7f": "泸定县[31m人民政府",  # ANSI escape and DEL
    "泸定县人民\u0085政府": LUDING,  # C1 control (NEL)
    "泸定县人民政\ud800府": "泸定县人民政\ufffd府",  # a lone surrogate: not UTF-8 at all
    "泸\uf9f4定县人民政府": "泸林定县人民政府",  # U+F9F4, a compatibility ideograph (NFC: 林)
}


NAME = "SELECT a.name FROM report r JOIN authority a ON a.id = r.authority_id"


def _stored(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


@pytest.mark.parametrize("spelling", sorted(HOSTILE_NAMES))
def test_a_hostile_name_is_stored_cleaned(
    engine: Engine, luding_report: Callable[..., Report], spelling: str
) -> None:
    report = luding_report()
    report.authority = spelling
    report.title = f"{spelling}2024年政府信息公开工作年度报告"
    report.text = report.text + "\x00"
    with session_factory(engine)() as session:
        assert save_report(session, report, spider="sichuan\x00_luding", portal=spelling) == "new"
    expected = HOSTILE_NAMES[spelling]
    assert _stored(engine, NAME) == [(expected,)]
    assert _stored(engine, "SELECT spider FROM report") == [("sichuan_luding",)]
    with session_factory(engine)() as session:
        loaded = load_report(session, expected, 2024)
    assert loaded is not None
    assert "\x00" not in loaded.text and "\x00" not in (loaded.title or "")
    assert len(loaded.tables["t3"].cells) == len(luding_report().tables["t3"].cells)


def test_a_name_past_its_column_is_cut_and_warned(
    engine: Engine, luding_report: Callable[..., Report]
) -> None:
    report = luding_report()
    report.authority = "泸定县" + "人民政府办公室" * 43  # 304 characters
    with session_factory(engine)() as session:
        assert save_report(session, report, spider="s" * 150, portal=None) == "new"
    ((name,),) = _stored(engine, NAME)
    assert len(name) == AUTHORITY_CHARS and name.startswith("泸定县人民政府办公室")
    assert _stored(engine, "SELECT spider FROM report") == [("s" * SPIDER_CHARS,)]
    ((warnings,),) = _stored(engine, "SELECT warnings FROM report")
    assert "authority_truncated" in str(warnings)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(noise=st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=12))
def test_any_characters_in_a_name_store_on_both_engines(
    engine: Engine, luding_report: Callable[..., Report], noise: str
) -> None:
    """Whatever a page puts in the name, the save succeeds and keeps what :func:`storable`
    keeps: the two engines cannot disagree."""
    report = luding_report()
    report.authority = f"泸定县{noise}人民政府"
    with session_factory(engine)() as session:
        outcome = save_report(session, report, spider="sichuan_luding", portal=None)
        assert outcome in ("new", "unchanged", "updated")
        names = [row[0] for row in session.execute(text(NAME))]
        session.execute(text("DELETE FROM report_revision"))
        session.execute(text("DELETE FROM cell"))
        session.execute(text("DELETE FROM check_result"))
        session.execute(text("DELETE FROM prose_metric"))
        session.execute(text("DELETE FROM report"))
        session.commit()
    assert names == [canonical_authority(storable(f"泸定县{noise}人民政府"))[:AUTHORITY_CHARS]]


@given(st.lists(st.text(), max_size=6))
def test_a_report_s_short_texts_are_judged_clean_together_as_one_by_one(parts: list[str]) -> None:
    """The store looks at a report's cells, checks and sections joined before cleaning them
    one by one: joined, they are clean exactly when each one is."""
    from nianbao.pipelines.db.text import _all_storable

    assert _all_storable(parts) == all(storable(part) == part for part in parts)


def test_hostile_cells_and_sections_store_cleaned_in_a_batch(
    engine: Engine, luding_report: Callable[..., Report]
) -> None:
    """One cell printed with a NUL, a section with a lone surrogate: the batch stores both
    cleaned on either engine (PostgreSQL refused them raw), the other cells as printed."""
    from nianbao.pipelines.db.bulk import save_reports

    report = luding_report()
    table = report.tables["t3"]
    key, cell = next(iter(table.cells.items()))
    expected = cell.raw
    cell.raw = f"{cell.raw}\x00"
    section = next(iter(report.sections))
    report.sections[section] = "公开\ud800"
    printed = {k: c.raw for k, c in table.cells.items() if k != key}
    with session_factory(engine)() as session:
        assert save_reports(session, [report], spider="s") == ["new"]
    with session_factory(engine)() as session:
        stored = load_report(session, LUDING, 2024)
    assert stored is not None
    assert stored.tables["t3"].cells[key].raw == expected
    assert stored.sections[section] == "公开\ufffd"
    assert {k: c.raw for k, c in stored.tables["t3"].cells.items() if k != key} == printed
