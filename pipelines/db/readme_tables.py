"""The README's analyst tables, written from ``columns.py`` and ``indicators.py``.

Each table sits between ``<!-- columns:NAME -->`` and ``<!-- /columns -->`` in README.md;
:func:`update` rewrites what is between the markers and nothing else, and
``tests/pipelines/test_view_columns.py`` fails while the README differs from it. To regenerate
after changing a description::

    python -m nianbao.pipelines.db.readme_tables            # rewrite README.md in place
    python -m nianbao.pipelines.db.readme_tables --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from .columns import REPORT_CHECK, REPORT_VALUE, REPORT_WIDE, T3_COLUMNS, T4_COLUMNS, View
from .indicators import GROUPS, INDICATORS

README = Path(__file__).resolve().parents[2] / "README.md"
_BLOCK = re.compile(r"(<!-- columns:(?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /columns -->)", re.S)


def _range(names: dict[str, str]) -> str:
    """First and last of a run of columns, as the README abbreviates them."""
    first, *_, last = names
    return f"`{first}` … `{last}`"


def _view_row(view: View, **ranges: str) -> str:
    return f"| view `{view.name}` | {view.one_row_per} | {view.summary.format(**ranges)} |"


def views_table() -> str:
    """The analyst views: what one row is and what it holds."""
    return "\n".join(
        [
            "| view | one row per | notes |",
            "| --- | --- | --- |",
            _view_row(REPORT_WIDE, t3=_range(T3_COLUMNS), t4=_range(T4_COLUMNS)),
            _view_row(REPORT_VALUE),
            _view_row(REPORT_CHECK),
        ]
    )


def indicators_table() -> str:
    """The transparency indicators: group, column, names, definition and legal source."""
    lines = [
        "| group | column | indicator | definition | source |",
        "| --- | --- | --- | --- | --- |",
    ]
    for indicator in INDICATORS:
        group = GROUPS[indicator.group][1]
        lines.append(
            f"| {group} | `{indicator.column}` | {indicator.zh} · {indicator.en} | "
            f"{indicator.definition} | {indicator.source} |"
        )
    return "\n".join(lines)


TABLES: dict[str, Callable[[], str]] = {"views": views_table, "indicators": indicators_table}


def update(text: str) -> str:
    """``text`` (the README) with every marked table rewritten; an unknown or missing marker is
    an error, so a table cannot silently stop being generated."""
    found: list[str] = []

    def body(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in TABLES:
            raise ValueError(f"README marks an unknown table: columns:{name}")
        found.append(name)
        return f"{match[1]}\n{TABLES[name]()}\n\n{match[4]}"

    updated = _BLOCK.sub(body, text)
    missing = sorted(set(TABLES) - set(found))
    if missing:
        raise ValueError(f"README has no <!-- columns:{missing[0]} --> block")
    return updated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is current")
    parser.add_argument("readme", nargs="?", type=Path, default=README)
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    updated = update(text)
    if updated == text:
        return 0
    if args.check:
        print(f"{args.readme}: the analyst tables are out of date; run {__spec__.name}")
        return 1
    args.readme.write_text(updated, encoding="utf-8")
    print(f"{args.readme}: analyst tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
