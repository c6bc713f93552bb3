"""Shared test fixtures: external services (PostgreSQL, later Redis) and seed-report data.

Services: a test that needs a server it cannot reach is skipped on a developer machine and FAILS
when the ``CI`` environment variable is set, so a CI job without its service containers cannot
pass silently. Use :func:`require_service` for any new service.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy.engine import URL, Engine, make_url

from nianbao.parsers.model import Cell, Check, ProseMetric, Report, Table
from nianbao.parsers.spec import T3_COLUMNS

#: The shared real material (seeds, corpus, spec) lives beside the checkout; CI lays it there.
SHARED = Path(os.environ.get("NIANBAO_SHARED", Path(__file__).resolve().parents[2] / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared material is missing at {SHARED} (set NIANBAO_SHARED)")
    return SHARED


@pytest.fixture(scope="session", autouse=True)
def _captures_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Crawls the tests start (in subprocesses, from the repository root) keep their WARC
    captures in a temporary folder, not in ./warc of the checkout."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NIANBAO_WARC_DIR", str(tmp_path_factory.mktemp("warc")))
        yield


# --- Services -------------------------------------------------------------------------------

#: Server (maintenance database) the PostgreSQL tests create their database on.
PG_SERVER_URL = os.environ.get(
    "NIANBAO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def service_unavailable(message: str) -> NoReturn:
    """Skip the test, or fail it under CI (where every service must be present)."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so the service is required)", pytrace=False)
    pytest.skip(message)


def require_service(name: str, host: str, port: int, timeout: float = 2.0) -> None:
    """Make sure a TCP service answers at ``host:port``; else skip (or fail under CI)."""
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        service_unavailable(f"{name} at {host}:{port} unreachable: {exc}")


def require_program(*names: str) -> str:
    """The path of the first of ``names`` on PATH (a browser, a converter); else skip (or fail
    under CI, whose .ci/run installs what the tests need)."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    service_unavailable(f"none of {', '.join(names)} is installed")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Headless Chromium (Debian's ``chromium``; .ci/run installs it)."""
    return require_program("chromium", "chromium-browser")


@pytest.fixture(scope="session")
def cjk_font() -> list[str]:
    """The families fontconfig has for Chinese (.ci/run installs fonts-wqy-zenhei): without
    one, Chromium draws 泸定县 as empty boxes and a screenshot check means nothing."""
    fc_list = require_program("fc-list")
    listed = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    families = sorted({name for line in listed.splitlines() for name in line.split(",") if name})
    if not families:
        service_unavailable("no font for Chinese (fc-list :lang=zh is empty; fonts-wqy-zenhei)")
    return families


def _libpq(url: URL) -> str:
    """psycopg wants a libpq URI, not a SQLAlchemy one (``postgresql+psycopg://``)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database for this test session, dropped afterwards."""
    server = make_url(PG_SERVER_URL)
    require_service("PostgreSQL", server.host or "127.0.0.1", server.port or 5432)
    try:  # imported here so that the other tests run where psycopg is not installed
        import psycopg
        from psycopg import sql
    except ImportError as exc:
        service_unavailable(f"PostgreSQL tests need psycopg (pip install -e '.[test]'): {exc}")
    name = f"nianbao_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(_libpq(server), autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        service_unavailable(f"PostgreSQL at {server.host}:{server.port} unusable: {exc}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True, connect_timeout=5) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))


def _reset_postgres(url: str) -> None:
    """Empty the session database so every test starts from nothing, like a SQLite tmp file."""
    import psycopg

    with psycopg.connect(_libpq(make_url(url)), autocommit=True, connect_timeout=5) as conn:
        conn.execute("SET lock_timeout = '10s'")
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


