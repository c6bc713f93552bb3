"""The rules across years, as the database runs them (view ``cross_year_check``).

Real numbers paired as if one authority's consecutive years: 洪泽区's 2023 report stored as
the predecessor of 泸定县's 2024 report, both 2021-format tables. The view must agree with
``parsers.checks.cross_year_checks`` on the same pair.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from nianbao.parsers import parse_path
from nianbao.parsers.checks import cross_year_checks
from nianbao.pipelines.db import save_report, session_factory

AUTHORITY = "泸定县人民政府"


@pytest.fixture
def pair(shared: Path):
    current = parse_path(shared / "seeds/002_54edbe98636d0c3c.txt")
    current.authority = AUTHORITY
    previous = parse_path(shared / "corpus/texts/011_hongze_qu_2023.txt")
    previous.authority = AUTHORITY
    return current, previous


def _save(sessions: sessionmaker[Session], *reports) -> None:
    for report in reports:
        with sessions() as session:
            save_report(session, report, spider="test", portal=None)


def _view(engine: Engine) -> dict[tuple[str, str], tuple[str, object, object]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT rule_id, binding, status, lhs, rhs FROM cross_year_check "
                "WHERE authority = :a AND report_year = 2024"
            ),
            {"a": AUTHORITY},
        ).all()
    return {(rule, binding): (status, lhs, rhs) for rule, binding, status, lhs, rhs in rows}


def _number(value: object) -> object:
    return None if value is None else Decimal(str(value)).normalize()


def test_view_runs_the_rules_once_both_years_are_stored(engine: Engine, pair) -> None:
    current, previous = pair
    sessions = session_factory(engine)
    _save(sessions, current)
    assert _view(engine) == {}  # no predecessor stored yet: nothing to compare
    _save(sessions, previous)
    view = _view(engine)
    expected = {
        (c.rule, c.binding): (c.status, _number(c.lhs), _number(c.rhs))
        for c in cross_year_checks(current, previous)
    }
    stored = {key: (status, _number(lhs), _number(rhs)) for key, (status, lhs, rhs) in view.items()}
    assert stored == expected
    # 泸定 上年结转 all 0 against 洪泽 结转下年度 all 0;
    # 行政规范性文件 现行有效 14 against 5 + 0 - 0.
    assert view[("X_CARRY", "total")][0] == "pass"
    assert view[("T2_2021_IN_FORCE_ROLL", "normative_documents")][0] == "fail"
