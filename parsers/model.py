"""The structured report that every parser returns and every later stage consumes.

Plain dataclasses, no Scrapy and no SQLAlchemy: the same object is printed by ``nianbao parse``,
carried through the item pipelines and written to the database. Keys (table ids, row, column and
rule ids) are exactly those of ``report_format.json``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal

Number = int | Decimal
CheckStatus = Literal["pass", "fail", "not_checkable"]

#: How a stored value was obtained (report_format.json ``value_conventions.value_sources``).
VALUE_SOURCES = ("printed", "blank_zero", "marker_zero", "marker_null", "derived", "missing")


class ParseError(ValueError):
    """The one error type the parsers raise: the input cannot be read as a report at all.

    Anything short of that (a missing table, a broken rule, an odd numeral) is not an error but
    a warning or flag on the returned :class:`Report`.
    """


@dataclass(slots=True, init=False)
class Cell:
    """One value cell of a statistical table, stored as printed."""

    row: str
    col: str
    value: Number | None
    raw: str | None = None
    source: str = "printed"
    derived: Number | None = None
    flags: list[str] = field(default_factory=list)
    #: Why this value may be wrong although it was read (``None``: the page decides it). Set
    #: when the page itself is ambiguous: a positional placement that is not unique, value rows
    #: that do not match the label count, a shape fallback. Stored in ``cell.uncertain``.
    uncertain: str | None = None

    def __init__(
        self,
        row: str,
        col: str,
        value: Number | None,
        raw: str | None = None,
        source: str = "printed",
        derived: Number | None = None,
        flags: list[str] | None = None,
        uncertain: str | None = None,
    ) -> None:
        # Written out, not generated: the compiled build (setup.py) compiles this one, while a
        # dataclass's generated __init__ stays interpreted, and a report has hundreds of cells.
        self.row = row
        self.col = col
        self.value = value
        self.raw = raw
        self.source = source
        self.derived = derived
        self.flags = [] if flags is None else flags
        self.uncertain = uncertain

    def __reduce__(self) -> tuple[type[Cell], tuple[object, ...]]:
        # pickle and deepcopy rebuild through __init__: a compiled class's __new__ runs it.
        fields = (self.row, self.col, self.value, self.raw, self.source, self.derived)
        return Cell, (*fields, self.flags, self.uncertain)


@dataclass(slots=True)
class Table:
    """One of the three standard tables, as detected in this report."""

    family: str  # t2, t3 or t4
    variant: str  # t2_2021, t2_2019, t3_2021, t3_2019 or t4
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    detection: str = ""  # why this variant was chosen
    layout: str = ""  # which reader produced it (grid, tokens, ...)

    @property
    def era(self) -> str:
        """The format year of the variant: ``"2021"`` or ``"2019"`` (``"2021"`` for t4)."""
        return self.variant.rsplit("_", 1)[1] if "_" in self.variant else "2021"

    def value(self, row: str, col: str) -> Number | None:
        cell = self.cells.get((row, col))
        return None if cell is None else cell.value

    def rows(self) -> dict[str, dict[str, Number | None]]:
        """``{row: {col: value}}`` in insertion order: the JSON shape of ``tables``."""
        out: dict[str, dict[str, Number | None]] = {}
        for (row, col), cell in self.cells.items():
            out.setdefault(row, {})[col] = cell.value
        return out


@dataclass(slots=True)
class Check:
    """The outcome of one consistency rule (勾稽关系) for one binding (a column or a row)."""

    rule: str
    status: CheckStatus
    binding: str = ""
    lhs: Number | None = None
    rhs: Number | None = None
    detail: str = ""

    @property
    def diff(self) -> Number | None:
        if self.lhs is None or self.rhs is None:
            return None
        return self.lhs - self.rhs


@dataclass(slots=True)
class ProseMetric:
    """A figure stated in the report's prose (主动公开 N 条, 收到申请 N 件 ...)."""

    key: str
    value: Number
    span: str
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Warning_:
    """Something the reader of the report should know; never fatal."""

    code: str
    detail: str = ""
    table: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code}
        if self.table:
            out["table"] = self.table
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(slots=True)
class ReportMetadata:
    """What a report says about itself, and where each answer was read.

    Declared once for the parser's metadata (``parsers.metadata.Metadata``) and the
    :class:`Report` built from it, so a new field is added in one place.
    """

    title: str | None = None
    authority: str | None = None
    publisher: str | None = None
    report_year: int | None = None
    published: dt.date | None = None
    index_no: str | None = None
    #: Where ``authority`` came from: ``title``, ``publisher_field`` (发布机构/来源), ``text``
    #: (the prose or a signature line), ``url`` (the portal's authority), ``argument`` (given
    #: by the caller); ``None`` when unknown. ``authority_evidence`` is the span that names it.
    authority_source: str | None = None
    authority_evidence: str | None = None
    #: Where ``report_year`` came from: ``title``, ``statistics_period``, ``text``, ``argument``,
    #: ``hint``, ``published_minus_one`` or ``prose`` (the last two are guesses, warned about).
    year_source: str | None = None
    year_evidence: str | None = None

    def metadata_fields(self) -> dict[str, Any]:
        """The values of the fields declared here (a subclass's own fields left out)."""
        return {f.name: getattr(self, f.name) for f in fields(ReportMetadata)}


