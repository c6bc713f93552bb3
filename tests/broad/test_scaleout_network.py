"""Scale-out of the broad crawl: two workers on one scrapy-redis queue, one PostgreSQL database,
a simulated network of 24 portals; every report stored exactly once, every page fetched once.

Needs the real Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432): skipped where they are
missing, failed under CI.
"""

from __future__ import annotations

import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from broadcrawl import ROOT, command, environment, query, stored
from support.network import Network, NetworkServer

from nianbao.pipelines.db import make_engine, upgrade


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_workers_store_each_report_once(
    shared: Path, db_url: str, redis_url: str, tmp_path: Path
) -> None:
    network = Network.build(24, shared, ROOT / "cassettes", seed=7)
    registry = network.write_registry(tmp_path / "portals.csv")
    run_id = f"test-broad-{uuid.uuid4().hex[:8]}"  # the Redis keys are this night's alone
    engine = make_engine(db_url)
    upgrade(engine)  # once, before the workers start (README "Scale-out")
    engine.dispose()
    with NetworkServer(network) as server:
        workers = []
        for number in range(2):
            folder = tmp_path / f"worker{number}"
            args = command(
                registry,
                db_url,
                folder,
                "--redis",
                redis_url,
                "--run-id",
                run_id,
                # Slow enough, and few enough requests taken off the queue at a time (a worker
                # holds up to CONCURRENT_REQUESTS), that both workers get a share of it.
                DOWNLOAD_DELAY="0.5",
                CONCURRENT_REQUESTS="4",
                CONCURRENT_REQUESTS_PER_DOMAIN="1",
                NIANBAO_REDIS_IDLE_WAIT="10",
            )
            workers.append(
                subprocess.Popen(
                    args,
                    cwd=ROOT,
                    env=environment(server.url),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        outputs = [worker.communicate(timeout=600) for worker in workers]
        for worker, (_, err) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, err[-3000:]
        fetched = Counter(
            (host, path)
            for (host, path, status), count in server.hits.items()
            for _ in range(count)
            if status == 200 and "/20" in path and path.endswith(("html", ".pdf"))
        )

    # Every report of every healthy portal, each exactly once.
    assert Counter(stored(db_url)) == Counter(dict.fromkeys(network.expected_reports(), 1))
    assert fetched and set(fetched.values()) == {1}  # one queue, one seen-set
    # Both workers crawled, and together they stored each report once.
    rows = query(
        db_url,
        "SELECT run_id, spider, reports_new, pages FROM crawl_run_spider WHERE spider = 'broad'",
    )
    assert len(rows) == 2
    assert all(row[3] > 0 for row in rows), rows
    assert sum(row[2] for row in rows) == len(network.expected_reports())
    server_keys = redis.Redis.from_url(redis_url).keys(f"nianbao:{run_id}:*")
    assert f"nianbao:{run_id}:broad:dupefilter".encode() in server_keys
