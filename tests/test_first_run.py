"""The README's first command, as a new user runs it: a clean replay prints no ERROR, and its
summary says what it counts.

``scripts/crawl.sh`` runs ``nianbao crawl --all --replay --loglevel WARNING`` on the bundled
cassettes. The 四坝镇 2017 page of gansu_liangzhou links two attachments that its portal answered
with 404 (recorded in the cassette): a counted ``attachment_unavailable`` outcome, not a logged
traceback. Every other figure asserted here is read from the same run's database.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from nianbao_cli import ROOT, run_nianbao

from nianbao.crawler.commands.summary import warnings_by_code
from nianbao.crawler.middlewares.cassette_yaml import load_cassette, write_cassette

LIANGZHOU = "凉州区四坝镇人民政府"
#: The two attachment links of the 四坝镇 2017 page (cassettes/gansu_liangzhou, answered 404).
UNAVAILABLE = {
    "http://www.gsliangzhou.gov.cn/module/download/downfile.jsp?classid=0&filename=sbz2017_1.xls",
    "http://www.gsliangzhou.gov.cn/module/download/downfile.jsp?classid=0&filename=sbz2017_2.doc",
}


def _nianbao(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``nianbao ARGS`` from the repository root, with every output folder under ``tmp``."""
    env = {
        **os.environ,
        "NIANBAO_ATTACHMENT_STORE": str(tmp / "attachments"),
        "NIANBAO_WARC_DIR": str(tmp / "warc"),
        "NIANBAO_CACHE_DIR": str(tmp / "httpcache"),
        "NIANBAO_JOBS_DIR": str(tmp / "jobs"),
        "NIANBAO_PROGRESS": "off",
    }
    return run_nianbao(*args, env=env)


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if " ERROR" in line or "Traceback" in line]


def _cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def _stored_warnings(db: Path, authority: str) -> list[dict[str, str]]:
    with sqlite3.connect(db) as connection:
        (warnings,) = connection.execute(
            "SELECT r.warnings FROM report r JOIN authority a ON a.id = r.authority_id "
            "WHERE a.name = ?",
            (authority,),
        ).fetchone()
    return json.loads(warnings)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, str]:
    """(temp folder, database, stdout, stderr) of scripts/crawl.sh's command on a fresh DB."""
    tmp = tmp_path_factory.mktemp("first_run")
    db = tmp / "nianbao.db"
    done = _nianbao(
        tmp, "crawl", "--all", "--replay", "--loglevel", "WARNING", "--db", f"sqlite:///{db}"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return tmp, db, done.stdout, done.stderr


def test_a_clean_first_run_prints_no_error(first_run: tuple[Path, Path, str, str]) -> None:
    _, db, stdout, stderr = first_run
    assert _error_lines(stderr) == []
    assert "DeprecationWarning" not in stderr  # e.g. the store pipeline handing Scrapy a Deferred
    stored = [w for w in _stored_warnings(db, LIANGZHOU) if w["code"] == "attachment_unavailable"]
    assert {w["detail"] for w in stored} == {f"{url}: HTTP 404" for url in UNAVAILABLE}
    warnings_line = next(line for line in stdout.splitlines() if line.startswith("warnings by"))
    assert "attachment_unavailable 2" in warnings_line
    assert "2 not read (attachment_unavailable 2)" in stdout


def test_the_summary_says_what_it_counts(first_run: tuple[Path, Path, str, str]) -> None:
    _, db, stdout, _ = first_run
    with sqlite3.connect(db) as connection:
        (in_database,) = connection.execute("SELECT count(*) FROM report").fetchone()
        (spiders,) = connection.execute("SELECT count(*) FROM crawl_run_spider").fetchone()
    lines = stdout.splitlines()
    title = next(line for line in lines if line.startswith("Reports stored by"))
    match = re.fullmatch(
        r"Reports stored by this run's (\d+) spiders: (\d+) "
        r"\(the whole database, .+, holds (\d+)\)",
        title,
    )
    assert match, title
    assert (int(match[1]), int(match[2]), int(match[3])) == (spiders, in_database, in_database)
    report_total = _cells(next(line for line in lines if line.startswith("total: ")))
    assert report_total[0] == f"total: {in_database} report(s)"
    with sqlite3.connect(db) as connection:
        warnings = sum(
            len(json.loads(w)) for (w,) in connection.execute("SELECT warnings FROM report")
        )
    assert report_total[-1] == str(warnings)
    # One word for failed rules in both tables.
    assert "violation" not in stdout
    headers = [line for line in lines if line.startswith(("authority ", "spider "))]
    assert len(headers) == 2
    assert "rules broken" in headers[0] and "rules broken (reports)" in headers[1]


def test_a_replay_is_not_counted_as_download(first_run: tuple[Path, Path, str, str]) -> None:
    _, _, stdout, _ = first_run
    lines = stdout.splitlines()
    header = _cells(next(line for line in lines if line.startswith("spider ")))
    total = _cells(
        next(line for line in lines if line.startswith("total: ") and "spider(s)" in line)
    )
    figures = dict(zip(header[1:], total[1:], strict=False))
    assert figures["downloaded"] == "0"
    assert int(figures["replayed"]) == int(figures["pages"]) > 0


def test_reparse_after_a_replay_says_how_to_capture(
    first_run: tuple[Path, Path, str, str],
) -> None:
    tmp, db, _, _ = first_run
    done = _nianbao(tmp, "reparse", "--db", f"sqlite:///{db}")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "a --replay crawl is not captured" in done.stderr
    assert "NIANBAO_WARC_CAPTURE_REPLAYED=True" in done.stderr


def test_an_attachment_missing_from_its_cassette_is_unavailable(tmp_path: Path) -> None:
    """The cassette without its two attachment answers: each is a cassette miss, a warning
    (not an ERROR), stored as attachment_unavailable; the replay still exits 1 for the miss."""
    folder = tmp_path / "cassettes" / "gansu_liangzhou"
    shutil.copytree(ROOT / "cassettes" / "gansu_liangzhou", folder)
    path = folder / "www.gsliangzhou.gov.cn.yaml"
    kept = [i for i in load_cassette(path) if i.url not in UNAVAILABLE]
    assert len(kept) == len(load_cassette(path)) - 2
    write_cassette(path, kept)
    db = tmp_path / "nianbao.db"
    done = _nianbao(
        tmp_path,
        "crawl",
        "gansu_liangzhou",
        "--replay",
        "--loglevel",
        "WARNING",
        "--cassette-dir",
        str(tmp_path / "cassettes"),
        "--db",
        f"sqlite:///{db}",
    )
    assert done.returncode == 1
    assert _error_lines(done.stderr) == []
    assert "gansu_liangzhou: 2 request(s) had no cassette" in done.stderr
    stored = [w for w in _stored_warnings(db, LIANGZHOU) if w["code"] == "attachment_unavailable"]
    assert {w["detail"] for w in stored} == {
        f"{url}: Not in cassette: GET {url}" for url in UNAVAILABLE
    }


def test_warnings_by_code_names_the_five_commonest() -> None:
    codes = ["a"] * 4 + ["b"] * 3 + ["c"] * 3 + ["d", "e", "f", "g", "g"]
    assert warnings_by_code(codes) == "a 4, b 3, c 3, g 2, d 1, and 2 others (2)"
    assert warnings_by_code(["x", "x"]) == "x 2"
    assert warnings_by_code([]) == "none"
