"""``nianbao db``, ``revisions`` and ``export`` on SQLite and PostgreSQL, run in-process.

The stored reports are the 泸定县 2024 seed report (tests/conftest.py) and the all-zero table 三
of seed 001 (邙岭镇人民政府 2020); every number asserted is read off those seeds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.crawler.cli import main
from nianbao.parsers.model import Report
from nianbao.pipelines.db import head_revision, make_engine, session_factory, upgrade
from nianbao.pipelines.db.repository import save_report


def store(db_url: str, *reports: Report) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as session:
        for report in reports:
            save_report(session, report, spider="sichuan_luding", portal=None)
    engine.dispose()


def test_db_upgrade_and_current(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    if db_url.startswith("sqlite:///"):  # `current` only looks: a missing file stays missing
        assert main(["db", "current", "--db", db_url]) == 1
        assert f"no database at {db_url}" in capsys.readouterr().err
        assert not Path(db_url.removeprefix("sqlite:///")).parent.exists()
    else:
        assert main(["db", "current", "--db", db_url]) == 0
        assert f": empty (behind head {head_revision()})" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert capsys.readouterr().out.strip().endswith(f"empty -> {head_revision()}")
    assert main(["db", "current", "--db", db_url]) == 0
    assert capsys.readouterr().out.strip().endswith(f"{head_revision()} (up to date)")


def test_every_database_command_takes_the_environment_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    import nianbao.crawler.settings as project_settings

    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("NIANBAO_DB", url)
    importlib.reload(project_settings)
    try:
        assert main(["db", "upgrade"]) == 0
        assert main(["export", "--out", str(tmp_path / "out")]) == 0
    finally:
        monkeypatch.delenv("NIANBAO_DB")
        importlib.reload(project_settings)
    assert url in capsys.readouterr().out
    assert (tmp_path / "env.db").exists()
    assert (tmp_path / "out" / "reports.csv").read_text(encoding="utf-8").startswith("report_id,")


def test_revisions_lists_what_changed(
    db_url: str, luding_report: Callable[..., Report], capsys: pytest.CaptureFixture[str]
) -> None:
    store(db_url, luding_report(t4_padding_misread=True), luding_report())
    assert main(["revisions", "泸定县政府", "2024", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("泸定县人民政府 2024 (self): 2 revision(s), current #2")
    assert "#1 superseded" in out and "#2 current" in out
    assert "cell t4:review:upheld: 0 (blank_zero) -> 5" in out
    assert "check T4_GROUP_TOTAL[review]: fail -> pass" in out

    assert main(["revisions", "泸定县人民政府", "2024", "--json", "--db", db_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in data["revisions"]] == ["superseded", "current"]
    assert {"kind": "cell", "address": "t4:review:total", "old": "1", "new": "6"} in data[
        "revisions"
    ][1]["changes"]

    assert main(["revisions", "泸定县人民政府", "2023", "--db", db_url]) == 1


def test_export_csv_jsonl_parquet_with_filters(
    db_url: str,
    tmp_path: Path,
    luding_report: Callable[..., Report],
    zero_t3_report: Callable[[str, int, str], Report],
) -> None:
    store(db_url, luding_report(), zero_t3_report("邙岭镇人民政府", 2020, "t3_2019"))

    out = tmp_path / "csv"
    assert main(["export", "--db", db_url, "--out", str(out)]) == 0
    with (out / "cells.csv").open(encoding="utf-8") as handle:
        cells = list(csv.DictReader(handle))
    assert len(cells) == (10 + 25 * 7 + 15) + 23 * 7
    fee = next(c for c in cells if c["row_key"] == "fees")
    assert (fee["authority"], fee["value"], fee["value_raw"]) == (
        "泸定县人民政府",
        "204.92",
        "204.92",
    )
    with (out / "reports.csv").open(encoding="utf-8") as handle:
        reports = {r["authority"]: r for r in csv.DictReader(handle)}
    assert reports["泸定县人民政府"]["division_code"] == "513322"
    assert json.loads(reports["泸定县人民政府"]["source_urls"]) == [luding_report().source_url]

    out = tmp_path / "jsonl"
    assert (
        main(["export", "--format", "jsonl", "--year", "2020", "--db", db_url, "--out", str(out)])
        == 0
    )
    lines = [json.loads(line) for line in (out / "cells.jsonl").read_text("utf-8").splitlines()]
    assert {line["authority"] for line in lines} == {"邙岭镇人民政府"}
    assert {line["value"] for line in lines} == {0}
    assert (out / "checks.jsonl").read_text("utf-8") == ""  # built by hand with no checks

    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is in the test extra")
    out = tmp_path / "parquet"
    args = ["export", "--format", "parquet", "--authority", "泸定县政府", "--db", db_url]
    assert main([*args, "--out", str(out)]) == 0
    table = pq.read_table(out / "cells.parquet").to_pylist()
    assert len(table) == 10 + 25 * 7 + 15
    fee = next(row for row in table if row["row_key"] == "fees")
    assert fee["value"] == Decimal("204.92000")
    checks = pq.read_table(out / "checks.parquet").to_pylist()
    assert {(c["rule_id"], c["status"]) for c in checks} >= {("T3_BALANCE", "pass")}
    new = next(r for r in table if (r["row_key"], r["col_key"]) == ("new_requests", "total"))
    assert new["value"] == Decimal(34)


def test_plain_scrapy_crawl_honours_nianbao_db(db_url: str, tmp_path: Path) -> None:
    """``scrapy crawl`` from the repository root stores into the database NIANBAO_DB names."""
    import os
    import subprocess
    import sys

    from sqlalchemy import text

    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{tmp_path / 'from-env.db'}"
    scrapy = Path(sys.executable).with_name("scrapy")
    result = subprocess.run(
        [
            str(scrapy),
            "crawl",
            "sichuan_luding",
            *("-s", "CASSETTE_ENABLED=True", "-s", "CASSETTE_RECORD_MODE=none"),
            *("-s", "LOG_LEVEL=WARNING", "-s", f"NIANBAO_WARC_DIR={tmp_path / 'warc'}"),
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "NIANBAO_DB": db_url, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    engine = make_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT authority, report_year, t3_new_requests, t4_review_total FROM report_wide")
        ).all()
    engine.dispose()
    # Seed 002: 本年新收 34, 行政复议 总计 6.
    assert [tuple(row) for row in stored] == [("泸定县人民政府", 2024, 34, 6)]


def test_parse_and_list_take_db(
    db_url: str,
    shared: Path,
    capsys: pytest.CaptureFixture[str],
    luding_report: Callable[..., Report],
) -> None:
    from sqlalchemy import text

    seed = shared / "seeds" / "000_b5566a94ec5fc8f8.txt"
    assert main(["parse", str(seed), "--jsonl"]) == 0  # without --db nothing is stored
    assert main(["parse", str(seed), "--jsonl", "--db", db_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "stored" not in json.loads(lines[0])
    assert json.loads(lines[1])["stored"] == "new"
    engine = make_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT authority, report_year, parsed_from, source_url FROM report_wide")
        ).one()
    engine.dispose()
    assert tuple(stored) == ("渔洋镇人民政府", 2024, "page", seed.resolve().as_uri())

    store(db_url, luding_report())  # stored by spider sichuan_luding
    assert main(["list", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[-1] == "stored"
    assert any(
        line.startswith("sichuan_luding") and line.rstrip().endswith(" 1")
        for line in out.splitlines()
    )


def test_every_subcommand_takes_db() -> None:
    """Every subcommand that reads or writes reports takes --db URL (``db`` on each action)."""
    import argparse

    from nianbao.crawler.cli import build_parser, command_modules

    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    names = {"crawl", "parse", "list", "db", "revisions", "export", "serve", "reparse"}
    assert names <= {module.COMMAND for module in command_modules()}
    for name in sorted(names):
        sub = subparsers.choices[name]
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        targets = list(nested[0].choices.values()) if nested else [sub]
        for target in targets:
            options = {option for action in target._actions for option in action.option_strings}
            assert "--db" in options, f"nianbao {name} {target.prog} has no --db"
