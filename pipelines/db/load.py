"""Reading stored reports back: one report rebuilt, its row, and the readings of its revisions."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from nianbao.parsers.metadata import canonical_authority
from nianbao.parsers.model import Report

from .models import AuthorityRow, ReportRevisionRow, ReportRow
from .revisions import read_snapshot
from .rows import build_report, load_row


def _report_query(authority: str, year: int, scope: str = "self") -> Select[tuple[ReportRow]]:
    return (
        select(ReportRow)
        .join(AuthorityRow)
        .where(
            AuthorityRow.name == canonical_authority(authority),
            ReportRow.report_year == year,
            ReportRow.scope == scope,
        )
    )


def load_report(session: Session, authority: str, year: int, scope: str = "self") -> Report | None:
    """Rebuild the stored :class:`Report` for (authority, year), or ``None`` if there is none.

    Numbers come back as ``int`` when whole and as ``Decimal`` otherwise, as the parsers make
    them, so a round trip compares equal to the report that was saved.
    """
    row = session.scalar(_report_query(authority, year, scope))
    if row is None:
        return None
    return load_row(session, row)


def find_report(
    session: Session, authority: str, year: int, scope: str = "self"
) -> ReportRow | None:
    """The stored report row for (authority, year, scope)."""
    return session.scalar(_report_query(authority, year, scope))


def revision_report(session: Session, row: ReportRow, revision: ReportRevisionRow) -> Report:
    """The reading a revision holds: its snapshot, or the live rows for the current one."""
    if revision.snapshot is None:
        return load_row(session, row)
    values, children = read_snapshot(revision.snapshot)
    return build_report(row.authority.name, row.report_year, values, children)


def revisions_of(session: Session, row: ReportRow) -> list[ReportRevisionRow]:
    """Every revision of a stored report, oldest first."""
    return list(
        session.scalars(
            select(ReportRevisionRow)
            .where(ReportRevisionRow.report_id == row.id)
            .order_by(ReportRevisionRow.number)
        )
    )
