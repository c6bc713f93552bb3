"""``nianbao list``: the spiders, with their portal, CMS family and start URLs."""

from __future__ import annotations

import argparse
import sys

from scrapy.spiderloader import get_spider_loader

from .database import add_db_argument
from .output import print_table, to_json
from .settings import build_settings

COMMAND = "list"
ORDER = 30
HELP = "list the spiders with their portal, CMS family and start URLs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    add_db_argument(parser, help="also count each spider's reports stored in this database")


def spider_rows() -> list[dict[str, object]]:
    loader = get_spider_loader(build_settings())
    rows = []
    for name in sorted(loader.list()):
        spider = loader.load(name)
        rows.append(
            {
                "name": name,
                "portal": getattr(spider, "portal", ""),
                "family": getattr(spider, "family", ""),
                "start_urls": list(
                    getattr(spider, "column_urls", None) or getattr(spider, "start_urls", ())
                ),
            }
        )
    return rows


def stored_counts(url: str) -> dict[str, int]:
    """Reports stored per spider (the spider that stored each report's current reading)."""
    from sqlalchemy import func, select

    from nianbao.pipelines.db import make_engine, upgrade
    from nianbao.pipelines.db.models import ReportRow

    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            statement = select(ReportRow.spider, func.count()).group_by(ReportRow.spider)
            return {spider: count for spider, count in connection.execute(statement) if spider}
    finally:
        engine.dispose()


def run(args: argparse.Namespace) -> int:
    rows = spider_rows()
    if args.db:
        counts = stored_counts(args.db)
        for row in rows:
            row["stored"] = counts.get(str(row["name"]), 0)
    if args.json:  # one JSON array, so that `nianbao list --json | jq` reads one document
        print("[" + ",\n".join(to_json(row) for row in rows) + "]")
        return 0
    headers: tuple[str, ...] = ("spider", "portal", "family", "start URLs")
    table = [[r["name"], r["portal"], r["family"], " ".join(r["start_urls"])] for r in rows]
    if args.db:
        headers += ("stored",)
        for line, row in zip(table, rows, strict=True):
            line.append(row["stored"])
    print_table(headers, table, sys.stdout)
    return 0
