"""PostgreSQL's batched path writes the children of its new reports without per-row FK checks
(``nianbao.pipelines.db.fk_triggers``), and only where that is safe: the setting never outlives
the batch (not even a failed one), a trigger a deployment added still fires, and a role that may
not skip the checks stores the same reports with them.

The reports are the real corpus texts, parsed, and the 泸定县 2024 seed report.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text

from nianbao.parsers.model import Check, Report
from nianbao.pipelines.db import session_factory
from nianbao.pipelines.db.bulk import save_reports
from nianbao.pipelines.db.fk_triggers import children_of_new_reports

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def _cells(reports: list[Report]) -> int:
    return sum(len(table.cells) for report in reports for table in report.tables.values())


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.scalar(text(sql))


def test_children_stay_referenced_and_the_setting_ends_with_the_batch(
    engine: Engine, keyed_corpus: list[Report], luding_report: Callable[..., Report]
) -> None:
    reports = keyed_corpus
    broken = luding_report()
    broken.checks.append(Check("T3_BALANCE", "maybe", "total"))  # type: ignore[arg-type]
    with session_factory(engine)() as session, session.begin():
        with children_of_new_reports(session) as skipped:
            assert skipped  # the tests' role is a superuser: the fast path is the one tested
        good = save_reports(session, [copy.deepcopy(r) for r in reports], spider="s")
        # A batch whose batched INSERT fails (a status the CHECK refuses, written after the
        # setting) falls back to one by one: with the FK checks on again.
        failed = save_reports(session, [broken], spider="s")
        role = session.scalar(text("SELECT current_setting('session_replication_role')"))
    assert good == ["new"] * len(reports)
    assert isinstance(failed[0], Exception)
    assert role == "origin"
    assert _scalar(engine, "SELECT count(*) FROM cell") == _cells(reports)
    orphans = (
        "SELECT count(*) FROM {0} c LEFT JOIN report r ON r.id = c.report_id WHERE r.id IS NULL"
    )
    for table in ("cell", "check_result", "prose_metric", "report_revision"):
        assert _scalar(engine, orphans.format(table)) == 0, table
    # The constraint itself is still there for every other writer.
    with pytest.raises(Exception, match="foreign key"), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cell (report_id, table_id, family, position, row_key, col_key,"
                " value_source, flags) VALUES (-1, 't3', 't3', 0, 'r', 'c', 'printed', '[]')"
            )
        )


def test_a_trigger_of_the_deployment_still_fires(
    engine: Engine, keyed_corpus: list[Report]
) -> None:
    reports = keyed_corpus
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE cell_audit (report_id integer)"))
        connection.execute(
            text(
                "CREATE FUNCTION audit_cell() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "INSERT INTO cell_audit VALUES (NEW.report_id); RETURN NEW; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER audit AFTER INSERT ON cell"
                " FOR EACH ROW EXECUTE FUNCTION audit_cell()"
            )
        )
    with session_factory(engine)() as session:
        assert save_reports(session, [copy.deepcopy(r) for r in reports], spider="s") == [
            "new"
        ] * len(reports)
    assert _scalar(engine, "SELECT count(*) FROM cell_audit") == _cells(reports) > 0


def test_a_role_that_may_not_skip_the_checks_stores_the_same(
    engine: Engine, keyed_corpus: list[Report]
) -> None:
    reports = keyed_corpus
    role = f"nianbao_writer_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        connection.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
        connection.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    try:
        with session_factory(engine)() as session, session.begin():
            session.execute(text(f"SET LOCAL ROLE {role}"))
            with children_of_new_reports(session) as skipped:
                assert not skipped
            outcomes = save_reports(session, [copy.deepcopy(r) for r in reports], spider="s")
        assert outcomes == ["new"] * len(reports)
        assert _scalar(engine, "SELECT count(*) FROM cell") == _cells(reports)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE {role}"))
