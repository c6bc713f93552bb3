"""The machine-readable report format (``spec/report_format.json``), loaded once.

The JSON is the project's single source of table, row, column and rule keys; it is a copy of
``shared/spec/report_format.json`` (tests/parsers/test_spec.py keeps the two in step). Nothing
here hard-codes a label that the JSON already carries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .normalize import normalize_label

T3_COLUMNS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
T3_APPLICANT_COLUMNS = T3_COLUMNS[:-1]
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_ROWS = ("review", "litigation_direct", "litigation_after_review")


@cache
def raw_spec() -> dict[str, Any]:
    """The parsed JSON document."""
    text = resources.files(__package__).joinpath("spec/report_format.json").read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class RowSpec:
    key: str
    group: str | None
    labels: tuple[str, ...]  # normalized label and variants
    derived: str | None = None


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    type: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    id: str
    family: str
    markers: tuple[str, ...]
    rows: tuple[RowSpec, ...]
    columns: tuple[ColumnSpec, ...]
    blocks: tuple[dict[str, Any], ...] = ()
    group_labels: dict[str, str] = field(default_factory=dict)  # normalized label -> group

    def stored_rows(self) -> tuple[RowSpec, ...]:
        return tuple(row for row in self.rows if row.derived is None)

    def column(self, key: str) -> ColumnSpec:
        return next(col for col in self.columns if col.key == key)


def _labels(entry: dict[str, Any]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for label in (entry["label"], *entry.get("variants", ())):
        seen.setdefault(normalize_label(label), None)
    return tuple(seen)


@cache
def table_spec(table_id: str) -> TableSpec:
    entry = raw_spec()["tables"][table_id]
    rows = tuple(
        RowSpec(row["key"], row.get("group"), _labels(row), row.get("derived"))
        for row in entry["rows"]
    )
    columns = tuple(ColumnSpec(col["key"], col["type"], _labels(col)) for col in entry["columns"])
    groups = {normalize_label(g["label"]): g["key"] for g in entry.get("row_groups", ())}
    return TableSpec(
        id=table_id,
        family=entry["family"],
        markers=tuple(normalize_label(m) for m in entry["detect"]["markers"]),
        rows=rows,
        columns=columns,
        blocks=tuple(entry.get("blocks", ())),
        group_labels=groups,
    )


@cache
def rules() -> dict[str, dict[str, Any]]:
    return {rule["id"]: rule for rule in raw_spec()["rules"]}


@cache
def section_titles() -> dict[str, tuple[str, ...]]:
    """Section key -> normalized headings (all eras), for fuzzy heading matching."""
    out: dict[str, dict[str, None]] = {}
    for era in raw_spec()["eras"]:
        for section in era["sections"]:
            bucket = out.setdefault(section["key"], {})
            for title in (section["title"], *section.get("variants", ())):
                bucket.setdefault(normalize_label(title), None)
    return {key: tuple(titles) for key, titles in out.items()}
