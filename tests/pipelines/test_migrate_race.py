"""Schema creation by several processes at once on an empty database does not race: the
workers of a scale-out, started together against a fresh PostgreSQL database, all run the
migrations at start-up. They take turns (PostgreSQL advisory lock, SQLite BEGIN IMMEDIATE);
the later ones find the schema at head."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from nianbao.pipelines.db import head_revision, make_engine

WORKER = r"""
import os, sys, time
from pathlib import Path
start = Path(sys.argv[2])
while not start.exists():
    time.sleep(0.005)
from nianbao.pipelines.db import make_engine, upgrade
engine = make_engine(sys.argv[1])
upgrade(engine)
engine.dispose()
"""


def test_workers_migrating_at_once_all_succeed(db_url: str, tmp_path: Path) -> None:
    start = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_url, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        for _ in range(4)
    ]
    time.sleep(1.5)  # every worker has imported and is waiting at the line
    start.touch()
    results = [(worker.wait(timeout=120), worker.stderr.read()) for worker in workers]
    assert [status for status, _ in results] == [0, 0, 0, 0], [err[-2000:] for _, err in results]
    engine = make_engine(db_url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        tables = connection.execute(text("SELECT count(*) FROM report")).scalar_one()
    engine.dispose()
    assert [tuple(v) for v in versions] == [(head_revision(),)]
    assert tables == 0
