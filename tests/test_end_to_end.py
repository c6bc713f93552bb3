"""The vertical slice, end to end: spider → clean → parse → validate → store.

Crawls run in subprocesses (the Twisted reactor cannot restart inside one pytest process).
The recording test puts a local portal simulator on 127.0.0.1 in front of the spider as its HTTP
proxy, so the spider runs unchanged against its real URLs, records a cassette, and must give
the same items from that cassette once the simulator is gone.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from simulator import Portal, serving

from nianbao.crawler.middlewares.cassette_yaml import load_cassette, load_interactions

ROOT = Path(__file__).resolve().parents[1]
SCRAPY = [sys.executable, "-m", "scrapy"]
NIANBAO = [sys.executable, "-m", "nianbao.crawler"]
LUDING_URL = "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/article/633321"


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    environment.update(env)
    return subprocess.run(
        args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def test_main_job_replays_every_spider_into_sqlite(tmp_path: Path) -> None:
    """`nianbao crawl --all --replay` (what scripts/crawl.sh runs) stores 泸定县 2024."""
    db = tmp_path / "nianbao.db"
    result = _run([*NIANBAO, "crawl", "--all", "--replay", "--db", f"sqlite:///{db}"], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"泸定县人民政府\s+2024\s+f2021\s+t2,t3,t4", result.stdout), result.stdout
    with sqlite3.connect(db) as connection:

        def cell(table: str, row: str, col: str) -> object:
            return connection.execute(
                "SELECT c.value FROM cell c JOIN report r ON r.id = c.report_id "
                "JOIN authority a ON a.id = r.authority_id "
                "WHERE a.name = ? AND r.report_year = ? AND c.table_id = ? "
                "AND c.row_key = ? AND c.col_key = ?",
                ("泸定县人民政府", 2024, table, row, col),
            ).fetchone()[0]

        # Typed from seed 002: 一、本年新收 31 | 3 | … | 34; table 四 | 5 | 0 | 0 | 1 | 6 | …
        assert cell("t3_2021", "new_requests", "natural_person") == 31
        assert cell("t3_2021", "new_requests", "total") == 34
        assert cell("t3_2021", "unable.not_held", "total") == 8
        assert cell("t4", "review", "upheld") == 5
        assert cell("t4", "litigation_after_review", "corrected") == 1
        assert cell("t2_2021", "fees", "amount_wan_yuan") == 204.92
        assert cell("t2_2021", "licensing", "decisions") == 15889
        (violations, text) = connection.execute(
            "SELECT violations, text FROM report WHERE source_url = ?", (LUDING_URL,)
        ).fetchone()
        assert violations == 0
        assert "扫一扫在手机上查看当前页面" not in text and "我要纠错" not in text
        statuses = dict(
            connection.execute(
                "SELECT c.rule_id, group_concat(DISTINCT c.status) FROM check_result c "
                "JOIN report r ON r.id = c.report_id WHERE r.source_url = ? GROUP BY c.rule_id",
                (LUDING_URL,),
            ).fetchall()
        )
        assert {statuses[r] for r in ("T3_BALANCE", "T3_ROW_TOTAL", "T3_OUTCOMES")} == {"pass"}
        assert statuses["T4_GROUP_TOTAL"] == "pass"

    # Every portal spider ran: one report per report page their columns hold (16, asserted
    # portal by portal in tests/spiders/test_<spider>.py), keyed by authority and year.
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM report").fetchone()[0] == 16
    again = _run([*NIANBAO, "crawl", "--all", "--replay", "--db", f"sqlite:///{db}"], tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM report").fetchone()[0] == 16


def test_replay_fails_loudly_on_a_request_no_cassette_holds(tmp_path: Path) -> None:
    empty = tmp_path / "cassettes"
    (empty / "sichuan_luding").mkdir(parents=True)
    result = _run(
        [
            *NIANBAO,
            "crawl",
            "sichuan_luding",
            "--replay",
            "--cassette-dir",
            str(empty),
            "--db",
            f"sqlite:///{tmp_path / 'x.db'}",
        ],
        tmp_path,
    )
    assert result.returncode == 1
    assert "no cassette" in result.stderr
    assert "http://www.luding.gov.cn/ldxrmzf2024zfnbzf/" in result.stderr


@pytest.fixture
def portal_simulator() -> Iterator[tuple[str, Portal]]:
    """The 泸定县 pages of the committed cassette, served as the spider's HTTP proxy."""
    portal = Portal()
    for interaction in load_interactions(ROOT / "cassettes/sichuan_luding"):
        portal.add(interaction)
    with serving(portal) as proxy:
        yield proxy, portal


def _items(path: Path) -> list[dict[str, object]]:
    items = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    for item in items:
        item.pop("fetched_at", None)
    return items


def test_record_then_replay_gives_the_same_items(
    tmp_path: Path, portal_simulator: tuple[str, Portal]
) -> None:
    proxy, portal = portal_simulator
    cassettes = tmp_path / "cassettes"
    common = [
        "-s",
        f"CASSETTE_DIR={cassettes}",
        "-s",
        "ITEM_PIPELINES={}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "LOG_LEVEL=INFO",
    ]
    recorded = tmp_path / "recorded.jsonl"
    result = _run(
        [
            *SCRAPY,
            "crawl",
            "sichuan_luding",
            "-s",
            "CASSETTE_ENABLED=True",
            "-s",
            "CASSETTE_RECORD_MODE=all",
            *common,
            "-O",
            str(recorded),
        ],
        tmp_path,
        http_proxy=proxy,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert ("GET", LUDING_URL) in portal.seen  # the pages really came from the simulator
    cassette = cassettes / "sichuan_luding" / "www.luding.gov.cn.yaml"
    assert {i.url for i in load_cassette(cassette)} >= {LUDING_URL}

    replayed = tmp_path / "replayed.jsonl"
    result = _run(
        [
            *SCRAPY,
            "crawl",
            "sichuan_luding",
            "-s",
            "CASSETTE_ENABLED=True",
            "-s",
            "CASSETTE_RECORD_MODE=none",
            *common,
            "-O",
            str(replayed),
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'cassette/miss'" not in result.stderr
    assert _items(replayed) == _items(recorded)
    assert [item["source_url"] for item in _items(replayed)] == [LUDING_URL]
