"""``nianbao list``: the spiders, with their portal, CMS family and start URLs."""

from __future__ import annotations

import argparse
import sys

from scrapy.spiderloader import SpiderLoader

from .output import print_table, to_json
from .settings import build_settings

COMMAND = "list"
ORDER = 30
HELP = "list the spiders with their portal, CMS family and start URLs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="JSON lines instead of a table")


def spider_rows() -> list[dict[str, object]]:
    loader = SpiderLoader.from_settings(build_settings())
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


def run(args: argparse.Namespace) -> int:
    rows = spider_rows()
    if args.json:
        for row in rows:
            print(to_json(row))
        return 0
    table = [(r["name"], r["portal"], r["family"], " ".join(r["start_urls"])) for r in rows]
    print_table(("spider", "portal", "family", "start URLs"), table, sys.stdout)
    return 0
