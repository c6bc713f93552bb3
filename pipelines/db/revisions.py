"""Revisions: a stored reading as a JSON snapshot, and what changed between two readings.

A snapshot holds exactly the rows a reading puts in the database (report metadata, cells with
their provenance, checks, prose figures), with numbers as strings so that 204.92 stays 204.92 in
JSON on both engines. :func:`diff` compares two :class:`Report` objects, so a snapshot, the live
rows and a freshly parsed report all compare the same way.

Writing them (:func:`add_revision`, :func:`keep_beside`, :func:`supersede`) is the part of a save
that keeps every reading: the current one's revision row, one kept beside the stored reading
(``rejected``, ``conflict``), and the snapshot of the reading a new one replaces.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nianbao.parsers.model import Report

from .models import ReportRevisionRow, ReportRow
from .rows import (
    cell_count,
    children_of,
    replace_children,
    stored_cell_count,
    stored_children_of,
    stored_values,
)

logger = logging.getLogger(__name__)

#: Snapshot fields holding dates; everything Decimal is stored as a string.
_DATES = ("published",)
_NUMBERS = ("value", "value_derived", "lhs", "rhs", "diff")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 204.92000 -> "204.92", 1E+2 -> "100"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in row.items()}


def make_snapshot(
    values: dict[str, Any], children: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """JSON-safe snapshot of one reading: ``values`` (report columns) and its child rows."""
    return {
        "report": _json_row(values),
        **{name: [_json_row(row) for row in rows] for name, rows in children.items()},
    }


def _python_row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in _NUMBERS:
        if out.get(key) is not None:
            out[key] = Decimal(str(out[key]))
    for key in _DATES:
        if isinstance(out.get(key), str):
            out[key] = dt.date.fromisoformat(out[key])
    return out


def read_snapshot(snapshot: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The (values, children) a snapshot was made from, numbers and dates restored."""
    children = {
        name: [_python_row(row) for row in snapshot.get(name, [])]
        for name in ("cell", "check_result", "prose_metric")
    }
    return _python_row(snapshot.get("report", {})), children


# --- Writing revisions ---------------------------------------------------------------------


def _snapshot_of_report(report: Report, values: dict[str, Any]) -> dict[str, Any]:
    return make_snapshot(values, children_of(report))


def _snapshot_of_stored(session: Session, stored: ReportRow) -> dict[str, Any]:
    return make_snapshot(stored_values(stored), stored_children_of(session, stored.id))


def _next_number(session: Session, report_id: int) -> int:
    latest = session.scalar(
        select(func.max(ReportRevisionRow.number)).where(ReportRevisionRow.report_id == report_id)
    )
    return (latest or 0) + 1


def add_revision(
    session: Session,
    report_id: int,
    report: Report,
    *,
    status: str,
    spider: str | None,
    note: str,
    snapshot: dict[str, Any] | None,
    now: dt.datetime,
) -> int:
    number = _next_number(session, report_id)
    session.add(
        ReportRevisionRow(
            report_id=report_id,
            number=number,
            status=status,
            created_at=now,
            source_url=report.source_url,
            content_sha256=report.content_sha256,
            spider=spider,
            cells=cell_count(report),
            violations=len(report.violations),
            note=note,
            snapshot=snapshot,
        )
    )
    session.flush()
    return number


def keep_beside(
    session: Session,
    stored: ReportRow,
    report: Report,
    values: dict[str, Any],
    *,
    status: str,
    spider: str | None,
    note: str,
    now: dt.datetime,
) -> None:
    """Keep a reading that does not replace the stored one, once: the same reading seen again
    on the next crawl adds no second revision."""
    snapshot = _snapshot_of_report(report, values)
    earlier = session.scalars(
        select(ReportRevisionRow.snapshot).where(
            ReportRevisionRow.report_id == stored.id,
            ReportRevisionRow.status == status,
            ReportRevisionRow.content_sha256 == report.content_sha256,
        )
    ).all()
    if snapshot in earlier:
        return
    add_revision(
        session,
        stored.id,
        report,
        status=status,
        spider=spider,
        note=note,
        snapshot=snapshot,
        now=now,
    )
    logger.warning(
        "%s %s: %s (%s); stored reading kept as revision %s",
        stored.authority.name,
        stored.report_year,
        note,
        report.source_url,
        stored.revision,
    )


