"""SQLAlchemy 2 ORM tables for stored reports.

The schema is written once, portably: every type here means the same thing on SQLite and on
PostgreSQL (``Numeric`` for values, ``JSON`` for lists and maps, no dialect-only types), because
tests run on both and a deployment may move from a local SQLite file to a shared server.

The tables mirror ``nianbao.parsers.model``: one ``report`` row per (authority, report year,
scope), one ``cell`` row per table value of its current reading, plus ``check_result`` and
``prose_metric``; ``report_revision`` keeps every reading ever stored, so a corrected or
republished report never overwrites the one before it. The schema itself is created by the Alembic
migrations in ``migrations/versions`` (0001 the first schema, 0002 authorities, scope, revisions
and the analyst views); these classes must match them (``tests/pipelines/test_db.py`` compares).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Deterministic constraint names, so later migrations (and SQLite batch mode) can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Tiers of a reporting organ (report_format.json ``admin_levels``, plus ``street`` for
#: 街道办事处, which the spec files under township with ``township_kind`` subdistrict).
ADMIN_LEVELS = ("national", "province", "city", "county", "township", "street", "department")
CHECK_STATUSES = ("pass", "fail", "not_checkable")
#: ``self``: the organ's own work; ``aggregate``: a whole region's (全市各级行政机关); SPEC.md §8.
SCOPES = ("self", "aggregate")
#: Which input the stored reading was parsed from.
PARSED_FROM = ("page", "attachment")
#: ``current``: the reading the report's rows hold; ``superseded``: an earlier one;
#: ``rejected``: a worse reading (fewer cells) that did not replace the stored one;
#: ``conflict``: a reading whose key clashes with what its page was stored as before.
REVISION_STATUSES = ("current", "superseded", "rejected", "conflict")

#: NUMERIC(20,5): reports print money in 万元 with up to 5 decimals (9.63211); counts are ints.
Value = Numeric(20, 5)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AuthorityRow(Base):
    """The organ whose work a report covers, under its canonical name."""

    __tablename__ = "authority"
    __table_args__ = (
        CheckConstraint(f"level IS NULL OR {_in('level', ADMIN_LEVELS)}", name="level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str | None] = mapped_column(String(16))
    portal: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    #: The government one tier up (泸定县人民政府 → 甘孜藏族自治州人民政府), where derivable.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("authority.id", ondelete="SET NULL"), index=True
    )
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    county: Mapped[str | None] = mapped_column(String(32))
    #: 6-digit 行政区划代码 of the most specific unit resolved (cpca); townships have none.
    division_code: Mapped[str | None] = mapped_column(String(12), index=True)
    #: Where the region came from: ``name``, ``publisher`` or ``portal``.
    region_source: Mapped[str | None] = mapped_column(String(16))
    #: Created as some authority's parent, not (yet) seen issuing a report of its own.
    inferred: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    reports: Mapped[list[ReportRow]] = relationship(back_populates="authority")


class ReportRow(Base):
    """One annual report: metadata, the table variants found and the crawl bookkeeping."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("authority_id", "report_year", "scope"),
        CheckConstraint(_in("scope", SCOPES), name="scope"),
        Index(None, "report_year"),
        # Which report a page was stored as (a key conflict is a page that now reads otherwise).
        Index(None, "source_url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    report_year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date)
    index_no: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(16))
    #: ``{"t2": "t2_2021", ...}``: which variant of each table family the report contains.
    variants: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: ``{"t2": {"flags": [...], "detection": "...", "layout": "..."}}``: per-table parse notes,
    #: kept so a table stored without cells (``table_unfilled``) still says why.
    table_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: ``{"overview": "...", "problems": "...", ...}``: the report's prose by section.
    sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    text: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    spider: Mapped[str | None] = mapped_column(String(100))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Number of failed checks, denormalised so the crawl summary needs no join.
    violations: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(String(16), default="self", server_default="self")
    #: ``page`` or ``attachment``: which input the current reading was parsed from.
    parsed_from: Mapped[str | None] = mapped_column(String(16))
    #: Every URL this report was found at (page, attachment, mirrors), first seen first.
    source_urls: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: Number of the current ``report_revision``: the reading the cells hold.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    authority: Mapped[AuthorityRow] = relationship(back_populates="reports")


