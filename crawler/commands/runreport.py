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


#: The stats the download stage counts attachments under (pipelines/attachments_download.py,
#: pipelines/attachments.py): files fetched, and files refused or unavailable by code.
_ATTACHMENTS_FETCHED = "nianbao/attachments/downloaded"
_ATTACHMENTS_REFUSED = "nianbao/attachments/refused/"
#: Answers served from a cassette (crawler/middlewares/faults.py): not downloads.
_REPLAYED = "nianbao/http/replayed"

_HEADERS = (
    "spider", "pages", "downloaded", "replayed", "304", "new", "updated", "unchanged",
    "skipped", "errors", "rules broken (reports)", "faults", "flags",
)  # fmt: skip
_LEGEND = (
    "pages: answers received (downloaded, replayed from a cassette, 304, or the HTTP cache)",
    "rules broken (reports): reports read in this run that break a consistency rule",
)


def _stats(row: dict[str, Any]) -> dict[str, Any]:
    stats = row.get("stats")
    return stats if isinstance(stats, dict) else {}


def _figures(row: dict[str, Any]) -> list[int]:
    """The numeric columns of one spider's line, in :data:`_HEADERS` order."""
    return [
        row["pages"],
        row["full_downloads"],
        int(_stats(row).get(_REPLAYED, 0)),
        row["not_modified"],
        row["reports_new"],
        row["reports_updated"],
        row["reports_unchanged"] + row["reports_kept"],
        row["skipped_unchanged"],
        row["errors"],
        row["rule_violations"],
    ]


def attachments_line(rows: Sequence[dict[str, Any]]) -> str:
    """``"attachments: 3 available, 2 not read (attachment_unavailable 2)"`` over the run
    (available: downloaded, replayed, or still in the attachment store)."""
    fetched = 0
    refused: dict[str, int] = {}
    for row in rows:
        for key, value in _stats(row).items():
            if key == _ATTACHMENTS_FETCHED and isinstance(value, int):
                fetched += value
            elif key.startswith(_ATTACHMENTS_REFUSED) and isinstance(value, int) and value:
                code = key.removeprefix(_ATTACHMENTS_REFUSED)
                refused[code] = refused.get(code, 0) + value
    line = f"attachments: {fetched} available, {sum(refused.values())} not read"
    if refused:
        line += " (" + ", ".join(f"{code} {n}" for code, n in sorted(refused.items())) + ")"
    return line


def print_run_report(
    run_id: int, status: str, rows: Sequence[dict[str, Any]], out: TextIO = sys.stdout
) -> dict[str, list[dict[str, str]]]:
    """Print what each spider did in this run, the totals and the flags; return the flags."""
    print(f"\nThis run (run {run_id}, {status}): what each of its spiders did", file=out)
    table: list[tuple[Any, ...]] = []
    flagged: dict[str, list[dict[str, str]]] = {}
    totals = [0] * 10
    for row in rows:
        faults = ", ".join(f"{k} {v}" for k, v in sorted((row.get("faults") or {}).items()))
        names = [flag["flag"] for flag in row.get("flags") or []]
        if names:
            flagged[row["spider"]] = list(row["flags"])
        figures = _figures(row)
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        table.append((row["spider"], *figures, faults, " ".join(names)))
    table.append((f"total: {len(rows)} spider(s)", *totals, "", f"{len(flagged)} flagged"))
    print_table(_HEADERS, table, out)
    print(attachments_line(rows), file=out)
    for line in _LEGEND:
        print(line, file=out)
    for spider, spider_flags in sorted(flagged.items()):
        for flag in spider_flags:
            print(f"FLAG {spider}: {flag['flag']}: {flag['detail']}", file=out)
    return flagged
