"""Saving parsed reports to the database and reading them back.

A report is keyed by (canonical authority name, report year): crawling the same report again, from
the same page or another copy of it, updates that one row in place instead of adding a second.
Every save is one transaction, so a failure part-way never leaves half a report behind and never
loses the version stored before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Numeric, Select, delete, func, insert, select
from sqlalchemy.orm import Session

from nianbao.parsers.metadata import canonical_authority
from nianbao.parsers.model import Cell, Check, Number, ProseMetric, Report, Table, Warning_

from .models import AuthorityRow, CellRow, CheckResultRow, ProseMetricRow, ReportRow

SaveOutcome = Literal["new", "updated", "unchanged", "kept_stored"]

#: Whitespace as it occurs in scraped names: ASCII, U+00A0, U+3000, zero-width characters.

#: The scale of NUMERIC(20,5): values are compared at the precision the database keeps.
_SCALE = Decimal("0.00001")

_METADATA_FIELDS = (
    "title",
    "source_url",
    "publisher",
    "published",
    "index_no",
    "format",
    "text",
    "content_sha256",
)


class UnkeyedReport(ValueError):
    """The report lacks its authority or report year, so there is no row it could be stored as."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _decimal(value: Number | None) -> Decimal | None:
    """Numbers at the scale the database stores, so stored and new values compare equal."""
    if value is None:
        return None
    return Decimal(value).quantize(_SCALE)