#: Redis for the scale-out tests (database 15, emptied per test: keep your data elsewhere).
REDIS_TEST_URL = os.environ.get("NIANBAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The Redis server's test database, empty; skipped (failed under CI) when unreachable."""
    from urllib.parse import urlsplit

    parts = urlsplit(REDIS_TEST_URL)
    require_service("Redis", parts.hostname or "127.0.0.1", parts.port or 6379)
    import redis

    server = redis.Redis.from_url(REDIS_TEST_URL)
    server.flushdb()
    try:
        yield REDIS_TEST_URL
    finally:
        server.flushdb()
        server.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file (in a not yet existing folder) or PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'nianbao.db'}"
    url: str = request.getfixturevalue("pg_database_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test database with the schema migrated (a module that needs the empty
    database, as the migration tests do, defines its own ``engine``)."""
    from nianbao.pipelines.db import make_engine, upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def keyed_corpus(shared: Path) -> list[Report]:
    """The corpus texts, parsed, that name their authority and year and have tables: reports
    that store under their own keys."""
    from nianbao.parsers import parse_path

    reports = [parse_path(path) for path in sorted((shared / "corpus/texts").glob("*.txt"))]
    return [r for r in reports if r.authority and r.report_year and r.tables]


# --- Seed report 002: 泸定县 2024 ------------------------------------------------------------
# Every number below is read off shared/seeds/002_54edbe98636d0c3c.txt (2021 format,
# rows printed as " | "-joined cells); tests/pipelines/test_db.py checks them against the file
# when it is present.

LUDING_SEED = SHARED / "seeds" / "002_54edbe98636d0c3c.txt"
LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"

T2_2021_LUDING: list[tuple[str, str, int | Decimal, str]] = [
    ("regulations", "issued", 0, "0"),
    ("regulations", "repealed", 0, "0"),
    ("regulations", "in_force", 0, "0"),
    ("normative_documents", "issued", 0, "0"),
    ("normative_documents", "repealed", 0, "0"),
    ("normative_documents", "in_force", 14, "14"),
    ("licensing", "decisions", 15889, "15889"),
    ("penalty", "decisions", 19480, "19480"),
    ("coercion", "decisions", 76, "76"),
    ("fees", "amount_wan_yuan", Decimal("204.92"), "204.92"),
]

_Z = (0, 0, 0, 0, 0, 0, 0)
T3_2021_LUDING: list[tuple[str, tuple[int, ...]]] = [
    ("new_requests", (31, 3, 0, 0, 0, 0, 34)),
    ("carried_over", _Z),
    ("granted", (12, 3, 0, 0, 0, 0, 15)),
    ("partially_granted", (6, 0, 0, 0, 0, 0, 6)),
    ("denied.state_secret", (1, 0, 0, 0, 0, 0, 1)),
    ("denied.law_prohibited", _Z),
    ("denied.security_stability", _Z),
    ("denied.third_party_rights", _Z),
    ("denied.internal_affairs", _Z),
    ("denied.process_info", _Z),
    ("denied.enforcement_file", (3, 0, 0, 0, 0, 0, 3)),
    ("denied.admin_query", (1, 0, 0, 0, 0, 0, 1)),
    ("unable.not_held", (8, 0, 0, 0, 0, 0, 8)),
    ("unable.needs_creation", _Z),
    ("unable.unclear_after_correction", _Z),
    ("not_processed.petition_complaint", _Z),
    ("not_processed.duplicate", _Z),
    ("not_processed.publication", _Z),
    ("not_processed.excessive", _Z),
    ("not_processed.confirm_or_reissue", _Z),
    ("other.no_correction", _Z),
    ("other.fee_unpaid", _Z),
    ("other.other", _Z),
    ("total_processed", (31, 3, 0, 0, 0, 0, 34)),
    ("carried_forward", _Z),
]

T4_ORDER = [
    (row, col)
    for row in ("review", "litigation_direct", "litigation_after_review")
    for col in ("upheld", "corrected", "other", "pending", "total")
]
#: The one data row of table 四 as printed: "| 5 | 0 | 0 | 1 | 6 | 0 | ... | 0 | 1 | 0 | 0 | 1 |".
T4_LUDING = (5, 0, 0, 1, 6, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1)

#: (key, value, sentence span) from the report's prose.
PROSE_LUDING: list[tuple[str, int, str]] = [
    ("proactive_items", 4460, "全县通过政府信息公开平台主动公开政府信息4460条"),
    ("requests_received", 34, "今年受理依申请公开事项34件"),
    ("review_cases", 6, "因政府信息公开引起行政复议6件"),
    ("litigation_cases", 1, "行政诉讼1件"),
    ("normative_documents_issued", 0, "制发行政规范性文件0件"),
    ("normative_documents_repealed", 0, "废止行政规范性文件0件"),
    ("normative_documents_in_force", 14, "现行有效规范性文件14件"),
    ("fees_yuan", 0, "本年度,未收取任何信息处理费。"),
]

#: Sentences of the report, used as its clean text (and hashed as its content).
LUDING_TEXT = (
    "以下所列数据统计期限为2024年1月1日至2024年12月31日。\n"
    "今年受理依申请公开事项34件,均通过信函作了答复处理,因政府信息公开引起行政复议6件,"
    "行政诉讼1件。\n"
    "本年度,未收取任何信息处理费。"
)


def _check(rule: str, binding: str, lhs: int | None, rhs: int | None) -> Check:
    if lhs is None or rhs is None:
        return Check(rule, "not_checkable", binding, lhs, rhs)
    return Check(rule, "pass" if lhs == rhs else "fail", binding, lhs, rhs)


def _n(table: Table, row: str, col: str) -> int:
    value = table.value(row, col)
    assert isinstance(value, int), (table.variant, row, col, value)
    return value


def _luding_checks(report: Report) -> list[Check]:
    """The hard rules and the prose rules, evaluated on the cells as built (no validator yet)."""
    t2, t3, t4 = (report.tables[family] for family in ("t2", "t3", "t4"))
    prose = {metric.key: int(metric.value) for metric in report.prose}
    checks = []
    for col in T3_COLUMNS:
        lhs = _n(t3, "new_requests", col) + _n(t3, "carried_over", col)
        rhs = _n(t3, "total_processed", col) + _n(t3, "carried_forward", col)
        checks.append(_check("T3_BALANCE", col, lhs, rhs))
    for row in ("review", "litigation_direct", "litigation_after_review"):
        parts = sum(_n(t4, row, col) for col in ("upheld", "corrected", "other", "pending"))
        checks.append(_check("T4_GROUP_TOTAL", row, _n(t4, row, "total"), parts))
    litigation = _n(t4, "litigation_direct", "total") + _n(t4, "litigation_after_review", "total")
    in_force = _n(t2, "normative_documents", "in_force")
    checks += [
        _check("X_PROSE_NEW", "", prose["requests_received"], _n(t3, "new_requests", "total")),
        _check("X_PROSE_REVIEW", "", prose["review_cases"], _n(t4, "review", "total")),
        _check("X_PROSE_LITIGATION", "", prose["litigation_cases"], litigation),
        _check("X_PROSE_NORMATIVE_IN_FORCE", "", prose["normative_documents_in_force"], in_force),
    ]
    return checks


def build_luding_report(*, t4_padding_misread: bool = False) -> Report:
    """泸定县人民政府's 2024 report as a parser would return it.

    ``t4_padding_misread`` reproduces a real parser failure the spec warns about: the leading
    empty padding cell of table 四's flattened row taken as a blank ``0``, which shifts every
    printed value one column right (the last one falls off) and breaks all three group totals.
    """
    report = Report(
        source_url=LUDING_URL,
        authority="泸定县人民政府",
        publisher="泸定县人民政府办公室",
        report_year=2024,
        format="f2021",
        text=LUDING_TEXT,
        content_sha256=hashlib.sha256(LUDING_TEXT.encode()).hexdigest(),
    )
    t2 = Table("t2", "t2_2021", detection="markers: 本年制发件数", layout="tokens")
    for row, col, value, raw in T2_2021_LUDING:
        t2.cells[(row, col)] = Cell(row, col, value, raw)
    t3 = Table("t3", "t3_2021", detection="（六）其他处理 has sub-rows", layout="tokens")
    for row, values in T3_2021_LUDING:
        for col, value in zip(T3_COLUMNS, values, strict=True):
            t3.cells[(row, col)] = Cell(row, col, value, str(value))
    t4 = Table("t4", "t4", flags=["positional_mapping"], layout="tokens")
    if t4_padding_misread:
        printed: list[tuple[int, str | None, str]] = [(0, None, "blank_zero")]
        printed += [(value, str(value), "printed") for value in T4_LUDING[:-1]]
    else:
        printed = [(value, str(value), "printed") for value in T4_LUDING]
    for (row, col), (value, raw, source) in zip(T4_ORDER, printed, strict=True):
        t4.cells[(row, col)] = Cell(row, col, value, raw, source)
    report.tables = {"t2": t2, "t3": t3, "t4": t4}
    report.prose = [ProseMetric(key, value, span) for key, value, span in PROSE_LUDING]
    report.sections = {"other_matters": "本年度,未收取任何信息处理费。"}
    report.checks = _luding_checks(report)
    for check in report.violations:
        report.warn("rule_failed", f"{check.rule} {check.binding}: {check.lhs} != {check.rhs}")
    return report


#: Table 三 rows of the 2019 template: the 2021 rows with a single （六）其他处理 row ``other``.
T3_2019_ROWS = [row for row, _ in T3_2021_LUDING if not row.startswith("other.")]
T3_2019_ROWS.insert(T3_2019_ROWS.index("total_processed"), "other")


def build_zero_t3_report(authority: str, year: int, variant: str) -> Report:
    """A report whose table 三 is printed all zeros, as in seeds 000 (渔洋镇 2024, t3_2021,
    25 rows x 7 columns of 0) and 001 (邙岭镇人民政府 2020, t3_2019, 23 rows)."""
    rows = [row for row, _ in T3_2021_LUDING] if variant == "t3_2021" else T3_2019_ROWS
    table = Table("t3", variant, layout="tokens")
    for row in rows:
        for col in T3_COLUMNS:
            table.cells[(row, col)] = Cell(row, col, 0, "0")
    era = "f2021" if variant == "t3_2021" else "f2019"
    text = f"{authority}{year}年政府信息公开工作年度报告"
    return Report(
        title=text,
        authority=authority,
        report_year=year,
        format=era,
        tables={"t3": table},
        text=text,
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


# Test modules cannot import this file by name (each conftest.py of a folder without
# __init__.py is the module "conftest" in turn), so everything is handed out as fixtures.


@pytest.fixture
def luding_report() -> Callable[..., Report]:
    """Factory for fresh copies of the 泸定县 2024 report (tests mutate what they get)."""
    return build_luding_report


@pytest.fixture
def zero_t3_report() -> Callable[[str, int, str], Report]:
    """Factory for the all-zero table 三 reports of seeds 000 and 001."""
    return build_zero_t3_report


@dataclass(frozen=True)
class LudingSeed:
    """Where the 泸定县 numbers come from, and the numbers, for tests that compare the two."""

    path: Path
    t3_rows: list[tuple[str, tuple[int, ...]]]
    t3_columns: tuple[str, ...]
    t4_values: tuple[int, ...]
    t4_order: list[tuple[str, str]]


@pytest.fixture
def luding_seed() -> LudingSeed:
    return LudingSeed(LUDING_SEED, T3_2021_LUDING, T3_COLUMNS, T4_LUDING, T4_ORDER)
