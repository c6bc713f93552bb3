"""Scale-out: two worker processes on one scrapy-redis queue, one PostgreSQL database.

Needs the real Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432): skipped where they are
missing, failed under CI.
"""

from __future__ import annotations

import subprocess
import uuid
from collections import Counter

import pytest
import redis
from nightcrawl import ROOT, Nights, environment

from nianbao.pipelines.db import make_engine, upgrade


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_workers_one_queue_every_report_stored_once(
    nights: Nights, db_url: str, redis_url: str
) -> None:
    nights.db_url = db_url
    portal = nights.portal
    portal.latency = 1.0  # slow report pages, so that both workers get a share
    run_id = f"test-{uuid.uuid4().hex[:8]}"
    # Each worker takes at most two requests off the shared queue at a time, so the queue still
    # holds work when the second worker polls it (Scrapy looks every 5 seconds when idle).
    command = nights.command(
        "--redis",
        redis_url,
        "--run-id",
        run_id,
        NIANBAO_REDIS_IDLE_WAIT="10",
        CONCURRENT_REQUESTS="2",
        CONCURRENT_REQUESTS_PER_DOMAIN="2",
    )
    # The schema is brought up to date once, before the workers start (as in the README):
    # two processes migrating one empty database at the same instant would race.
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    workers = [subprocess.Popen(command, cwd=ROOT, env=environment(), **pipes) for _ in range(2)]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-3000:]

    report_fetches = Counter(
        hit.path for hit in portal.hits if hit.status == 200 and "/t2025" in hit.path
    )
    assert len(report_fetches) == 19
    assert set(report_fetches.values()) == {1}  # one queue, one seen-set: each page once
    assert len(nights.reports()) == 19, [err[-4000:] for _, err in outputs]  # stderr tails
    # Each worker recorded its own run; together they stored every report exactly once.
    rows = nights.query(
        "SELECT run_id, report_pages, reports_new FROM crawl_run_spider ORDER BY run_id"
    )
    assert len(rows) == 2
    assert sum(row[2] for row in rows) == 19
    assert all(row[1] >= 1 for row in rows), rows  # both workers crawled
    server = redis.Redis.from_url(redis_url)
    keys = {key.decode() for key in server.keys(f"nianbao:{run_id}:*")}
    assert f"nianbao:{run_id}:simulated_portal:dupefilter" in keys
    assert all(server.ttl(key) > 0 for key in keys)  # the night's keys expire
