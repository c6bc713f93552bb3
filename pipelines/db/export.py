"""Export of reports, cells, checks and prose figures as CSV, JSON lines or Parquet.

Four files, one per table, each row carrying the report's key (authority, year, scope) so every
file stands on its own in a spreadsheet or a dataframe. Rows are streamed in batches, so an export
of a large PostgreSQL database needs no more memory than one batch. Values keep their exact
decimal form: CSV and JSON print 204.92 as 204.92, Parquet stores decimal128(20, 5).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, select

from nianbao.parsers.metadata import canonical_authority

from .columns import EXPORT_FILES
from .models import AuthorityRow, Base, CellRow, CheckResultRow, ProseMetricRow, ReportRow

FORMATS = ("csv", "jsonl", "parquet")
BATCH = 5000

#: ``columns.EXPORT_KEY``, from the tables.
_KEY = (
    ReportRow.id.label("report_id"),
    AuthorityRow.name.label("authority"),
    ReportRow.report_year,
    ReportRow.scope,
)

#: Where each file's rows come from (one per report, or per row of a table of the report) and
#: their order within a report: as printed, or as the checks ran.
_SOURCES: dict[str, tuple[type[Base], tuple[str, ...]]] = {
    "reports": (ReportRow, ()),
    "cells": (CellRow, ("table_id", "position")),
    "checks": (CheckResultRow, ("position",)),
    "prose": (ProseMetricRow, ("position",)),
}


def _query(name: str) -> Select[Any]:
    """The rows of export file ``name``: the report key, then the columns ``columns.py`` lists
    (a report's own, else its authority's)."""
    model, order = _SOURCES[name]
    columns = [
        getattr(model if column in model.__table__.c else AuthorityRow, column)
        for column in EXPORT_FILES[name]
    ]
    statement = select(*_KEY, *columns)
    if model is not ReportRow:
        statement = statement.join(model, model.report_id == ReportRow.id)
    return statement.order_by(ReportRow.id, *(getattr(model, column) for column in order))


def _queries() -> dict[str, Select[Any]]:
    return {name: _query(name) for name in EXPORT_FILES}


_JSON_COLUMNS = {"variants", "source_urls", "warnings", "flags"}
_DECIMAL_COLUMNS = {"value", "value_derived", "lhs", "rhs", "diff"}


@dataclass
class ExportFilter:
    """Which reports to export; empty lists mean all."""

    years: Sequence[int] = field(default_factory=list)
    authorities: Sequence[str] = field(default_factory=list)
    scope: str | None = None

    def apply(self, statement: Select[Any]) -> Select[Any]:
        statement = statement.select_from(ReportRow).join(
            AuthorityRow, AuthorityRow.id == ReportRow.authority_id
        )
        if self.years:
            statement = statement.where(ReportRow.report_year.in_(list(self.years)))
        if self.authorities:
            names = [canonical_authority(name) for name in self.authorities]
            statement = statement.where(AuthorityRow.name.in_(names))
        if self.scope:
            statement = statement.where(ReportRow.scope == self.scope)
        return statement


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.00001"))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        normal = value.normalize()
        return format(normal, "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _rows(engine: Engine, statement: Select[Any]) -> Iterator[list[dict[str, Any]]]:
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            statement
        )
        for batch in result.mappings().partitions(BATCH):
            yield [dict(row) for row in batch]


def _csv_value(name: str, value: Any) -> Any:
    if name in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else _plain(value)


def _write_csv(path: Path, batches: Iterable[list[dict[str, Any]]], columns: list[str]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for batch in batches:
            for row in batch:
                writer.writerow([_csv_value(name, row[name]) for name in columns])
            count += len(batch)
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)  # counts print as 34, not 34.0
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value.normalize() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _write_jsonl(path: Path, batches: Iterable[list[dict[str, Any]]], columns: list[str]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for batch in batches:
            for row in batch:
                line = {name: row[name] for name in columns}
                for name in _DECIMAL_COLUMNS & line.keys():
                    line[name] = _number(line[name])
                handle.write(json.dumps(line, ensure_ascii=False, default=_json_default) + "\n")
            count += len(batch)
    return count


def _write_parquet(path: Path, batches: Iterable[list[dict[str, Any]]], columns: list[str]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # an extra, not a core dependency
        raise RuntimeError("Parquet export needs pyarrow: pip install 'nianbao[parquet]'") from exc

    def convert(name: str, values: list[Any]) -> Any:
        if name in _DECIMAL_COLUMNS:
            return pa.array([_number(v) for v in values], type=pa.decimal128(20, 5))
        if name in _JSON_COLUMNS:
            return pa.array([json.dumps(v, ensure_ascii=False) for v in values], pa.string())
        if name in ("first_seen", "last_seen", "updated_at"):
            return pa.array(values, pa.timestamp("us", tz="UTC"))
        if name == "published":
            return pa.array(values, pa.date32())
        if name in ("report_id", "report_year", "violations", "revision"):
            return pa.array(values, pa.int64())
        return pa.array([None if v is None else str(v) for v in values], pa.string())

    writer = None
    count = 0
    try:
        for batch in batches:
            table = pa.table(
                {name: convert(name, [row[name] for row in batch]) for name in columns}
            )
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            count += len(batch)
        if writer is None:  # nothing matched: still a valid file with the columns
            empty = {name: convert(name, []) for name in columns}
            pq.write_table(pa.table(empty), path)
    finally:
        if writer is not None:
            writer.close()
    return count


_WRITERS: dict[str, Callable[[Path, Iterable[list[dict[str, Any]]], list[str]], int]] = {
    "csv": _write_csv,
    "jsonl": _write_jsonl,
    "parquet": _write_parquet,
}


def export(
    engine: Engine, out: Path, fmt: str, selection: ExportFilter | None = None
) -> dict[str, tuple[Path, int]]:
    """Write ``reports``, ``cells``, ``checks`` and ``prose`` files into ``out``; return
    ``{name: (path, rows)}``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    selection = selection or ExportFilter()
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, statement in _queries().items():
        statement = selection.apply(statement)
        columns = [column.name for column in statement.selected_columns]
        path = out / f"{name}.{fmt}"
        written[name] = (path, _WRITERS[fmt](path, _rows(engine, statement), columns))
    return written