@dataclass(slots=True)
class Report(ReportMetadata):
    """A parsed 政府信息公开工作年度报告 (its metadata fields are :class:`ReportMetadata`'s)."""

    source_url: str | None = None
    format: str | None = None  # report-level era: f2021, f2019 or pre2019
    tables: dict[str, Table] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    prose: list[ProseMetric] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    warnings: list[Warning_] = field(default_factory=list)
    text: str = ""
    content_sha256: str | None = None

    def warn(self, code: str, detail: str = "", table: str | None = None) -> None:
        self.warnings.append(Warning_(code, detail, table))

    @property
    def formats(self) -> dict[str, str]:
        """Format year per table; table 四 is the same in both formats, so it takes the report's."""
        report_era = (self.format or "f2021").removeprefix("f")
        return {
            family: report_era if family == "t4" else table.era
            for family, table in self.tables.items()
        }

    @property
    def violations(self) -> list[Check]:
        return [check for check in self.checks if check.status == "fail"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``nianbao parse`` (numbers stay ``int``/``Decimal``)."""
        return {
            "source_url": self.source_url,
            "title": self.title,
            "authority": self.authority,
            "publisher": self.publisher,
            "report_year": self.report_year,
            "published": self.published.isoformat() if self.published else None,
            "index_no": self.index_no,
            "authority_source": self.authority_source,
            "authority_evidence": self.authority_evidence,
            "year_source": self.year_source,
            "year_evidence": self.year_evidence,
            "format": self.format,
            "formats": self.formats,
            "variants": {family: table.variant for family, table in self.tables.items()},
            "detection": {family: table.detection for family, table in self.tables.items()},
            "tables": {family: table.rows() for family, table in self.tables.items()},
            "table_flags": {f: t.flags for f, t in self.tables.items() if t.flags},
            "derived": {
                family: {
                    f"{cell.row}:{cell.col}": cell.derived
                    for cell in table.cells.values()
                    if cell.derived is not None
                }
                for family, table in self.tables.items()
                if any(cell.derived is not None for cell in table.cells.values())
            },
            "uncertain": {
                family: {
                    f"{cell.row}:{cell.col}": cell.uncertain
                    for cell in table.cells.values()
                    if cell.uncertain
                }
                for family, table in self.tables.items()
                if any(cell.uncertain for cell in table.cells.values())
            },
            "prose": {m.key: m.value for m in self.prose},
            "checks": [
                {
                    "rule": c.rule,
                    "status": c.status,
                    **({"binding": c.binding} if c.binding else {}),
                    **({"lhs": c.lhs, "rhs": c.rhs} if c.status == "fail" else {}),
                    "detail": c.detail,
                }
                for c in self.checks
            ],
            "warnings": [w.to_dict() for w in self.warnings],
        }