def _number(value: Decimal | None) -> Number | None:
    """Back from NUMERIC: whole numbers become ``int`` again (counts are ints in the model)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


# --- Report -> row values -----------------------------------------------------------------


def _report_values(report: Report) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(report, name) for name in _METADATA_FIELDS}
    values["variants"] = {family: table.variant for family, table in report.tables.items()}
    values["table_meta"] = {
        family: {"flags": list(table.flags), "detection": table.detection, "layout": table.layout}
        for family, table in report.tables.items()
    }
    values["sections"] = dict(report.sections)
    values["violations"] = len(report.violations)
    values["warnings"] = [warning.to_dict() for warning in report.warnings]
    return values


def _cell_values(report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for table in report.tables.values():
        for position, cell in enumerate(table.cells.values()):
            rows.append(
                {
                    "table_id": table.variant,
                    "family": table.family,
                    "position": position,
                    "row_key": cell.row,
                    "col_key": cell.col,
                    "value": _decimal(cell.value),
                    "value_raw": cell.raw,
                    "value_source": cell.source,
                    "value_derived": _decimal(cell.derived),
                    "flags": list(cell.flags),
                }
            )
    return rows


def _check_values(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "rule_id": check.rule,
            "binding": check.binding,
            "status": check.status,
            "lhs": _decimal(check.lhs),
            "rhs": _decimal(check.rhs),
            "diff": _decimal(check.diff),
            "detail": check.detail,
        }
        for position, check in enumerate(report.checks)
    ]


def _prose_values(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "key": metric.key,
            "value": _decimal(metric.value),
            "span": metric.span,
            "flags": list(metric.flags),
        }
        for position, metric in enumerate(report.prose)
    ]


_CHILDREN: tuple[tuple[type[CellRow | CheckResultRow | ProseMetricRow], Any], ...] = (
    (CellRow, _cell_values),
    (CheckResultRow, _check_values),
    (ProseMetricRow, _prose_values),
)


def _stored_children(
    session: Session, model: type[CellRow | CheckResultRow | ProseMetricRow], report_id: int
) -> list[dict[str, Any]]:
    """The stored child rows of one report, in the shape ``_cell_values`` & co. build."""
    table = model.__table__
    columns = [column for column in table.columns if column.name not in ("id", "report_id")]
    numeric = {column.name for column in columns if isinstance(column.type, Numeric)}
    order = [table.c.table_id, table.c.position] if model is CellRow else [table.c.position]
    statement = select(*columns).where(table.c.report_id == report_id).order_by(*order)
    rows = []
    for mapping in session.execute(statement).mappings():
        row = dict(mapping)
        for name in numeric:
            row[name] = _decimal(row[name])
        rows.append(row)
    return rows


def _sorted_children(model: type, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if model is CellRow:
        return sorted(rows, key=lambda row: (row["table_id"], row["position"]))
    return rows


def _is_unchanged(
    session: Session, stored: ReportRow, values: dict[str, Any], report: Report
) -> bool:
    """True when saving ``report`` would write exactly what is stored already.

    Beyond the content hash and the cells this compares metadata, checks, prose and warnings
    too: a parser upgrade that re-reads the same page differently must reach the database.
    """
    if stored.content_sha256 is None or stored.content_sha256 != report.content_sha256:
        return False
    for name, value in values.items():
        if getattr(stored, name) != value:
            return False
    for model, build in _CHILDREN:
        if _stored_children(session, model, stored.id) != _sorted_children(model, build(report)):
            return False
    return True


# --- Save ---------------------------------------------------------------------------------


def _year(value: object) -> int | None:
    """The report year as an int; spiders may hand it over as ``"2024"``."""
    try:
        year = int(str(value).strip()) if value is not None else None
    except ValueError:
        return None
    return year if year and year > 0 else None


def _report_key(report: Report) -> tuple[str, int]:
    name = canonical_authority(report.authority or "")
    year = _year(report.report_year)
    missing = [label for label, ok in (("authority", name), ("report_year", year)) if not ok]
    if missing or year is None:
        where = report.source_url or report.title or "report"
        raise UnkeyedReport(f"{where}: cannot store a report without {' and '.join(missing)}")
    return name, year


def _authority(session: Session, name: str, portal: str | None) -> AuthorityRow:
    authority = session.scalar(select(AuthorityRow).where(AuthorityRow.name == name))
    if authority is None:
        authority = AuthorityRow(name=name, portal=portal)
        session.add(authority)
        session.flush()
    elif portal and not authority.portal:
        authority.portal = portal
    return authority


def _replace_children(session: Session, report_id: int, report: Report) -> None:
    # Core DELETE first, then INSERT: the ORM unit of work would insert the new cells before
    # deleting the old ones and trip the (report, table, row, col) unique constraint.
    for model, _build in _CHILDREN:
        session.execute(delete(model).where(model.report_id == report_id))
    for model, build in _CHILDREN:
        rows = build(report)
        if rows:
            session.execute(insert(model), [{"report_id": report_id, **row} for row in rows])


def _cell_count(report: Report) -> int:
    return sum(len(table.cells) for table in report.tables.values())


def _stored_cell_count(session: Session, report_id: int) -> int:
    return session.scalar(select(func.count()).where(CellRow.report_id == report_id)) or 0


def _save(session: Session, report: Report, spider: str | None, portal: str | None) -> SaveOutcome:
    name, year = _report_key(report)
    authority = _authority(session, name, portal)
    values = _report_values(report)
    now = _now()
    stored = session.scalar(
        select(ReportRow).where(
            ReportRow.authority_id == authority.id, ReportRow.report_year == year
        )
    )
    if stored is None:
        stored = ReportRow(
            authority_id=authority.id,
            report_year=year,
            spider=spider,
            first_seen=now,
            last_seen=now,
            updated_at=now,
            **values,
        )
        session.add(stored)
        session.flush()
        _replace_children(session, stored.id, report)
        return "new"
    stored.last_seen = now
    if _is_unchanged(session, stored, values, report):
        return "unchanged"
    if _cell_count(report) < _stored_cell_count(session, stored.id):
        # A broken or truncated page must not replace a better stored reading.
        return "kept_stored"
    for key, value in values.items():
        setattr(stored, key, value)
    stored.spider = spider or stored.spider
    stored.updated_at = now
    session.flush()
    _replace_children(session, stored.id, report)
    return "updated"


def save_report(
    session: Session, report: Report, *, spider: str | None, portal: str | None
) -> SaveOutcome:
    """Insert or update ``report``; return ``"new"``, ``"updated"`` or ``"unchanged"``.

    The row is found by (canonical authority, report year). An update replaces the report's
    cells, checks and prose wholesale, because a re-parse may add or drop cells. ``unchanged``
    means the content hash and everything stored from the report are identical; only
    ``last_seen`` moves then.

    The save is one transaction: committed here when the session had none open, otherwise a
    SAVEPOINT inside the caller's transaction (the caller commits). Any failure rolls back this
    report only and re-raises. :class:`UnkeyedReport` is raised before anything is written.
    """
    _report_key(report)
    transaction = session.begin_nested() if session.in_transaction() else session.begin()
    with transaction:
        return _save(session, report, spider, portal)


# --- Load ---------------------------------------------------------------------------------


def _report_query(authority: str, year: int) -> Select[tuple[ReportRow]]:
    return (
        select(ReportRow)
        .join(AuthorityRow)
        .where(AuthorityRow.name == canonical_authority(authority), ReportRow.report_year == year)
    )


def _tables(row: ReportRow, cells: Iterable[CellRow]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for family, variant in (row.variants or {}).items():
        meta = (row.table_meta or {}).get(family, {})
        tables[family] = Table(
            family=family,
            variant=variant,
            flags=list(meta.get("flags", [])),
            detection=meta.get("detection", ""),
            layout=meta.get("layout", ""),
        )
    for cell in cells:
        table = tables.setdefault(cell.family, Table(family=cell.family, variant=cell.table_id))
        table.cells[(cell.row_key, cell.col_key)] = Cell(
            row=cell.row_key,
            col=cell.col_key,
            value=_number(cell.value),
            raw=cell.value_raw,
            source=cell.value_source,
            derived=_number(cell.value_derived),
            flags=list(cell.flags or []),
        )
    return tables


def _children(session: Session, model: type, report_id: int, *order: Any) -> Sequence[Any]:
    statement = select(model).where(model.report_id == report_id).order_by(*order)
    return session.scalars(statement).all()


def load_report(session: Session, authority: str, year: int) -> Report | None:
    """Rebuild the stored :class:`Report` for (authority, year), or ``None`` if there is none.

    Numbers come back as ``int`` when whole and as ``Decimal`` otherwise, as the parsers make
    them, so a round trip compares equal to the report that was saved.
    """
    row = session.scalar(_report_query(authority, year))
    if row is None:
        return None
    cells = _children(session, CellRow, row.id, CellRow.table_id, CellRow.position)
    checks = _children(session, CheckResultRow, row.id, CheckResultRow.position)
    prose = _children(session, ProseMetricRow, row.id, ProseMetricRow.position)
    return Report(
        source_url=row.source_url,
        title=row.title,
        authority=row.authority.name,
        publisher=row.publisher,
        report_year=row.report_year,
        published=row.published,
        index_no=row.index_no,
        format=row.format,
        tables=_tables(row, cells),
        checks=[
            Check(
                rule=check.rule_id,
                status=check.status,
                binding=check.binding,
                lhs=_number(check.lhs),
                rhs=_number(check.rhs),
                detail=check.detail,
            )
            for check in checks
        ],
        prose=[
            ProseMetric(
                key=metric.key,
                value=_number(metric.value),  # type: ignore[arg-type]  # NOT NULL column
                span=metric.span,
                flags=list(metric.flags or []),
            )
            for metric in prose
        ],
        sections=dict(row.sections or {}),
        warnings=[
            Warning_(code=w["code"], detail=w.get("detail", ""), table=w.get("table"))
            for w in row.warnings or []
        ],
        text=row.text or "",
        content_sha256=row.content_sha256,
    )


def summary_rows(session: Session, spiders: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One line per stored report for the crawl summary, ordered by authority and year;
    only those last stored by ``spiders`` when given.

    Keys: authority, year, format, tables (``"t2,t3,t4"``), cells, violations, warnings,
    source_url. Reads only the columns it prints, not the report texts.
    """
    cells = (
        select(CellRow.report_id, func.count().label("cells"))
        .group_by(CellRow.report_id)
        .subquery()
    )
    statement = (
        select(
            AuthorityRow.name,
            ReportRow.report_year,
            ReportRow.format,
            ReportRow.variants,
            func.coalesce(cells.c.cells, 0),
            ReportRow.violations,
            ReportRow.warnings,
            ReportRow.source_url,
        )
        .join(AuthorityRow)
        .outerjoin(cells, cells.c.report_id == ReportRow.id)
        .order_by(AuthorityRow.name, ReportRow.report_year)
    )
    if spiders is not None:
        statement = statement.where(ReportRow.spider.in_(list(spiders)))
    return [
        {
            "authority": name,
            "year": year,
            "format": format_,
            "tables": ",".join(sorted(variants or {})),
            "cells": cell_count,
            "violations": violations,
            "warnings": len(warnings or []),
            "source_url": source_url,
        }
        for name, year, format_, variants, cell_count, violations, warnings, source_url in (
            session.execute(statement)
        )
    ]
