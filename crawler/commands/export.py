"""``nianbao export``: reports, cells, checks and prose figures as CSV, JSON lines or Parquet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .database import add_db_argument, open_database

COMMAND = "export"
ORDER = 50
HELP = "export reports, cells, checks and prose figures (csv, jsonl or parquet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "jsonl", "parquet"), default="csv")
    parser.add_argument("--year", type=int, action="append", default=[], help="repeatable")
    parser.add_argument(
        "--authority", action="append", default=[], help="authority name, repeatable"
    )
    parser.add_argument("--scope", choices=("self", "aggregate"))
    parser.add_argument("--out", type=Path, default=Path("export"), help="folder (./export)")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from nianbao.pipelines.db.export import ExportFilter, export

    selection = ExportFilter(years=args.year, authorities=args.authority, scope=args.scope)
    try:
        with open_database(args) as engine:
            written = export(engine, args.out, args.format, selection)
    except RuntimeError as error:
        print(f"nianbao export: {error}", file=sys.stderr)
        return 2
    for name, (path, count) in written.items():
        print(f"{count:>9} {name:<8} {path}")
    return 0
