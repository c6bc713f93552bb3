"""The report database on SQLite and PostgreSQL: migrations, upserts, round trips, plain SQL.

Every test takes ``db_url`` and so runs once per engine (see tests/conftest.py). Reports are the
seed 泸定县 2024 report and the all-zero tables of seeds 000 and 001, built by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, PrimaryKeyConstraint, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from nianbao.parsers.model import Check, Report
from nianbao.pipelines.db import (
    UnkeyedReport,
    canonical_authority,
    current_revision,
    head_revision,
    load_report,
    make_engine,
    save_report,
    session_factory,
    summary_rows,
    upgrade,
)
from nianbao.pipelines.db import rows as report_rows
from nianbao.pipelines.db.models import Base, CellRow, CheckResultRow, ProseMetricRow

if TYPE_CHECKING:
    from conftest import LudingSeed

LUDING = "泸定县人民政府"
#: The newest migration: 0002 (reports), then what later issues add on top (nightly01, issue 8).
HEAD = head_revision()
CELLS_LUDING = 10 + 25 * 7 + 15  # table 二 + 三 + 四 as printed


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the empty test database (no schema yet)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    upgrade(engine)
    return session_factory(engine)


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def cell_value(engine: Engine, row_key: str, col_key: str, authority: str = LUDING) -> object:
    """One stored value, read with plain SQL as an analyst would."""
    return scalar(
        engine,
        "SELECT c.value FROM cell c JOIN report r ON r.id = c.report_id "
        "JOIN authority a ON a.id = r.authority_id "
        "WHERE a.name = :authority AND c.row_key = :row AND c.col_key = :col",
        authority=authority,
        row=row_key,
        col=col_key,
    )


def save(sessions: sessionmaker[Session], report: Report, **kwargs: str | None) -> str:
    with sessions() as session:
        return save_report(
            session, report, spider=kwargs.get("spider", "luding"), portal=kwargs.get("portal")
        )


def report_row(engine: Engine) -> dict[str, object]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM report")).mappings().all()
    assert len(rows) == 1, rows
    return dict(rows[0])


# --- Schema -------------------------------------------------------------------------------


def test_fresh_database_gets_schema_from_migration(engine: Engine) -> None:
    assert inspect(engine).get_table_names() == []
    assert current_revision(engine) is None

    upgrade(engine)

    assert current_revision(engine) == HEAD
    assert set(inspect(engine).get_table_names()) >= {
        "alembic_version",
        "authority",
        "report",
        "report_revision",
        "cell",
        "check_result",
        "prose_metric",
        "page_seen",
        "crawl_run",
        "crawl_run_spider",
    }
    assert set(inspect(engine).get_view_names()) >= {"report_wide", "report_value", "report_check"}
    # The ORM classes describe exactly what the migration built (types, nullability, indexes).
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    indexes = {
        index["name"]: index["column_names"] for index in inspect(engine).get_indexes("cell")
    }
    assert indexes["ix_cell_summary"] == ["family", "report_id", "row_key", "col_key"]
    assert "ix_cell_family_row_key_col_key" not in indexes  # dropped by 0009
    # ... and constraints carry the names the naming convention gives (later revisions drop or
    # alter them by name).
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        declared = {
            constraint.name
            for constraint in table.constraints
            if not isinstance(constraint, PrimaryKeyConstraint)
        }
        found = {c["name"] for c in inspector.get_unique_constraints(table.name)}
        found |= {c["name"] for c in inspector.get_check_constraints(table.name)}
        found |= {c["name"] for c in inspector.get_foreign_keys(table.name)}
        assert found == declared, table.name

    upgrade(engine)  # a second run is a no-op
    assert current_revision(engine) == HEAD


def test_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        assert engine.pool._pre_ping  # type: ignore[attr-defined]
        return
    assert scalar(engine, "PRAGMA journal_mode") == "wal"
    assert scalar(engine, "PRAGMA foreign_keys") == 1


# --- Save: new / unchanged / updated --------------------------------------------------------


def test_save_new_then_unchanged(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    assert save(sessions, luding_report(), portal="泸定县人民政府") == "new"
    first = report_row(engine)
    assert first["violations"] == 0
    assert scalar(engine, "SELECT count(*) FROM cell") == CELLS_LUDING

    assert save(sessions, luding_report(), portal="泸定县人民政府") == "unchanged"
    second = report_row(engine)
    assert second["id"] == first["id"]
    assert second["updated_at"] == first["updated_at"]
    assert second["last_seen"] > first["last_seen"]  # type: ignore[operator]
    assert scalar(engine, "SELECT count(*) FROM cell") == CELLS_LUDING
    assert scalar(engine, "SELECT count(*) FROM authority WHERE NOT inferred") == 1
    assert scalar(engine, "SELECT portal FROM authority WHERE NOT inferred") == "泸定县人民政府"


def test_changed_cells_update_the_row_in_place(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    # First crawl: table 四's padding cell read as a value, every printed value shifted right.
    misread = luding_report(t4_padding_misread=True)
    assert save(sessions, misread) == "new"
    before = report_row(engine)
    assert before["violations"] == 5  # three T4_GROUP_TOTAL, X_PROSE_REVIEW, X_PROSE_LITIGATION
    assert cell_value(engine, "litigation_after_review", "upheld") == 0
    assert cell_value(engine, "litigation_direct", "upheld") == 6
    assert scalar(engine, "SELECT count(*) FROM check_result WHERE status = 'fail'") == 5

    # Re-crawl with the fixed parser: same page, same hash, different cells.
    assert save(sessions, luding_report()) == "updated"
    after = report_row(engine)
    assert after["id"] == before["id"]
    assert after["first_seen"] == before["first_seen"]
    assert after["updated_at"] > before["updated_at"]  # type: ignore[operator]
    assert after["violations"] == 0
    assert after["warnings"] in ([], "[]")
    assert scalar(engine, "SELECT count(*) FROM report") == 1
    assert scalar(engine, "SELECT count(*) FROM cell") == CELLS_LUDING
    assert scalar(engine, "SELECT count(*) FROM check_result WHERE status = 'fail'") == 0
    assert cell_value(engine, "review", "upheld") == 5
    assert cell_value(engine, "review", "total") == 6
    assert cell_value(engine, "litigation_after_review", "corrected") == 1
    assert cell_value(engine, "litigation_after_review", "total") == 1
    assert cell_value(engine, "litigation_direct", "upheld") == 0


@pytest.mark.parametrize("spelling", ["泸定县政府", "泸定县人民政府", " 泸定县\u3000人民政府 "])
def test_short_and_full_government_names_are_one_authority(
    engine: Engine,
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    spelling: str,
) -> None:
    assert canonical_authority(spelling) == LUDING
    assert save(sessions, luding_report()) == "new"
    report = luding_report()
    report.authority = spelling
    assert save(sessions, report) == "unchanged"
    assert scalar(engine, "SELECT count(*) FROM authority WHERE NOT inferred") == 1
    assert scalar(engine, "SELECT name FROM authority WHERE NOT inferred") == LUDING
    with sessions() as session:
        assert load_report(session, "泸定县政府", 2024) is not None


def test_canonical_authority_leaves_other_names_alone(sessions: sessionmaker[Session]) -> None:
    # Only a governing body's name is expanded; departments and offices keep their names.
    assert canonical_authority("渔洋镇政府") == "渔洋镇人民政府"
    assert canonical_authority("邙岭镇政府") == "邙岭镇人民政府"
    assert canonical_authority("泸定县人民政府办公室") == "泸定县人民政府办公室"
    assert canonical_authority("数字政府") == "数字政府"
    assert canonical_authority("渔洋镇") == "渔洋镇人民政府"  # a bare place is its government
    with sessions() as session:
        assert load_report(session, "渔洋镇政府", 2024) is None


# --- Reading back ---------------------------------------------------------------------------


def test_round_trip_rebuilds_the_report(
    sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    report = luding_report(t4_padding_misread=True)  # with failed checks and warnings
    save(sessions, report)
    with sessions() as session:
        loaded = load_report(session, LUDING, 2024)
    assert loaded == report
    assert loaded is not None
    assert loaded.to_dict() == report.to_dict()
    cell = loaded.tables["t4"].cells[("review", "upheld")]
    assert (cell.value, cell.raw, cell.source) == (0, None, "blank_zero")
    assert type(loaded.tables["t3"].value("new_requests", "total")) is int


def test_decimal_round_trips_exactly(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    raw = cell_value(engine, "fees", "amount_wan_yuan")
    # PostgreSQL returns Decimal('204.92000'); SQLite returns its REAL, which reads back exactly.
    assert Decimal(str(raw)) == Decimal("204.92")
    with sessions() as session:
        loaded = load_report(session, LUDING, 2024)
    assert loaded is not None
    value = loaded.tables["t2"].value("fees", "amount_wan_yuan")
    assert isinstance(value, Decimal)
    assert value == Decimal("204.92")
    assert str(value) == "204.92"


def test_json_columns_hold_chinese_as_itself(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    report = luding_report()
    save(sessions, report)
    stored = str(scalar(engine, "SELECT CAST(sections AS TEXT) FROM report"))
    words = re.search(r"[\u4e00-\u9fff]{4,}", "".join(report.sections.values()))
    assert words is not None
    assert words.group() in stored  # as itself, not escaped
    assert "\\u" not in stored


def test_plain_sql_reads_cells(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    assert cell_value(engine, "new_requests", "total") == 34
    assert cell_value(engine, "new_requests", "natural_person") == 31
    assert cell_value(engine, "licensing", "decisions") == 15889
    address = scalar(
        engine,
        "SELECT table_id || ':' || row_key || ':' || col_key FROM cell "
        "WHERE row_key = 'denied.enforcement_file' AND col_key = 'total'",
    )
    assert address == "t3_2021:denied.enforcement_file:total"


def test_stored_cells_are_the_numbers_printed_in_the_seed(
    engine: Engine,
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    luding_seed: LudingSeed,
) -> None:
    """Guard against invented numbers: compare what is stored with the seed file itself."""
    assert luding_seed.path.exists(), f"seed file {luding_seed.path} missing (NIANBAO_SHARED)"
    save(sessions, luding_report())
    lines = luding_seed.path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("三、收到和处理"))
    numbers = [[int(token) for token in re.findall(r"(?<=\| )\d+(?= \|)", line)] for line in lines]
    t3_rows = [row[-7:] for row in numbers[start:] if len(row) >= 7][: len(luding_seed.t3_rows)]
    t4_row = next(row for row in numbers if len(row) == 15)
    assert tuple(t4_row) == luding_seed.t4_values
    with engine.connect() as connection:
        stored = {
            (row.row_key, row.col_key): row.value
            for row in connection.execute(text("SELECT row_key, col_key, value FROM cell"))
        }
    for (row_key, _), printed in zip(luding_seed.t3_rows, t3_rows, strict=True):
        assert [stored[(row_key, col)] for col in luding_seed.t3_columns] == printed, row_key
    assert [stored[key] for key in luding_seed.t4_order] == t4_row


def test_aggregate_across_reports_and_formats(
    engine: Engine,
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    save(sessions, luding_report())
    save(sessions, zero_t3_report("渔洋镇人民政府", 2024, "t3_2021"))
    save(sessions, zero_t3_report("邙岭镇人民政府", 2020, "t3_2019"))
    with engine.connect() as connection:
        count, total, people = connection.execute(
            text(
                "SELECT count(*), sum(CASE WHEN col_key = 'total' THEN value END), "
                "sum(CASE WHEN col_key = 'natural_person' THEN value END) "
                "FROM cell WHERE family = 't3' AND row_key = 'new_requests'"
            )
        ).one()
        by_year = dict(
            connection.execute(
                text(
                    "SELECT r.report_year, sum(c.value) FROM cell c "
                    "JOIN report r ON r.id = c.report_id "
                    "WHERE c.family = 't3' AND c.row_key = 'new_requests' AND c.col_key = 'total' "
                    "GROUP BY r.report_year"
                )
            ).all()
        )
    assert count == 3 * 7  # three reports, t3_2021 and t3_2019 alike
    assert (total, people) == (34, 31)
    assert by_year == {2020: 0, 2024: 34}


def test_summary_rows(
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    save(sessions, luding_report(t4_padding_misread=True))
    save(sessions, zero_t3_report("邙岭镇人民政府", 2020, "t3_2019"))
    with sessions() as session:
        rows = summary_rows(session)
    assert [(row["authority"], row["year"]) for row in rows] == [
        (LUDING, 2024),
        ("邙岭镇人民政府", 2020),
    ]
    luding, mangling = rows
    assert luding["format"] == "f2021"
    assert luding["tables"] == "t2,t3,t4"
    assert luding["cells"] == CELLS_LUDING
    assert (luding["violations"], luding["warnings"]) == (5, 5)
    # Five failed checks, of how many distinct rules, as the check table says.
    with sessions() as session:
        failed_rules = session.scalars(
            select(CheckResultRow.rule_id).where(CheckResultRow.status == "fail").distinct()
        ).all()
    assert luding["rules_broken"] == len(failed_rules) < 5
    assert len(luding["warning_codes"]) == 5
    assert (mangling["format"], mangling["tables"], mangling["cells"]) == ("f2019", "t3", 23 * 7)
    assert (mangling["violations"], mangling["rules_broken"], mangling["warnings"]) == (0, 0, 0)


def test_summary_rows_for_given_spiders(
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    save(sessions, luding_report(), spider="sichuan_luding")
    save(sessions, zero_t3_report("邙岭镇人民政府", 2020, "t3_2019"), spider="other")
    with sessions() as session:
        rows = summary_rows(session, spiders=["sichuan_luding"])
    assert [(row["authority"], row["year"]) for row in rows] == [(LUDING, 2024)]


def test_worse_reading_never_replaces_a_stored_report(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    """A truncated re-crawl of the same page (table 四 lost) keeps the stored reading."""
    assert save(sessions, luding_report()) == "new"
    truncated = luding_report()
    del truncated.tables["t4"]
    truncated.content_sha256 = "0" * 64
    assert save(sessions, truncated) == "kept_stored"
    assert scalar(engine, "SELECT count(*) FROM cell") == CELLS_LUDING
    assert cell_value(engine, "review", "total") == 6


def test_deleting_a_report_cascades_to_its_rows(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM report"))
    for table in ("cell", "check_result", "prose_metric"):
        assert scalar(engine, f"SELECT count(*) FROM {table}") == 0


# --- Refusals and failures ------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["report_year", "authority"])
def test_unkeyed_report_is_refused_before_writing(
    engine: Engine,
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    missing: str,
) -> None:
    report = luding_report()
    setattr(report, missing, None)
    with pytest.raises(UnkeyedReport, match=missing), sessions() as session:
        save_report(session, report, spider="luding", portal=None)
    assert scalar(engine, "SELECT count(*) FROM authority") == 0
    assert scalar(engine, "SELECT count(*) FROM report") == 0


def _assert_correct_version_stored(engine: Engine, sessions: sessionmaker[Session]) -> None:
    assert scalar(engine, "SELECT count(*) FROM report") == 1
    assert scalar(engine, "SELECT count(*) FROM cell") == CELLS_LUDING
    assert scalar(engine, "SELECT count(*) FROM prose_metric") == 8
    assert report_row(engine)["violations"] == 0
    assert cell_value(engine, "review", "upheld") == 5
    with sessions() as session:
        assert load_report(session, LUDING, 2024) is not None


def test_failure_after_cells_are_written_keeps_the_previous_version(
    engine: Engine,
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save(sessions, luding_report())
    stored = report_row(engine)

    def explode(report: Report) -> list[dict[str, object]]:
        raise RuntimeError("disk full while writing prose metrics")

    # Cells and checks are deleted and re-inserted first; the prose step then fails.
    children = [(model, build) for model, build in report_rows.CHILDREN]
    assert children[0][0] is CellRow and children[-1][0] is ProseMetricRow
    children[-1] = (ProseMetricRow, explode)
    monkeypatch.setattr(report_rows, "CHILDREN", tuple(children))
    with pytest.raises(RuntimeError, match="disk full"):
        save(sessions, luding_report(t4_padding_misread=True))

    _assert_correct_version_stored(engine, sessions)
    assert report_row(engine)["last_seen"] == stored["last_seen"]


def test_database_error_mid_save_keeps_the_previous_version(
    engine: Engine, sessions: sessionmaker[Session], luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    # A re-read of the same page that ranks as high (its text changed), so it is written over
    # the stored reading, and fails half-way.
    broken = luding_report()
    broken.content_sha256 = "2" * 64
    broken.checks.append(Check("T4_GROUP_TOTAL", "maybe", "review"))  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):  # CHECK (status IN ...), after the cells went in
        save(sessions, broken)
    _assert_correct_version_stored(engine, sessions)


def test_savepoint_inside_a_callers_transaction(
    engine: Engine,
    sessions: sessionmaker[Session],
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    """A batch caller may save several reports in one transaction; a bad one costs only itself."""
    broken = zero_t3_report("渔洋镇人民政府", 2024, "t3_2021")
    broken.checks.append(Check("T3_BALANCE", "maybe", "total"))  # type: ignore[arg-type]
    with sessions() as session, session.begin():
        assert save_report(session, luding_report(), spider=None, portal=None) == "new"
        with pytest.raises(IntegrityError):
            save_report(session, broken, spider=None, portal=None)
    assert scalar(engine, "SELECT count(*) FROM report") == 1
    _assert_correct_version_stored(engine, sessions)
