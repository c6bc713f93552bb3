"""Revisions and conflicts: a stored reading is never overwritten or lost, on both engines.

The readings are the 泸定县 2024 seed report (tests/conftest.py) as read right and as read with
table 四's padding cell taken for a value (a real parser failure the spec warns about).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from nianbao.parsers import parse_text
from nianbao.parsers.model import Report
from nianbao.pipelines.db import session_factory
from nianbao.pipelines.db.load import find_report, load_report, revision_report, revisions_of
from nianbao.pipelines.db.repository import save_report
from nianbao.pipelines.db.revisions import diff

LUDING = "泸定县人民政府"
CELLS = 10 + 25 * 7 + 15
LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"
MIRROR = "http://www.gzz.gov.cn/mirror/luding/2024.html"


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


def save(sessions: sessionmaker[Session], report: Report) -> str:
    with sessions() as session:
        return save_report(session, report, spider="sichuan_luding", portal=LUDING)


def rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def revisions(sessions: sessionmaker[Session]) -> list[tuple[int, str, str]]:
    with sessions() as session:
        row = find_report(session, LUDING, 2024)
        assert row is not None
        return [(r.number, r.status, r.note) for r in revisions_of(session, row)]


def test_changed_reading_becomes_a_revision_and_the_old_one_is_kept(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    misread = luding_report(t4_padding_misread=True)
    assert save(sessions, misread) == "new"
    assert save(sessions, luding_report()) == "updated"

    assert [(n, s) for n, s, _ in revisions(sessions)] == [(1, "superseded"), (2, "current")]
    assert rows(engine, "SELECT revision FROM report") == [(2,)]
    with sessions() as session:
        row = find_report(session, LUDING, 2024)
        assert row is not None
        first, second = revisions_of(session, row)
        old = revision_report(session, row, first)
        new = revision_report(session, row, second)
    # The first reading comes back whole from its snapshot, exactly as it was saved.
    assert old == misread
    assert new == luding_report()
    changes = {str(change) for change in diff(old, new)}
    # As printed, table 四 reads 5 0 0 1 6 | 0 0 0 0 0 | 0 1 0 0 1 (seed 002).
    assert "cell t4:review:upheld: 0 (blank_zero) -> 5" in changes
    assert "cell t4:review:total: 1 -> 6" in changes
    assert "cell t4:litigation_after_review:total: 0 -> 1" in changes
    assert "check T4_GROUP_TOTAL[review]: fail -> pass" in changes
    assert not any(change.startswith("cell t3") for change in changes)


def test_a_worse_reading_is_kept_beside_once(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    truncated = luding_report()
    del truncated.tables["t4"]
    truncated.content_sha256 = "1" * 64
    assert save(sessions, truncated) == "kept_stored"
    assert save(sessions, truncated) == "kept_stored"  # the same broken page the next night

    assert [(n, s) for n, s, _ in revisions(sessions)] == [(1, "current"), (2, "rejected")]
    assert rows(engine, "SELECT count(*) FROM cell") == [(CELLS,)]
    with sessions() as session:
        row = find_report(session, LUDING, 2024)
        assert row is not None
        rejected = revisions_of(session, row)[1]
        assert rejected.cells == CELLS - 15
        assert "t4" not in revision_report(session, row, rejected).tables


def test_a_page_that_now_reads_as_another_year_does_not_move_the_report(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    """A broken re-crawl of the same URL that yields 2023 must not fork or replace 2024."""
    save(sessions, luding_report())
    broken = luding_report(t4_padding_misread=True)
    broken.report_year = 2023
    assert save(sessions, broken) == "conflict"

    assert rows(engine, "SELECT report_year FROM report") == [(2024,)]
    number, status, note = revisions(sessions)[-1]
    assert (number, status) == (2, "conflict")
    assert note.startswith("key_conflict: the page now reads as 泸定县人民政府 2023")
    with sessions() as session:
        assert load_report(session, LUDING, 2024) == luding_report()
        assert load_report(session, LUDING, 2023) is None


def test_another_page_with_the_same_numbers_adds_its_url(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    mirror = luding_report()
    mirror.source_url = MIRROR
    mirror.text += "\n扫一扫在手机上查看当前页面"
    mirror.content_sha256 = "2" * 64
    assert save(sessions, mirror) == "unchanged"
    with sessions() as session:
        row = find_report(session, LUDING, 2024)
        assert row is not None
        assert row.source_urls == [luding_report().source_url, MIRROR]
        assert row.source_url == luding_report().source_url
    assert [(n, s) for n, s, _ in revisions(sessions)] == [(1, "current")]


def test_another_page_replaces_only_with_a_better_reading(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    # Another page claiming 泸定县 2024 whose table 四 breaks its rules: not better, kept aside.
    claim = luding_report(t4_padding_misread=True)
    claim.source_url = MIRROR
    assert save(sessions, claim) == "conflict"
    assert rows(engine, "SELECT violations FROM report") == [(0,)]

    # The stored page is the broken one; the other page reads as well and was published later:
    # a republication, which becomes current.
    republished = luding_report()
    republished.source_url = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/640001"
    republished.published = dt.date(2025, 3, 1)
    stored = luding_report()
    stored.published = dt.date(2025, 1, 20)
    stored.tables["t2"].cells[("fees", "amount_wan_yuan")].value = 0
    stored.content_sha256 = "3" * 64
    with sessions() as session:
        save_report(session, stored, spider="sichuan_luding", portal=LUDING)
    assert save(sessions, republished) == "updated"
    statuses = [(s, note) for _, s, note in revisions(sessions)]
    assert statuses[-1] == ("current", "republished at another address")
    with sessions() as session:
        assert load_report(session, LUDING, 2024) == republished


def test_revisions_survive_in_the_database_for_plain_sql(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report(t4_padding_misread=True))
    save(sessions, luding_report())
    found = rows(
        engine,
        "SELECT v.number, v.status, v.cells, v.violations FROM report_revision v "
        "JOIN report r ON r.id = v.report_id ORDER BY v.number",
    )
    assert found == [(1, "superseded", CELLS, 5), (2, "current", CELLS, 0)]


def test_a_conflict_adds_no_authority_and_no_url(
    sessions: sessionmaker[Session], engine: Engine, luding_report: Callable[..., Report]
) -> None:
    save(sessions, luding_report())
    # The same page now read as another organ's report: no 泸定县信访局 row is made for it.
    renamed = luding_report()
    renamed.authority = "泸定县信访局"
    assert save(sessions, renamed) == "conflict"
    assert rows(engine, "SELECT count(*) FROM authority WHERE name = '泸定县信访局'") == [(0,)]
    # Another page with a reading that is not better: kept aside, its URL not claimed.
    claim = luding_report(t4_padding_misread=True)
    claim.source_url = MIRROR
    assert save(sessions, claim) == "conflict"
    with sessions() as session:
        row = find_report(session, LUDING, 2024)
        assert row is not None
        assert row.source_urls == [luding_report().source_url]
    assert [(n, s) for n, s, _ in revisions(sessions)] == [
        (1, "current"),
        (2, "conflict"),
        (3, "conflict"),
    ]


def _typed(seed: str, mistype: bool) -> Report:
    """Seed 002 as parsed, or with its 本年新收 自然人 count mistyped 13 for the printed 31 (the
    row's total 34 still printed): the same page, the same cells, two broken rules more."""
    text = Path(seed).read_text(encoding="utf-8")
    if mistype:
        row = "一、本年新收政府信息公开申请数量 | 31 | 3 |"
        assert row in text
        text = text.replace(row, "一、本年新收政府信息公开申请数量 | 13 | 3 |")
    return parse_text(text, url=LUDING_URL)


def _new_requests(sessions: sessionmaker[Session]) -> object:
    with sessions() as session:
        report = load_report(session, LUDING, 2024)
        assert report is not None
        return report.tables["t3"].cells[("new_requests", "natural_person")].value


def test_a_mistyped_row_from_the_same_page_does_not_replace_the_stored_reading(
    sessions: sessionmaker[Session], luding_seed: Any
) -> None:
    right, wrong = _typed(str(luding_seed.path), False), _typed(str(luding_seed.path), True)
    assert right.authority == LUDING and right.report_year == 2024
    assert sum(len(t.cells) for t in right.tables.values()) == sum(
        len(t.cells) for t in wrong.tables.values()
    )
    assert len(wrong.violations) > len(right.violations)
    assert save(sessions, right) == "new"
    assert save(sessions, wrong) == "kept_stored"
    assert _new_requests(sessions) == 31
    assert [(n, s) for n, s, _ in revisions(sessions)] == [(1, "current"), (2, "rejected")]
    assert "more broken rules" in revisions(sessions)[1][2]


def test_a_better_reading_from_the_same_page_replaces_a_mistyped_one(
    sessions: sessionmaker[Session], luding_seed: Any
) -> None:
    """The other order: the portal corrects its typo, and the corrected reading becomes current."""
    assert save(sessions, _typed(str(luding_seed.path), True)) == "new"
    assert save(sessions, _typed(str(luding_seed.path), False)) == "updated"
    assert _new_requests(sessions) == 31
    assert [(n, s) for n, s, _ in revisions(sessions)] == [(1, "superseded"), (2, "current")]
