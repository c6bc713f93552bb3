"""Storing reports: reports/s on SQLite and PostgreSQL, and the township query over them.

The reports are the real seeds and corpus texts that have tables, parsed by the parsers; each is
stored many times under varied keys (a numbered place name of the same tier, years 2017-2025),
so the numbers in every cell are real while the database holds ``--reports`` distinct reports.
Reports are stored ``--batch`` at a time with ``save_reports`` (one transaction per batch, as the
store pipeline and ``nianbao reparse`` do); ``--batch 1`` stores each with ``save_report`` in its
own transaction, the per-report path, for comparison. Then
the canned query "applications received per township by year" (``nianbao serve``) runs over the
full database, and its median time of ``--rounds`` runs is printed.

    python benchmarks/bench_store.py [--reports 10000] [--engines sqlite postgresql]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--shared ../shared]
        [--batch 500] [--years 9]

``--years 1`` stores every report under a new authority, as the first night over the country
does (authorities and their parent chains created as the reports arrive).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from nianbao.parsers import parse_path
from nianbao.parsers.model import Report
from nianbao.pipelines.db import analyze, make_engine, save_report, session_factory, upgrade
from nianbao.pipelines.db.browse import QUERIES
from nianbao.pipelines.db.bulk import save_reports

#: Seeds whose text does not name the authority (seeds/README.md names it).
AUTHORITIES = {
    "002_54edbe98636d0c3c.txt": "泸定县人民政府",
    "004_83053b7e25c70037.txt": "劳动镇人民政府",
}
_PLACE = re.compile(r"^(?P<stem>.+?)(?P<tier>镇|乡|街道|县|区|市)(?P<suffix>人民政府|办事处)?$")


def real_reports(shared: Path) -> list[Report]:
    """The parsed seeds and corpus texts that have at least one table."""
    paths = sorted((shared / "seeds").glob("*.txt")) + sorted((shared / "corpus/texts").glob("*"))
    reports = []
    for path in paths:
        report = parse_path(path)
        report.authority = report.authority or AUTHORITIES.get(path.name)
        if report.authority and report.tables:
            reports.append(report)
    return reports


def varied(report: Report, number: int, year: int) -> Report:
    """The same reading under another key: 渔洋镇人民政府 -> 渔洋17镇人民政府 (still a township)."""
    copy = parse_again(report)
    match = _PLACE.match(copy.authority or "")
    if match:
        stem, tier, suffix = match.group("stem"), match.group("tier"), match.group("suffix") or ""
        copy.authority = f"{stem}{number}{tier}{suffix}"
    else:
        copy.authority = f"{copy.authority}{number}"
    copy.report_year = year
    copy.source_url = f"http://bench.example/{number}/{year}"
    return copy


def parse_again(report: Report) -> Report:
    import copy

    return copy.deepcopy(report)


def store(
    url: str, reports: list[Report], total: int, rounds: int, size: int, years_each: int = 9
) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    years = range(2026 - years_each, 2026)
    batch = [
        # Each numbered authority reports for ``years_each`` years: 9 (2017-2025) as a reparse
        # over the archive sees them; 1 as a first harvest does, every report a new authority.
        varied(reports[(n // len(years)) % len(reports)], n // len(years), years[n % len(years)])
        for n in range(total)
    ]
    start = time.perf_counter()
    if size <= 1:  # one report per transaction, as save_report alone does
        for report in batch:
            with sessions() as session:
                save_report(session, report, spider="bench", portal=None)
    else:
        for first in range(0, len(batch), size):
            with sessions() as session:
                outcomes = save_reports(session, batch[first : first + size], spider="bench")
                assert all(outcome == "new" for outcome in outcomes), outcomes[:3]
    elapsed = time.perf_counter() - start
    analyze(engine)  # as the store pipeline does when a crawl closes
    sql = QUERIES["applications_per_township_by_year"]["sql"]
    timings = []
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM report")).scalar_one()
        cells = connection.execute(text("SELECT count(*) FROM cell")).scalar_one()
        for _ in range(rounds):
            began = time.perf_counter()
            rows = connection.execute(text(sql)).all()
            timings.append(time.perf_counter() - began)
    engine.dispose()
    return {
        "reports": stored,
        "cells": cells,
        "seconds": elapsed,
        "reports_per_s": total / elapsed,
        "query_rows": len(rows),
        "query_ms": statistics.median(timings) * 1000,
    }


def _pg_database(server: str) -> tuple[str, str]:
    import psycopg

    name = f"nianbao_bench_{uuid.uuid4().hex[:8]}"
    libpq = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(server).set(database=name).render_as_string(hide_password=False), libpq


def _drop(libpq: str, url: str) -> None:
    import psycopg

    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("NIANBAO_SHARED", default_shared))
    )
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--batch", type=int, default=500, help="reports per save_reports call (1: save_report)"
    )
    parser.add_argument(
        "--years", type=int, default=9, help="reports per authority (1: a first harvest)"
    )
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "NIANBAO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    reports = real_reports(args.shared)
    cells = sum(len(t.cells) for r in reports for t in r.tables.values()) / len(reports)
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores")
    print(f"{len(reports)} real reports with tables, {cells:.0f} cells each on average")
    for name in args.engines:
        if name == "sqlite":
            folder = tempfile.mkdtemp(prefix="nianbao-bench-")
            result = store(
                f"sqlite:///{folder}/bench.db",
                reports,
                args.reports,
                args.rounds,
                args.batch,
                args.years,
            )
        else:
            url, libpq = _pg_database(args.pg)
            try:
                result = store(url, reports, args.reports, args.rounds, args.batch, args.years)
            finally:
                _drop(libpq, url)
        print(
            f"{name:<10} {result['reports']} reports, {result['cells']} cells stored in "
            f"{result['seconds']:.1f} s: {result['reports_per_s']:.0f} reports/s; "
            f"applications per township by year: {result['query_rows']} rows in "
            f"{result['query_ms']:.1f} ms (median of {args.rounds})"
        )


if __name__ == "__main__":
    main()
