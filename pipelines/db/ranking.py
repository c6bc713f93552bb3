"""Which of two readings of a report is better, and whether a new one changes anything.

A reading ranks by its table cells, then its broken rules, then its warnings (:func:`reading_rank`,
:func:`stored_rank`): :mod:`.repository` keeps the better one current and the other beside it
as a revision (:mod:`.revisions`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nianbao.parsers.model import Report

from .models import ReportRow
from .rows import cell_count, children_of, stored_cell_count, stored_children_of


def is_unchanged(
    session: Session, stored: ReportRow, values: dict[str, Any], report: Report
) -> bool:
    """True when saving ``report`` would write exactly what is stored already.

    Beyond the content hash and the cells this compares metadata, checks, prose and warnings
    too: a parser upgrade that re-reads the same page differently must reach the database.
    """
    if stored.content_sha256 is None or stored.content_sha256 != report.content_sha256:
        return False
    for name, value in values.items():
        if name != "parsed_from" and getattr(stored, name) != value:
            return False
    return stored_children_of(session, stored.id) == children_of(report)


def same_numbers(session: Session, stored: ReportRow, report: Report) -> bool:
    return stored_children_of(session, stored.id) == children_of(report)


def _rank(cells: int, violations: int, warnings: int) -> tuple[int, int, int]:
    """How good a reading is, best highest: more table cells, then fewer broken rules, then
    fewer warnings. A mistyped 本年新收 row keeps the cell count and breaks the row totals: it
    ranks below the reading it would replace."""
    return (cells, -violations, -warnings)


def reading_rank(report: Report) -> tuple[int, int, int]:
    return _rank(cell_count(report), len(report.violations), len(report.warnings))


def stored_rank(session: Session, stored: ReportRow) -> tuple[int, int, int]:
    return _rank(
        stored_cell_count(session, stored.id), stored.violations, len(stored.warnings or [])
    )


def worse_note(session: Session, stored: ReportRow, report: Report) -> str:
    """Why a reading ranks below the stored one, in the words of the ranking."""
    (cells, violations, warnings), (old_cells, old_violations, old_warnings) = (
        reading_rank(report),
        stored_rank(session, stored),
    )
    if cells != old_cells:
        return "fewer table cells than the stored reading"
    if violations != old_violations:
        return (
            f"more broken rules than the stored reading ({-violations} against {-old_violations})"
        )
    return f"more warnings than the stored reading ({-warnings} against {-old_warnings})"


def better_than_stored(session: Session, stored: ReportRow, report: Report) -> bool:
    """Whether a reading from *another* page may replace the stored one: it ranks higher, or
    as high and was published later (a republication)."""
    new, old = reading_rank(report), stored_rank(session, stored)
    if new != old:
        return new > old
    return bool(report.published and stored.published and report.published > stored.published)
