"""Two writers on one PostgreSQL database create the same authority at the same moment (two
scale-out workers storing reports of one township): the second insert waits for the first
transaction, then meets its row. The batch that lost the race must still store its report,
under the row the other writer created, and the other writer's report must stay."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from nianbao.parsers.model import Report
from nianbao.pipelines.db import make_engine, session_factory, upgrade
from nianbao.pipelines.db.authorities import find_or_create_authority
from nianbao.pipelines.db.bulk import save_reports
from nianbao.pipelines.db.models import AuthorityRow, ReportRow


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_batch_that_loses_the_authority_race_is_stored(
    db_url: str, zero_t3_report: Callable[[str, int, str], Report]
) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    name = "渔洋镇人民政府"  # seed 000: its all-zero 2021-format table 三
    outcomes: list[object] = []

    first = sessions()
    first.begin()
    created = find_or_create_authority(first, name, portal=None, publisher=None, inferred=False)
    first.flush()  # the row exists, uncommitted: the other writer's INSERT will wait for it

    def second_writer() -> None:
        with sessions() as session:
            outcomes.extend(
                save_reports(session, [zero_t3_report(name, 2024, "t3_2021")], spider="b")
            )

    writer = threading.Thread(target=second_writer)
    writer.start()
    writer.join(timeout=2)
    assert writer.is_alive()  # blocked on the uncommitted authority row
    first.commit()
    writer.join(timeout=60)
    assert not writer.is_alive()
    assert outcomes == ["new"]
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuthorityRow).where(AuthorityRow.name == name)
            )
            == 1
        )
        stored = session.scalars(select(ReportRow.authority_id)).all()
        assert stored == [created.id]
    first.close()
    engine.dispose()