def supersede(
    session: Session,
    stored: ReportRow,
    report: Report,
    values: dict[str, Any],
    *,
    spider: str | None,
    note: str,
    now: dt.datetime,
) -> None:
    """Make ``report`` the current reading; the one it replaces goes into its revision."""
    current = session.scalar(
        select(ReportRevisionRow).where(
            ReportRevisionRow.report_id == stored.id,
            ReportRevisionRow.number == stored.revision,
        )
    )
    snapshot = _snapshot_of_stored(session, stored)
    if current is None:  # a report stored before revisions existed and not migrated
        current = ReportRevisionRow(
            report_id=stored.id,
            number=stored.revision,
            created_at=stored.updated_at,
            source_url=stored.source_url,
            content_sha256=stored.content_sha256,
            spider=stored.spider,
            cells=stored_cell_count(session, stored.id),
            violations=stored.violations,
            note="",
        )
        session.add(current)
    current.status = "superseded"
    current.snapshot = snapshot
    session.flush()
    stored.revision = add_revision(
        session,
        stored.id,
        report,
        status="current",
        spider=spider,
        note=note,
        snapshot=None,
        now=now,
    )
    for key, value in values.items():
        setattr(stored, key, value)
    stored.spider = spider or stored.spider
    stored.updated_at = now
    session.flush()
    replace_children(session, stored.id, report)


# --- What changed ------------------------------------------------------------------------------

_META = ("authority", "report_year", "title", "source_url", "publisher", "published", "index_no")


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two readings: ``kind`` is ``meta``, ``cell``, ``check``,
    ``prose`` or ``warning``; ``address`` names the field, cell, rule binding or prose key."""

    kind: str
    address: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.kind} {self.address}: {_show(self.old)} -> {_show(self.new)}"


def _show(value: Any) -> str:
    return "—" if value is None else str(value)


def _cells(report: Report) -> dict[str, tuple[Any, ...]]:
    return {
        f"{table.variant}:{cell.row}:{cell.col}": (cell.value, cell.source, cell.derived)
        for table in report.tables.values()
        for cell in table.cells.values()
    }


def _cell_text(cell: tuple[Any, ...] | None) -> str | None:
    if cell is None:
        return None
    value, source, derived = cell
    text = _show(value)
    if source != "printed":
        text += f" ({source})"
    if derived is not None:
        text += f" [derived {derived}]"
    return text


def diff(old: Report, new: Report) -> list[Change]:
    """Every difference that matters to a reader, metadata first, then cells in table order."""
    changes = [
        Change("meta", name, getattr(old, name), getattr(new, name))
        for name in (*_META, "format")
        if getattr(old, name) != getattr(new, name)
    ]
    if {f: t.variant for f, t in old.tables.items()} != {
        f: t.variant for f, t in new.tables.items()
    }:
        changes.append(
            Change(
                "meta",
                "tables",
                ",".join(t.variant for t in old.tables.values()),
                ",".join(t.variant for t in new.tables.values()),
            )
        )
    old_cells, new_cells = _cells(old), _cells(new)
    for address in [*old_cells, *(a for a in new_cells if a not in old_cells)]:
        before, after = old_cells.get(address), new_cells.get(address)
        if before != after:
            changes.append(Change("cell", address, _cell_text(before), _cell_text(after)))
    old_checks = {f"{c.rule}[{c.binding}]": c.status for c in old.checks}
    new_checks = {f"{c.rule}[{c.binding}]": c.status for c in new.checks}
    for address in [*old_checks, *(a for a in new_checks if a not in old_checks)]:
        if old_checks.get(address) != new_checks.get(address):
            changes.append(
                Change("check", address, old_checks.get(address), new_checks.get(address))
            )
    old_prose = {m.key: m.value for m in old.prose}
    new_prose = {m.key: m.value for m in new.prose}
    for key in [*old_prose, *(k for k in new_prose if k not in old_prose)]:
        if old_prose.get(key) != new_prose.get(key):
            changes.append(Change("prose", key, old_prose.get(key), new_prose.get(key)))
    old_warnings = sorted(w.code for w in old.warnings)
    new_warnings = sorted(w.code for w in new.warnings)
    if old_warnings != new_warnings:
        changes.append(Change("warning", "codes", ",".join(old_warnings), ",".join(new_warnings)))
    if old.content_sha256 != new.content_sha256 and not changes:
        changes.append(Change("meta", "text", "(earlier text)", "(changed text)"))
    return changes
