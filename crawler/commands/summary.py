"""The reports table ``nianbao crawl`` prints at the end: what this run's spiders have stored.

Not a subcommand (no ``COMMAND``): a helper of :mod:`crawl`. It counts the reports in the
database that this run's spiders stored last (in this run or an earlier one) and says how many
the whole database holds, so a reader never takes one for the other; the run table
(:mod:`runreport`) says what this run itself did. Both tables call a failed consistency rule
"rules broken", the word of the ``rules_broken`` indicator.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from .output import print_table

#: How many warning codes the summary names; the rest are counted as "others".
NAMED_WARNING_CODES = 5


def warnings_by_code(codes: Iterable[str], named: int = NAMED_WARNING_CODES) -> str:
    """``"reading_uncertain 12, attachment_unavailable 2, and 3 others (5)"``: the ``named``
    commonest codes with their counts (ties by name), then how many other codes and warnings."""
    counts = Counter(codes)
    if not counts:
        return "none"
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    text = ", ".join(f"{code} {n}" for code, n in ranked[:named])
    rest = ranked[named:]
    if rest:
        others = "other" if len(rest) == 1 else "others"
        text += f", and {len(rest)} {others} ({sum(n for _, n in rest)})"
    return text


def print_reports(
    rows: Sequence[dict[str, Any]],
    spiders: Sequence[str],
    in_database: int,
    database_url: str,
    out: TextIO = sys.stdout,
) -> None:
    """The reports table of :func:`nianbao.pipelines.db.summary.summary_rows` rows."""
    spider_count = len(set(spiders))
    spider_word = "spider" if spider_count == 1 else "spiders"
    print(
        f"\nReports stored by this run's {spider_count} {spider_word}: {len(rows)} "
        f"(the whole database, {database_url}, holds {in_database})",
        file=out,
    )
    table: list[tuple[Any, ...]] = [
        (r["authority"], r["year"], r["format"], r["tables"], r["rules_broken"], r["warnings"])
        for r in rows
    ]
    table.append(
        (
            f"total: {len(rows)} report(s)",
            "",
            "",
            "",
            sum(r["rules_broken"] for r in rows),
            sum(r["warnings"] for r in rows),
        )
    )
    headers = ("authority", "year", "format", "tables", "rules broken", "warnings")
    print_table(headers, table, out)
    codes = [code for r in rows for code in r["warning_codes"]]
    print(f"warnings by code: {warnings_by_code(codes)}", file=out)
    print(
        "rules broken: consistency rules of report_format.json a report fails "
        "(`nianbao indicators` adds the cross-year ones)",
        file=out,
    )


def print_summary(database_url: str, spiders: Sequence[str], out: TextIO = sys.stdout) -> None:
    """Read and print the reports this run's ``spiders`` have in the database."""
    from nianbao.pipelines.db.engine import make_engine, session_factory
    from nianbao.pipelines.db.summary import report_count, summary_rows

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            rows = summary_rows(session, spiders=spiders)
            in_database = report_count(session)
    finally:
        engine.dispose()
    print_reports(rows, spiders, in_database, database_url, out)
