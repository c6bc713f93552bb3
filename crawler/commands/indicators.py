"""``nianbao indicators``: the transparency indicators per authority and year.

The rows of the database view ``indicators`` (defined in ``pipelines/db/indicators.py``): on
time, template, consistency and trend, as an aligned table (the commonest questions first), one
JSON array, or CSV with every column.
"""

from __future__ import annotations

import argparse
import csv
import sys

from .database import add_db_argument, open_database
from .output import print_table, to_json

COMMAND = "indicators"
ORDER = 47
HELP = "transparency indicators per report: on time, template, consistency, year-on-year trend"

#: What the plain table shows (every column is in --json and --csv).
TABLE_COLUMNS = (
    "authority",
    "report_year",
    "on_time",
    "days_late",
    "format_used",
    "format_ok",
    "sections_missing",
    "rules_broken_ids",
    "prose_disagreements",
    "applications",
    "applications_change",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--authority", metavar="A", help="only this authority (any spelling)")
    parser.add_argument("--year", metavar="Y", type=int, help="only this report year")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON array, every column")
    output.add_argument("--csv", action="store_true", help="CSV with a header, every column")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from nianbao.pipelines.db.indicators_view import columns, read_indicators

    with open_database(args) as engine, engine.connect() as connection:
        rows = read_indicators(connection, authority=args.authority, year=args.year)
    if args.json:
        print(to_json(rows))
        return 0
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    if not rows:
        print("nianbao indicators: no stored report matches", file=sys.stderr)
        return 0
    print_table(TABLE_COLUMNS, [[row[c] for c in TABLE_COLUMNS] for row in rows], sys.stdout)
    return 0
