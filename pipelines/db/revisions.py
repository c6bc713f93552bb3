"""Revisions: a stored reading as a JSON snapshot, and what changed between two readings.

A snapshot holds exactly the rows a reading puts in the database (report metadata, cells with
their provenance, checks, prose figures), with numbers as strings so that 204.92 stays 204.92 in
JSON on both engines. :func:`diff` compares two :class:`Report` objects, so a snapshot, the live
rows and a freshly parsed report all compare the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nianbao.parsers.model import Report

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