#: The cells ``ix_cell_summary`` holds: what the views read across many reports.
_SUMMARY_CELLS = "col_key = 'total' OR family = 't4'"


class CellRow(Base):
    """One value cell, addressed ``table_id:row_key:col_key`` as in report_format.json."""

    __tablename__ = "cell"
    __table_args__ = (
        UniqueConstraint("report_id", "table_id", "row_key", "col_key"),
        # The cells read across reports: table 三's 总计 column and table 四 (report_wide,
        # the township query), a fifth of all cells (migration 0009).
        Index(
            "ix_cell_summary",
            "family",
            "report_id",
            "row_key",
            "col_key",
            sqlite_where=text(_SUMMARY_CELLS),
            postgresql_where=text(_SUMMARY_CELLS),
        ),
        # report_wide.uncertain_cells counts only these (migration 0007).
        Index(
            "ix_cell_uncertain_report_id",
            "report_id",
            sqlite_where=text("uncertain IS NOT NULL"),
            postgresql_where=text("uncertain IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    table_id: Mapped[str] = mapped_column(String(16))
    family: Mapped[str] = mapped_column(String(8))
    #: Order of the cell within its table, so a reloaded table iterates as printed.
    position: Mapped[int] = mapped_column(Integer)
    row_key: Mapped[str] = mapped_column(String(128))
    col_key: Mapped[str] = mapped_column(String(128))
    value: Mapped[Decimal | None] = mapped_column(Value)
    value_raw: Mapped[str | None] = mapped_column(Text)
    value_source: Mapped[str] = mapped_column(String(16))
    value_derived: Mapped[Decimal | None] = mapped_column(Value)
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: Why the value may be wrong although it was read (``Cell.uncertain``); NULL: the page
    #: decides it.
    uncertain: Mapped[str | None] = mapped_column(String(64))


class CheckResultRow(Base):
    """The outcome of one consistency rule for one binding (column or row)."""

    __tablename__ = "check_result"
    __table_args__ = (
        CheckConstraint(_in("status", CHECK_STATUSES), name="status"),
        # What is read across reports is failures: the rule queries, rules broken (0009).
        Index(
            "ix_check_result_failed",
            "rule_id",
            "report_id",
            sqlite_where=text("status = 'fail'"),
            postgresql_where=text("status = 'fail'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(64))
    binding: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16))
    lhs: Mapped[Decimal | None] = mapped_column(Value)
    rhs: Mapped[Decimal | None] = mapped_column(Value)
    diff: Mapped[Decimal | None] = mapped_column(Value)
    detail: Mapped[str] = mapped_column(Text, default="")


class ProseMetricRow(Base):
    """A figure stated in the report's prose, with the sentence it came from."""

    __tablename__ = "prose_metric"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column(Value)
    span: Mapped[str] = mapped_column(Text, default="")
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)


class ReportRevisionRow(Base):
    """One reading of a report, kept for good: the current one and every one before or beside it.

    The current revision's numbers live in ``cell`` / ``check_result`` / ``prose_metric``; its
    ``snapshot`` is empty. When a new reading replaces it, the replaced reading is written into
    its ``snapshot`` first (metadata, cells with provenance, checks, prose, warnings, text), so
    nothing is ever lost. Rejected and conflicting readings carry their snapshot from the start.
    """

    __tablename__ = "report_revision"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        CheckConstraint(_in("status", REVISION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source_url: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    spider: Mapped[str | None] = mapped_column(String(100))
    cells: Mapped[int] = mapped_column(Integer, default=0)
    violations: Mapped[int] = mapped_column(Integer, default=0)
    #: Why this revision exists or was not made current (``republished``, ``reparsed``, …).
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# The nightly tables (seen-set, run records) live in their own module on the same Base; importing
# it here puts them in Base.metadata wherever the schema is compared or created.
from . import nightly as _nightly  # noqa: E402, F401
