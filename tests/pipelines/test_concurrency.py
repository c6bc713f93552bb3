"""Several crawls writing into one database at once, and a crash in the middle of a save.

Real processes, not threads in one interpreter: each worker is a Python process with its own
engine, like two ``nianbao crawl`` runs. The reports are the real seeds parsed by the parsers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from nianbao.pipelines.db import make_engine, upgrade

#: Seeds with tables, and the authority where the text itself names none (seeds/README.md).
SEEDS = {
    "000_b5566a94ec5fc8f8.txt": None,
    "001_c8d30c2eb8575ca5.txt": None,
    "002_54edbe98636d0c3c.txt": "泸定县人民政府",
    "004_83053b7e25c70037.txt": "劳动镇人民政府",
}

WORKER = r"""
import json, sys, time
from nianbao.parsers import parse_path
from nianbao.pipelines.db import make_engine, session_factory, save_report

url, worker, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
seeds = json.loads(sys.argv[4])
reports = []
for path, authority in seeds.items():
    report = parse_path(path)
    report.authority = report.authority or authority
    reports.append(report)
    # The same report under a key of this worker's own: storing it never meets another worker.
    own = parse_path(path)
    own.authority = (own.authority or authority) + f"第{worker}分局"
    own.source_url = f"http://example.gov.cn/{worker}/{len(reports)}"
    reports.append(own)
engine = make_engine(url)
sessions = session_factory(engine)
while time.time() < start:
    time.sleep(0.005)
outcomes = []
for report in reports:
    with sessions() as session:
        outcomes.append(save_report(session, report, spider=f"w{worker}", portal=None))
print(json.dumps(outcomes))
"""


def _workers(db_url: str, seeds: dict[str, str | None], count: int) -> list[list[str]]:
    start = time.time() + 3.0  # every worker has imported and connected by then
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_url, str(n), str(start), json.dumps(seeds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_concurrent_writers_neither_duplicate_nor_lose_a_report(db_url: str, shared: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    seeds = {str(shared / "seeds" / name): authority for name, authority in SEEDS.items()}
    workers = 4
    results = _workers(db_url, seeds, workers)

    shared_keys = len(seeds)
    outcomes = Counter(outcome for result in results for outcome in result)
    # Each shared report is new for exactly one worker and unchanged for the others; each
    # worker's own reports are new.
    assert outcomes == {
        "new": shared_keys + workers * shared_keys,
        "unchanged": (workers - 1) * shared_keys,
    }
    with engine.connect() as connection:
        reports = connection.execute(text("SELECT count(*) FROM report")).scalar_one()
        revisions = connection.execute(
            text("SELECT count(*), max(number) FROM report_revision")
        ).one()
        names = connection.execute(text("SELECT name FROM authority")).scalars().all()
        cells = connection.execute(
            text(
                "SELECT r.report_year, count(*) FROM cell c JOIN report r ON r.id = c.report_id "
                "JOIN authority a ON a.id = r.authority_id WHERE a.name = '泸定县人民政府' "
                "GROUP BY r.report_year"
            )
        ).all()
    engine.dispose()
    assert reports == shared_keys * (1 + workers)
    assert tuple(revisions) == (reports, 1)
    assert len(names) == len(set(names))
    assert cells == [(2024, 200)]  # one copy of 泸定县's cells, not four


CRASHER = r"""
import os, sys
from nianbao.parsers import parse_path
from nianbao.pipelines.db import make_engine, rows, session_factory, save_report

url, path = sys.argv[1], sys.argv[2]
report = parse_path(path)
report.authority = "泸定县人民政府"
sessions = session_factory(make_engine(url))
with sessions() as session:
    save_report(session, report, spider="first", portal=None)

# The second save dies (power cut, OOM kill) after the old cells are deleted and half of the
# new ones are written, before the transaction commits.
real_insert = rows.insert
def insert(model):
    if model is rows.CheckResultRow.__table__:
        sys.stdout.write("crashing\n"); sys.stdout.flush()
        os.kill(os.getpid(), 9)
    return real_insert(model)
rows.insert = insert
report.tables["t4"].cells[("review", "upheld")].value = 99
report.content_sha256 = "f" * 64
with sessions() as session:
    save_report(session, report, spider="second", portal=None)
"""


def test_a_crash_mid_write_leaves_the_previous_reading(db_url: str, shared: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    seed = shared / "seeds" / "002_54edbe98636d0c3c.txt"
    result = subprocess.run(
        [sys.executable, "-c", CRASHER, db_url, str(seed)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    assert "crashing" in result.stdout
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM cell")).scalar_one()
        upheld = connection.execute(
            text("SELECT value FROM cell WHERE row_key = 'review' AND col_key = 'upheld'")
        ).scalar_one()
        spider, revision = connection.execute(text("SELECT spider, revision FROM report")).one()
        statuses = connection.execute(text("SELECT status FROM report_revision")).scalars().all()
    engine.dispose()
    # Seed 002, table 四: 复议 结果维持 5; the stored reading is whole, the crashed one absent.
    assert (count, int(upheld), spider, revision) == (200, 5, "first", 1)
    assert statuses == ["current"]


@pytest.mark.parametrize("workers", [2])
def test_sqlite_file_is_in_wal_mode_for_concurrent_readers(tmp_path: Path, workers: int) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
