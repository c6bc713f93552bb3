"""The ``nianbao`` command line: one subcommand per module in ``crawler/commands``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .commands import crawl, listing, parse

COMMANDS = {
    "crawl": (crawl, "run spiders (live, --replay from cassettes, or --record)"),
    "parse": (parse, "parse saved report pages or text files, print JSON"),
    "list": (listing, "list the spiders with their portal, CMS family and start URLs"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="Harvest 政府信息公开工作年度报告 into SQL, keyed by authority and year.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
