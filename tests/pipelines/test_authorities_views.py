"""Authorities in the 行政区划, the analyst views, and migrating a database made by 0001.

Names are those printed in the seeds and the corpus (shared/seeds/README.md,
shared/corpus/README.md); the 行政区划代码 are the official six-digit codes of those places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from nianbao.parsers.model import Cell, Report
from nianbao.parsers.scope import report_scope
from nianbao.pipelines.db import (
    current_revision,
    downgrade,
    make_engine,
    session_factory,
    upgrade,
)
from nianbao.pipelines.db.divisions import classify
from nianbao.pipelines.db.repository import save_report


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    upgrade(engine)
    return session_factory(engine)


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


# --- Classification (no database) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "level", "code", "parent"),
    [
        ("泸定县人民政府", "county", "513322", "甘孜藏族自治州人民政府"),
        ("凉州区四坝镇人民政府", "township", "620602", "凉州区人民政府"),
        ("重庆市九龙坡区二郎街道办事处", "street", "500107", "九龙坡区人民政府"),
        ("义乌市廿三里街道办事处", "street", "330782", "义乌市人民政府"),
        ("威海市文登区信访局", "department", "371003", "文登区人民政府"),
        ("上海市人民政府办公厅", "department", "310000", "上海市人民政府"),
        ("宿迁市人民政府", "city", "321300", "江苏省人民政府"),
        ("淮安市洪泽区人民政府", "county", "320813", "淮安市人民政府"),
        ("耒阳市马水镇人民政府", "township", "430481", "耒阳市人民政府"),
        ("甘孜藏族自治州人民政府", "city", "513300", "四川省人民政府"),
        ("四川省人民政府", "province", "510000", None),
    ],
)
def test_level_code_and_parent_from_the_name(
    name: str, level: str, code: str, parent: str | None
) -> None:
    facts = classify(name)
    assert (facts.level, facts.region.code, facts.parent) == (level, code, parent)
    assert facts.region_source == "name"


def test_a_bare_township_takes_its_region_from_the_portal_or_publisher() -> None:
    # Seed 000: 渔洋镇 on the portal of 长阳土家族自治县 (宜昌, Hubei).
    facts = classify("渔洋镇人民政府", portal="长阳土家族自治县人民政府")
    assert (facts.level, facts.region.code, facts.region_source) == ("township", "420528", "portal")
    assert facts.parent == "长阳土家族自治县人民政府"
    # Seed 004: 劳动镇, 乐至县.
    facts = classify("劳动镇人民政府", publisher="乐至县劳动镇人民政府")
    assert (facts.region.county, facts.region_source) == ("乐至县", "publisher")
    # Without a hint nothing is guessed (邙岭镇: seed 001).
    facts = classify("邙岭镇人民政府")
    assert (facts.level, facts.region.code, facts.parent) == ("township", None, None)


def test_scope_is_aggregate_only_on_explicit_cues(shared_texts: list[str]) -> None:
    assert all(report_scope(text) == "self" for text in shared_texts)
    assert report_scope("本报告由市政府办公厅根据全市各级行政机关年度报告汇总编制。") == "aggregate"


@pytest.fixture
def shared_texts(shared: object) -> list[str]:
    from pathlib import Path

    root = Path(str(shared))
    files = sorted((root / "seeds").glob("*.txt")) + sorted((root / "corpus/texts").glob("*.txt"))
    assert len(files) >= 18
    return [path.read_text(encoding="utf-8") for path in files]


# --- Stored authorities ------------------------------------------------------------------------


def test_parents_are_stored_once_and_adopted_by_their_own_reports(
    sessions: sessionmaker[Session],
    engine: Engine,
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    with sessions() as session:
        save_report(session, luding_report(), spider="a", portal="泸定县人民政府")
        save_report(
            session, zero_t3_report("甘孜州人民政府", 2024, "t3_2021"), spider="b", portal=None
        )
    found = {
        name: (level, code, parent, bool(inferred))
        for name, level, code, parent, inferred in rows(
            engine,
            "SELECT a.name, a.level, a.division_code, p.name, a.inferred FROM authority a "
            "LEFT JOIN authority p ON p.id = a.parent_id",
        )
    }
    assert found == {
        "四川省人民政府": ("province", "510000", None, True),
        "甘孜藏族自治州人民政府": ("city", "513300", "四川省人民政府", True),
        "泸定县人民政府": ("county", "513322", "甘孜藏族自治州人民政府", False),
        # cpca does not know the short 甘孜州: a city by its ending, no code, no parent.
        "甘孜州人民政府": ("city", None, None, False),
    }
    # A city report under cpca's own name takes over the inferred row instead of a second one.
    with sessions() as session:
        save_report(
            session,
            zero_t3_report("甘孜藏族自治州人民政府", 2024, "t3_2021"),
            spider="b",
            portal=None,
        )
    assert rows(
        engine,
        "SELECT count(*), max(CASE WHEN inferred THEN 1 ELSE 0 END) FROM authority "
        "WHERE division_code = '513300'",
    ) == [(1, 0)]


# --- Views ---------------------------------------------------------------------------------


def test_report_wide_has_the_table_totals(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    with sessions() as session:
        save_report(session, luding_report(), spider="a", portal="泸定县人民政府")
    wide = rows(
        engine,
        "SELECT authority, level, province, division_code, report_year, scope, t3_new_requests, "
        "t3_granted, t3_partially_granted, t3_denied, t3_unable, t3_not_processed, "
        "t3_total_processed, t3_carried_forward, t4_review_upheld, t4_review_total, "
        "t4_litigation_direct_total, t4_litigation_after_review_corrected, "
        "t4_litigation_after_review_total FROM report_wide",
    )
    # Seed 002, table 三 总计 column: 新收 34, 予以公开 15, 部分公开 6, 不予公开 1+3+1,
    # 无法提供 8, 不予处理 0, 总计 34, 结转 0; table 四: 复议 维持 5 总计 6, 直接起诉 0,
    # 复议后起诉 纠正 1 总计 1.
    assert [tuple(int(v) if isinstance(v, Decimal) else v for v in row) for row in wide] == [
        (
            "泸定县人民政府",
            "county",
            "四川省",
            "513322",
            2024,
            "self",
            34,
            15,
            6,
            5,
            8,
            0,
            34,
            0,
            5,
            6,
            0,
            1,
            1,
        )
    ]


def test_report_value_has_prose_and_derived_values_with_provenance(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    report = luding_report()
    # A blank 总计 as printed: no value, the sum derived beside it.
    report.tables["t3"].cells[("granted", "total")] = Cell(
        "granted", "total", None, None, "missing", derived=15, flags=["total_derived"]
    )
    with sessions() as session:
        save_report(session, report, spider="a", portal=None)
    assert rows(
        engine,
        "SELECT value, value_derived, provenance FROM report_value "
        "WHERE row_key = 'granted' AND col_key = 'total'",
    ) == [(None, 15, "derived")]
    prose = rows(
        engine,
        "SELECT row_key, value, provenance FROM report_value WHERE family = 'prose' "
        "AND row_key IN ('requests_received', 'review_cases') ORDER BY row_key",
    )
    assert [(key, int(value), source) for key, value, source in prose] == [
        ("requests_received", 34, "prose"),
        ("review_cases", 6, "prose"),
    ]
    assert rows(
        engine,
        "SELECT count(*) FROM report_value WHERE provenance = 'printed' AND family = 't3'",
    ) == [(25 * 7 - 1,)]


def test_report_check_lists_broken_rules(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    with sessions() as session:
        save_report(session, luding_report(t4_padding_misread=True), spider="a", portal=None)
    failed = rows(
        engine,
        "SELECT rule_id, binding FROM report_check WHERE status = 'fail' "
        "AND rule_id = 'T4_GROUP_TOTAL' ORDER BY binding",
    )
    assert failed == [
        ("T4_GROUP_TOTAL", "litigation_after_review"),
        ("T4_GROUP_TOTAL", "litigation_direct"),
        ("T4_GROUP_TOTAL", "review"),
    ]


# --- Migrating data made by 0001 -----------------------------------------------------------


def test_upgrade_from_0001_keeps_the_stored_reports(
    engine: Engine, luding_report: Callable[..., Report]
) -> None:
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO authority (id, name, level) VALUES (1, '泸定县人民政府', 'county')")
        )
        connection.execute(
            text(
                "INSERT INTO report (id, authority_id, report_year, source_url, variants, "
                "table_meta, sections, first_seen, last_seen, updated_at, violations, warnings) "
                "VALUES (1, 1, 2024, :url, '{}', '{}', '{}', :t, :t, :t, 0, '[]')"
            ),
            {"url": "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321", "t": "2025-01-20"},
        )
        connection.execute(
            text(
                "INSERT INTO cell (report_id, table_id, family, position, row_key, col_key, "
                "value, value_source, flags) VALUES (1, 't3_2021', 't3', 0, 'new_requests', "
                "'total', 34, 'printed', '[]')"
            )
        )
    upgrade(engine)
    assert rows(engine, "SELECT scope, revision FROM report") == [("self", 1)]
    assert rows(engine, "SELECT number, status, cells, note FROM report_revision") == [
        (1, "current", 1, "migrated")
    ]
    assert rows(engine, "SELECT authority, t3_new_requests FROM report_wide") == [
        ("泸定县人民政府", 34)
    ]
    with engine.connect() as connection:
        urls = connection.execute(text("SELECT source_urls FROM report")).scalar_one()
    assert "ldxrmzf2024zfnbzf/article/633321" in str(urls)

    # The authority stored before 0002 is placed in the 行政区划 on its next save.
    with session_factory(engine)() as session:
        save_report(session, luding_report(), spider="sichuan_luding", portal=None)
    assert rows(engine, "SELECT level, division_code FROM authority WHERE id = 1") == [
        ("county", "513322")
    ]
    assert rows(engine, "SELECT count(*) FROM report") == [(1,)]

    # And back: 0002 downgrades to the 0001 schema, the report still there.
    downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert rows(engine, "SELECT report_year FROM report") == [(2024,)]


def test_a_later_migration_can_rebuild_a_table_the_views_read(
    tmp_path: Path, luding_report: Callable[..., Report]
) -> None:
    """SQLite batch mode (what later migrations use there) rebuilds a table and renames it
    back; the views reading it must not stop that. PostgreSQL alters tables in place."""
    import sqlalchemy as sa
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from nianbao.pipelines.db.engine import _migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'rebuild.db'}")
    upgrade(engine)
    with session_factory(engine)() as session:
        save_report(session, luding_report(), spider="a", portal=None)

    def rebuild(config: object) -> None:
        connection = config.attributes["connection"]  # type: ignore[attr-defined]
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("report", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        with operations.batch_alter_table("cell", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text(), nullable=True))

    _migrate(engine, rebuild)
    assert rows(engine, "SELECT authority, t3_new_requests FROM report_wide") == [
        ("泸定县人民政府", 34)
    ]
    assert rows(engine, "PRAGMA foreign_keys") == [(1,)]
    engine.dispose()


def test_statistics_let_sqlite_join_cells_by_report(
    tmp_path: Path, zero_t3_report: Callable[[str, int, str], Report]
) -> None:
    """An analyst's join of report and cell reads each report's cells through an index that
    seeks the report (0009's ix_cell_summary), before ANALYZE (run when a
    crawl closes) as after it, instead of every matching cell for each report."""
    from nianbao.pipelines.db import analyze

    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    with session_factory(engine)() as session:
        for number in range(300):  # more reports than cells per report
            save_report(
                session,
                zero_t3_report(f"渔洋{number}镇人民政府", 2024, "t3_2021"),
                spider="x",
                portal=None,
            )
    join = (
        "EXPLAIN QUERY PLAN SELECT r.report_year, c.value FROM report r "
        "LEFT JOIN cell c ON c.report_id = r.id AND c.family = 't3' "
        "AND c.row_key = 'new_requests' AND c.col_key = 'total'"
    )
    before = " ".join(str(row) for row in rows(engine, join))
    analyze(engine)
    after = " ".join(str(row) for row in rows(engine, join))
    engine.dispose()
    for plan in (before, after):
        assert "USING INDEX ix_cell_summary (family=? AND report_id=?" in plan, plan


def test_failed_checks_of_one_rule_are_read_from_the_failures_index(
    tmp_path: Path, zero_t3_report: Callable[[str, int, str], Report]
) -> None:
    """The rule queries ask for one rule's failures across reports: migration 0009's partial
    index holds only failures, so they are a seek, not a scan of every passed check."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    with session_factory(engine)() as session:
        for number in range(50):
            save_report(
                session,
                zero_t3_report(f"渔洋{number}镇人民政府", 2024, "t3_2021"),
                spider="x",
                portal=None,
            )
    plan = " ".join(
        str(row)
        for row in rows(
            engine,
            "EXPLAIN QUERY PLAN SELECT report_id FROM check_result "
            "WHERE rule_id = 'T3_BALANCE' AND status = 'fail'",
        )
    )
    engine.dispose()
    assert "USING INDEX ix_check_result_failed (rule_id=?)" in plan, plan
