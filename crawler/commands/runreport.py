"""The run record of ``nianbao crawl``: opened before the spiders start, closed and printed after.

Not a subcommand (no ``COMMAND``): helpers of :mod:`crawl`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .output import print_table

#: Run status from the spiders' finish reasons.
RESUMABLE_REASONS = frozenset({"shutdown"})


def run_status(reasons: Sequence[str | None]) -> str:
    """``finished`` when every spider finished, ``interrupted`` when stopped (it will resume),
    else ``failed``."""
    if all(reason == "finished" for reason in reasons):
        return "finished"
    if any(reason in RESUMABLE_REASONS for reason in reasons):
        return "interrupted"
    return "failed"


def open_run(database_url: str, command: str) -> int:
    from nianbao.pipelines.db import make_engine, session_factory, upgrade
    from nianbao.pipelines.db.nightly import start_run

    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with session_factory(engine)() as session:
            return start_run(session, command)
    finally:
        engine.dispose()


def close_run(database_url: str, run_id: int, status: str) -> list[dict[str, Any]]:
    """Close the run; return its spider rows as dicts (figures and flags)."""
    from nianbao.pipelines.db import make_engine, session_factory
    from nianbao.pipelines.db.nightly import finish_run, spider_rows

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            finish_run(session, run_id, status)
            return [
                {c.name: getattr(row, c.name) for c in row.__table__.columns}
                for row in spider_rows(session, run_id)
            ]
    finally:
        engine.dispose()


def print_run_report(
    run_id: int, status: str, rows: Sequence[dict[str, Any]], out: TextIO = sys.stdout
) -> dict[str, list[dict[str, str]]]:
    """Print the per-spider table and the flags; return the flags by spider."""
    print(f"\nrun {run_id}: {status}", file=out)
    headers = (
        "spider", "pages", "downloads", "304", "new", "updated", "unchanged", "skipped",
        "errors", "rules", "faults", "flags",
    )  # fmt: skip
    table = []
    flagged: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        faults = ", ".join(f"{k} {v}" for k, v in sorted((row.get("faults") or {}).items()))
        names = [flag["flag"] for flag in row.get("flags") or []]
        if names:
            flagged[row["spider"]] = list(row["flags"])
        table.append(
            (
                row["spider"],
                row["pages"],
                row["full_downloads"],
                row["not_modified"],
                row["reports_new"],
                row["reports_updated"],
                row["reports_unchanged"] + row["reports_kept"],
                row["skipped_unchanged"],
                row["errors"],
                row["rule_violations"],
                faults,
                " ".join(names),
            )
        )
    print_table(headers, table, out)
    for spider, spider_flags in sorted(flagged.items()):
        for flag in spider_flags:
            print(f"FLAG {spider}: {flag['flag']}: {flag['detail']}", file=out)
    return flagged
