"""A report as the rows it is stored in, and back again.

A :class:`Report` is stored as one ``report`` row (its metadata, :func:`report_values`) and
child rows: its cells, check results and prose figures (:data:`CHILDREN`). The same shapes
are built from a parsed report and read from the database, numbers at the scale NUMERIC(20,5)
keeps, so that "is this what is stored?" is a comparison of plain dicts; :func:`build_report`
turns stored values (live rows or a revision's snapshot) into a :class:`Report` again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, delete, func, insert, select
from sqlalchemy.orm import Session

from nianbao.parsers.model import Cell, Check, Number, ProseMetric, Report, Table, Warning_

from .models import CellRow, CheckResultRow, ProseMetricRow, ReportRow

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


def at_scale(value: Number | None) -> Decimal | None:
    """Numbers at the scale the database stores, so stored and new values compare equal."""
    if value is None:
        return None
    if type(value) is int:  # nearly every cell: a count, most of them small and repeated
        return _int_decimal(value)
    return Decimal(value).quantize(_SCALE)


@functools.lru_cache(maxsize=8192)
def _int_decimal(value: int) -> Decimal:
    return Decimal(value).quantize(_SCALE)


def _number(value: Decimal | None) -> Number | None:
    """Back from NUMERIC: whole numbers become ``int`` again (counts are ints in the model)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def report_values(report: Report) -> dict[str, Any]:
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


#: A cell row's columns after ``report_id``, in the order :func:`cell_fields` gives them.
CELL_FIELDS = (
    "table_id", "family", "position", "row_key", "col_key", "value", "value_raw",
    "value_source", "value_derived", "flags", "uncertain",
)  # fmt: skip


def cell_fields(
    report: Report,
    number: Callable[[Number | None], Any] = at_scale,
    flags: Callable[[list[str]], Any] = list,
) -> Iterator[tuple[Any, ...]]:
    """Each cell of ``report`` as the values of :data:`CELL_FIELDS`, numbers and flags as
    ``number`` and ``flags`` give them (the bulk path passes what its driver binds)."""
    for table in report.tables.values():
        variant, family = table.variant, table.family
        for position, cell in enumerate(table.cells.values()):
            uncertain = cell.uncertain
            yield (
                variant, family, position, cell.row, cell.col, number(cell.value), cell.raw,
                cell.source, number(cell.derived), flags(cell.flags),
                uncertain[:64] if uncertain else None,
            )  # fmt: skip


def _cell_values(report: Report) -> list[dict[str, Any]]:
    return [dict(zip(CELL_FIELDS, fields, strict=True)) for fields in cell_fields(report)]


def _check_values(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "rule_id": check.rule,
            "binding": check.binding,
            "status": check.status,
            "lhs": at_scale(check.lhs),
            "rhs": at_scale(check.rhs),
            "diff": at_scale(check.diff),
            "detail": check.detail,
        }
        for position, check in enumerate(report.checks)
    ]


def _prose_values(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "key": metric.key,
            "value": at_scale(metric.value),
            "span": metric.span,
            "flags": list(metric.flags),
        }
        for position, metric in enumerate(report.prose)
    ]


CHILDREN: tuple[tuple[type[CellRow | CheckResultRow | ProseMetricRow], Any], ...] = (
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
            row[name] = at_scale(row[name])
        rows.append(row)
    return rows


def _sorted_children(model: type, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if model is CellRow:
        return sorted(rows, key=lambda row: (row["table_id"], row["position"]))
    return rows


def children_of(report: Report) -> dict[str, list[dict[str, Any]]]:
    return {
        model.__tablename__: _sorted_children(model, build(report)) for model, build in CHILDREN
    }


def stored_children_of(session: Session, report_id: int) -> dict[str, list[dict[str, Any]]]:
    return {
        model.__tablename__: _stored_children(session, model, report_id)
        for model, _build in CHILDREN
    }


def stored_values(stored: ReportRow) -> dict[str, Any]:
    values = {name: getattr(stored, name) for name in _METADATA_FIELDS}
    for name in ("variants", "table_meta", "sections", "violations", "warnings", "parsed_from"):
        values[name] = getattr(stored, name)
    return values


def replace_children(session: Session, report_id: int, report: Report) -> None:
    # Core DELETE first, then INSERT: the ORM unit of work would insert the new cells before
    # deleting the old ones and trip the (report, table, row, col) unique constraint.
    for model, _build in CHILDREN:
        session.execute(delete(model).where(model.report_id == report_id))
    for model, build in CHILDREN:
        rows = [{"report_id": report_id, **row} for row in build(report)]
        if rows:  # executemany; batched into multi-row INSERTs on PostgreSQL (engine.py)
            session.execute(insert(model.__table__), rows)


def cell_count(report: Report) -> int:
    return sum(len(table.cells) for table in report.tables.values())


def stored_cell_count(session: Session, report_id: int) -> int:
    return session.scalar(select(func.count()).where(CellRow.report_id == report_id)) or 0


def _tables(
    variants: dict[str, Any], table_meta: dict[str, Any], cells: Iterable[dict[str, Any]]
) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for family, variant in (variants or {}).items():
        meta = (table_meta or {}).get(family, {})
        tables[family] = Table(
            family=family,
            variant=variant,
            flags=list(meta.get("flags", [])),
            detection=meta.get("detection", ""),
            layout=meta.get("layout", ""),
        )
    for cell in cells:
        table = tables.setdefault(
            cell["family"], Table(family=cell["family"], variant=cell["table_id"])
        )
        table.cells[(cell["row_key"], cell["col_key"])] = Cell(
            row=cell["row_key"],
            col=cell["col_key"],
            value=_number(cell["value"]),
            raw=cell["value_raw"],
            source=cell["value_source"],
            derived=_number(cell["value_derived"]),
            flags=list(cell["flags"] or []),
            uncertain=cell.get("uncertain"),
        )
    return tables


def build_report(
    authority: str,
    year: int,
    values: dict[str, Any],
    children: dict[str, list[dict[str, Any]]],
) -> Report:
    """A :class:`Report` from stored values and child rows (live rows or a snapshot)."""
    return Report(
        source_url=values.get("source_url"),
        title=values.get("title"),
        authority=authority,
        publisher=values.get("publisher"),
        report_year=year,
        published=values.get("published"),
        index_no=values.get("index_no"),
        format=values.get("format"),
        tables=_tables(values.get("variants"), values.get("table_meta"), children["cell"]),
        checks=[
            Check(
                rule=check["rule_id"],
                status=check["status"],
                binding=check["binding"],
                lhs=_number(check["lhs"]),
                rhs=_number(check["rhs"]),
                detail=check["detail"],
            )
            for check in children["check_result"]
        ],
        prose=[
            ProseMetric(
                key=metric["key"],
                value=_number(metric["value"]),  # type: ignore[arg-type]  # NOT NULL column
                span=metric["span"],
                flags=list(metric["flags"] or []),
            )
            for metric in children["prose_metric"]
        ],
        sections=dict(values.get("sections") or {}),
        warnings=[
            Warning_(code=w["code"], detail=w.get("detail", ""), table=w.get("table"))
            for w in values.get("warnings") or []
        ],
        text=values.get("text") or "",
        content_sha256=values.get("content_sha256"),
    )


def load_row(session: Session, row: ReportRow) -> Report:
    return build_report(
        row.authority.name,
        row.report_year,
        stored_values(row),
        stored_children_of(session, row.id),
    )
