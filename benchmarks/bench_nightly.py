"""Nightly figures for the README: faults injected and survived, reports lost, re-crawl cost.

Runs real ``nianbao crawl`` subprocesses against the simulated portal on 127.0.0.1 (the
project's 19 real reports, tests/support/portal.py) into a fresh SQLite database:

1. a first night with every fault kind injected on some pages,
2. a healthy night (what failed is retried),
3. an unchanged night (the re-crawl cost),
4. a night on which every stored page is republished and then served broken.

    python benchmarks/bench_nightly.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test scaffolding: see tests/support/__init__.py

from support import environment  # noqa: E402
from support.faults import broken_stored, first_night, inject  # noqa: E402
from support.portal import SimulatedPortal, real_reports  # noqa: E402
from support.spiders import crawl_command  # noqa: E402

#: The portal's crawl settings (support.spiders.SETTINGS), quiet.
QUIET = {"NIANBAO_PROGRESS": "off", "LOG_LEVEL": "WARNING"}


def crawl(portal: SimulatedPortal, db: Path, tmp: Path) -> tuple[int, dict[str, object], float]:
    args = crawl_command(portal.url, f"sqlite:///{db}", tmp, **QUIET)
    started = time.monotonic()
    result = subprocess.run(
        args, cwd=ROOT, env=environment(), capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT faults, full_downloads, not_modified, skipped_unchanged, reports_new, "
            "reports_updated, reports_unchanged, reports_kept, finish_reason "
            "FROM crawl_run_spider ORDER BY id DESC LIMIT 1"
        ).fetchone()
    keys = ("faults", "full", "not_modified", "skipped", "new", "updated", "unchanged", "kept")
    run: dict[str, object] = dict(zip(keys, row[:8], strict=True))
    run["faults"] = json.loads(str(run["faults"]))
    run["finish_reason"] = row[8]
    return result.returncode, run, elapsed


def snapshot(db: Path) -> dict[tuple[str, int], int]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT a.name, r.report_year, (SELECT count(*) FROM cell c WHERE c.report_id = r.id) "
            "FROM report r JOIN authority a ON a.id = r.authority_id"
        ).fetchall()
    return {(name, year): cells for name, year, cells in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    options = parser.parse_args()
    reports = real_reports(options.shared, ROOT / "cassettes")
    with tempfile.TemporaryDirectory() as folder, SimulatedPortal(reports) as portal:
        tmp = Path(folder)
        db = tmp / "nianbao.db"
        lost = 0
        nights = []

        inject(portal, first_night())
        status, run, elapsed = crawl(portal, db, tmp)
        # What a full crawl downloads: every list page and every report page.
        first_downloads = portal.pages + len(portal.reports)
        nights.append(("1 faults on new pages", status, run, elapsed, len(portal.hits)))

        portal.faults.clear()
        mark = len(portal.hits)
        status, run, elapsed = crawl(portal, db, tmp)
        nights.append(("2 healthy", status, run, elapsed, len(portal.hits) - mark))
        before = snapshot(db)

        mark = len(portal.hits)
        status, run, elapsed = crawl(portal, db, tmp)
        recrawl = portal.hits[mark:]
        recrawl_downloads = sum(1 for h in recrawl if h.status == 200)
        nights.append(("3 unchanged", status, run, elapsed, len(recrawl)))

        for report in portal.reports:
            report.html = report.html.replace("</body>", "<!-- republished --></body>")
            report.version = 2
        inject(portal, broken_stored())
        mark = len(portal.hits)
        status, run, elapsed = crawl(portal, db, tmp)
        nights.append(("4 faults on stored pages", status, run, elapsed, len(portal.hits) - mark))
        after = snapshot(db)
        lost = sum(1 for key in before if key not in after)
        worse = sum(1 for key, cells in before.items() if after.get(key, 0) < cells)

    injected = sum(1 for hit in portal.hits if hit.fault)
    counted = sum(sum(n["faults"].values()) for _, _, n, _, _ in nights)  # type: ignore[union-attr]
    survived = sum(
        1 for _, status, n, _, _ in nights if status == 0 and n["finish_reason"] == "finished"
    )
    print(f"reports on the portal: {len(reports)}")
    for name, status, run, elapsed, requests in nights:
        print(f"night {name}: exit {status}, {requests} requests, {elapsed:.1f} s, {run}")
    print(
        f"faults injected (answers the portal broke): {injected}; counted in run records: {counted}"
    )
    print(f"nights finished: {survived}/{len(nights)}; reports lost: {lost}; made worse: {worse}")
    print(
        f"re-crawl of the unchanged portal: {recrawl_downloads} full downloads "
        f"of the {first_downloads} pages a full crawl downloads "
        f"({recrawl_downloads / first_downloads:.1%}), {len(recrawl)} requests"
    )


if __name__ == "__main__":
    main()
