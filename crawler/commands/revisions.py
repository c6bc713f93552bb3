"""``nianbao revisions AUTHORITY YEAR``: every stored reading of a report and what changed."""

from __future__ import annotations

import argparse
import sys

from .database import add_db_argument, open_database
from .output import to_json

COMMAND = "revisions"
ORDER = 45
HELP = "list the stored readings (revisions) of one report and what changed between them"

#: Revisions that were the report's reading at some time, in order; the others sit beside.
_CHAIN = ("superseded", "current")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("authority", help="authority name (any spelling: 泸定县政府 works)")
    parser.add_argument("year", type=int, help="report year")
    parser.add_argument("--scope", choices=("self", "aggregate"), default="self")
    parser.add_argument("--json", action="store_true", help="one JSON document")
    add_db_argument(parser)


def history(session: object, authority: str, year: int, scope: str) -> dict[str, object] | None:
    """The revisions of a report with, for each, the changes from the reading it followed
    (chain revisions) or from the current reading (rejected and conflicting ones)."""
    from nianbao.pipelines.db.load import find_report, revision_report, revisions_of
    from nianbao.pipelines.db.revisions import diff

    row = find_report(session, authority, year, scope)  # type: ignore[arg-type]
    if row is None:
        return None
    revisions = revisions_of(session, row)  # type: ignore[arg-type]
    readings = {r.number: revision_report(session, row, r) for r in revisions}  # type: ignore[arg-type]
    current = next((r.number for r in revisions if r.status == "current"), row.revision)
    previous: int | None = None
    out = []
    for revision in revisions:
        if revision.status in _CHAIN:
            base, against = previous, "previous"
            previous = revision.number
        else:
            base, against = current, "current"
        changes = [] if base is None else diff(readings[base], readings[revision.number])
        out.append(
            {
                "number": revision.number,
                "status": revision.status,
                "created_at": revision.created_at,
                "source_url": revision.source_url,
                "spider": revision.spider,
                "cells": revision.cells,
                "violations": revision.violations,
                "note": revision.note,
                "compared_with": base,
                "compared_as": against if base is not None else None,
                "changes": [
                    {"kind": c.kind, "address": c.address, "old": c.old, "new": c.new}
                    for c in changes
                ],
                "_changes": changes,
            }
        )
    return {
        "authority": row.authority.name,
        "report_year": row.report_year,
        "scope": row.scope,
        "current": current,
        "source_urls": row.source_urls,
        "revisions": out,
    }


def run(args: argparse.Namespace) -> int:
    from nianbao.pipelines.db import session_factory

    with open_database(args) as engine, session_factory(engine)() as session:
        found = history(session, args.authority, args.year, args.scope)
    if found is None:
        print(
            f"nianbao revisions: no report {args.authority} {args.year} ({args.scope})",
            file=sys.stderr,
        )
        return 1
    revisions = found["revisions"]
    assert isinstance(revisions, list)
    if args.json:
        for revision in revisions:
            revision.pop("_changes")
        print(to_json(found, indent=2))
        return 0
    print(
        f"{found['authority']} {found['report_year']} ({found['scope']}): "
        f"{len(revisions)} revision(s), current #{found['current']}"
    )
    for revision in revisions:
        when = revision["created_at"].strftime("%Y-%m-%d %H:%M")
        print(
            f"#{revision['number']} {revision['status']:<10} {when}  cells {revision['cells']}"
            f"  violations {revision['violations']}  {revision['source_url'] or ''}"
        )
        if revision["note"]:
            print(f"    {revision['note']}")
        if revision["compared_with"] is not None:
            changes = revision["_changes"]
            print(
                f"    {len(changes)} change(s) from #{revision['compared_with']}"
                f" ({revision['compared_as']})"
            )
            for change in changes:
                print(f"      {change}")
    return 0
