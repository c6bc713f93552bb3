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
    if written["reports"][1] == 0 and (args.year or args.authority or args.scope):
        # An empty file is a valid export, but after a filter it is usually a misspelt name.
        print(f"nianbao export: no stored report matches {_described(args)}", file=sys.stderr)
        return 1
    return 0


def _described(args: argparse.Namespace) -> str:
    parts = [f"--year {year}" for year in args.year]
    parts += [f"--authority {name}" for name in args.authority]
    parts += [f"--scope {args.scope}"] if args.scope else []
    return " ".join(parts) + " (`nianbao indicators` lists the authorities and years stored)"
