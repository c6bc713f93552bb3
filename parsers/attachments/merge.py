"""One report from a page and its attachments: keep the more complete, flag disagreements.

Many portals print the report on the page *and* attach it (PDF, DOC). Both are parsed; the
reading with more table cells wins (the page on a tie: its grid is the most exact source), and
every cell both readings hold with different values is listed in a ``source_disagreement``
warning with its address (``t3:new_requests:natural_person``), so a reviewer can look at the
two documents instead of trusting either blindly.
"""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.parsers.model import Report

#: Disagreeing cells listed in one warning; the count is always given.
_MAX_LISTED = 40
_METADATA = ("title", "authority", "publisher", "report_year", "published", "index_no")


def completeness(report: Report) -> int:
    """How much of the report was read: table cells with a value, plus prose figures."""
    cells = sum(
        1
        for table in report.tables.values()
        for cell in table.cells.values()
        if cell.value is not None
    )
    return cells * 10 + len(report.prose)


def disagreements(first: Report, second: Report) -> list[tuple[str, object, object]]:
    """Cells both readings hold, with different values: ``(address, first, second)``."""
    out = []
    for family, table in first.tables.items():
        other = second.tables.get(family)
        if other is None:
            continue
        for key, cell in table.cells.items():
            twin = other.cells.get(key)
            if twin is None or cell.value is None or twin.value is None:
                continue
            if cell.value != twin.value:
                out.append((f"{family}:{key[0]}:{key[1]}", cell.value, twin.value))
    return out


def merge_reports(page: Report, attachments: Sequence[tuple[str, Report]]) -> Report:
    """The report to store for a page and its parsed attachments (``(url, report)`` pairs)."""
    candidates: list[tuple[str, Report]] = [("page", page)]
    for url, report in attachments:
        if _other_year(page, report):
            page.warn(
                "attachment_other_report",
                f"{url} reports {report.report_year}, the page {page.report_year}: not merged",
            )
            continue
        candidates.append((url, report))
    best_source, best = max(candidates, key=lambda c: completeness(c[1]))
    for source, report in candidates:
        if report is best or not report.tables:
            continue
        found = disagreements(best, report)
        if found:
            listed = "; ".join(f"{addr} {best_source}={a} {source}={b}" for addr, a, b in found)
            if len(found) > _MAX_LISTED:
                listed = (
                    "; ".join(
                        f"{addr} {best_source}={a} {source}={b}"
                        for addr, a, b in found[:_MAX_LISTED]
                    )
                    + f"; … {len(found) - _MAX_LISTED} more"
                )
            best.warn(
                "source_disagreement",
                f"{len(found)} cells differ between {best_source} (kept) and {source}: {listed}",
            )
    if best is page:
        return page
    for name in _METADATA:
        if getattr(best, name) in (None, "") and getattr(page, name) not in (None, ""):
            setattr(best, name, getattr(page, name))
    if not best.prose and page.prose:
        best.prose = page.prose
    best.source_url = page.source_url or best.source_url
    best.warn("tables_from_attachment", f"tables read from {best_source}")
    for warning in page.warnings:
        if warning.code.startswith("attachment_"):
            best.warnings.append(warning)
    return best


def _other_year(page: Report, attachment: Report) -> bool:
    return (
        page.report_year is not None
        and attachment.report_year is not None
        and page.report_year != attachment.report_year
        and bool(page.tables)
    )
