"""``nianbao discover``: the simulated portals of every family (the generic spider's sites,
tests/spiders/test_generic.py) and the real pages of ../shared/corpus/html, served through the
simulator proxy on 127.0.0.1; one discovery run over all of them, then --append."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from simulator import Portal, serving
from test_generic import CQJLP, LEIYANG, LIANGZHOU, SHUYANG, SITES, SUIXI, YIWU

from nianbao.crawler.spiders.registry import read_rows

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NIANBAO_SHARED") or REPO.parent / "shared")
HTML = SHARED / "corpus" / "html"
#: The real 恩格贝 TRS 年报 list page (its own URL was not recorded: a URL of its shape).
ENGEBEI = "http://www.egb.gov.cn/xxgk/xxgknb/"
#: The real 瑞数 challenge page: a blocked portal, where nothing may be found.
BLOCKED = "http://www.nmpa.gov.cn/"
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]


def discover(*args: str, proxy: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["http_proxy"] = proxy
    return subprocess.run(
        [sys.executable, "-m", "nianbao.crawler", "discover", *args, *FAST],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def parsed(stdout: str) -> tuple[list[dict[str, str]], list[str]]:
    lines = stdout.splitlines()
    notes = [line for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if line[:1] != "#"))))
    return rows, notes


@pytest.fixture(scope="module")
def portal() -> Portal:
    portal = Portal()
    for build, _, _ in SITES.values():
        build(portal)
    headers = {"Content-Type": "text/html"}
    from nianbao.crawler.middlewares.cassette_yaml import Interaction

    portal.add(
        Interaction(
            "GET", ENGEBEI, 200, headers, (HTML / "trs_list_ordos_egb_xxgknb.html").read_bytes()
        )
    )
    challenge = (HTML / "ruishu_challenge_head_nmpa.html").read_bytes()
    portal.add(Interaction("GET", BLOCKED, 412, headers, challenge))
    return portal


@pytest.fixture(scope="module")
def found(portal: Portal, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    starts = [start for _, start, _ in SITES.values()] + [ENGEBEI, BLOCKED]
    listing = tmp_path_factory.mktemp("discover") / "starts.txt"
    listing.write_text("# start pages\n" + "\n".join(starts) + "\n", encoding="utf-8")
    with serving(portal) as proxy:
        result = discover("--file", str(listing), proxy=proxy)
    assert result.returncode == 0, result.stderr[-3000:]
    rows, notes = parsed(result.stdout)
    return {"rows": {row["column_urls"]: row for row in rows}, "notes": notes, "out": result.stdout}


#: column found -> family, reports its lists show (at least)
EXPECTED = {
    LEIYANG + "/xxgk/xxgknb/": ("link_list", 1),
    CQJLP + "/zwgk/zfxxgknb/": ("trs", 1),
    LIANGZHOU + "/col/col9001/index.html": ("hanweb", 1),
    YIWU + "/col/col1229134232/index.html": ("hanweb", 1),
    SHUYANG + "/shuyang/gknb/gknb.shtml": ("ucap", 2),
    SUIXI + "/gkmlpt/index#2": ("gkmlpt", 1),
    ENGEBEI: ("trs", 1),
}


def test_finds_the_column_of_every_family_with_its_reports(found: dict[str, Any]) -> None:
    rows = found["rows"]
    assert set(rows) == set(EXPECTED), found["out"]
    for url, (family, reports) in EXPECTED.items():
        row = rows[url]
        assert row["family"] == family, (url, row)
        note = next(n for n in found["notes"] if n.startswith(f"# {row['name']}:"))
        seen = int(note.split(" report(s) seen")[0].rsplit(" ", 1)[1])
        assert seen >= reports, note
        assert float(note.split("confidence ")[1].split(",")[0]) >= 0.5, note


def test_rows_are_a_valid_registry(found: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "found.csv"
    path.write_text(found["out"], encoding="utf-8")
    rows = read_rows(path)
    assert {row.column_urls[0] for row in rows} == set(EXPECTED)
    assert all(row.name and row.portal for row in rows)
    assert found["rows"][LEIYANG + "/xxgk/xxgknb/"]["allowed_domains"] == "leiyang.gov.cn"


def test_the_blocked_portal_gives_nothing(found: dict[str, Any]) -> None:
    assert not any("nmpa" in url for url in found["rows"])
    assert (
        f"# {BLOCKED}: no 年报 column found (blocked, unreachable or none linked)" in found["notes"]
    )


def test_append_adds_checked_rows_and_says_so(portal: Portal, tmp_path: Path) -> None:
    registry = tmp_path / "portals.csv"
    with serving(portal) as proxy:
        first = discover(LEIYANG + "/", "--append", "--registry", str(registry), proxy=proxy)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "appended leiyang" in first.stderr
        (row,) = read_rows(registry)
        assert row.family == "link_list" and row.column_urls == (LEIYANG + "/xxgk/xxgknb/",)
        again = discover(
            LEIYANG + "/",
            "--append",
            "--registry",
            str(registry),
            "--min-confidence",
            "1.01",
            proxy=proxy,
        )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "NOT appended" in again.stdout and "appended nothing" in again.stderr
    assert len(read_rows(registry)) == 1
