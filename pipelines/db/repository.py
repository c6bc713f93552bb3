"""Saving parsed reports to the database and reading them back.

A report is keyed by (canonical authority name, report year, scope): crawling the same report
again, from the same page or another copy of it, finds that one row instead of adding a second.
A changed reading becomes a new *revision*: the reading it replaces is kept in ``report_revision``
(nothing is overwritten), and the report's rows hold the latest. Readings that must not replace
the stored one are kept beside it as revisions too: ``rejected`` (fewer cells: a truncated or
broken page) and ``conflict`` (the page was stored under another authority/year before, or
another page claims this key with a reading that is not better).

Every save is one transaction, so a failure part-way never leaves half a report behind and never
loses the version stored before; a save that loses a race with another writer (two crawls
storing the same new report or authority at once) is retried, so it neither duplicates nor loses.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sqlalchemy import Numeric, Select, delete, distinct, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from nianbao.parsers.metadata import canonical_authority
from nianbao.parsers.model import Cell, Check, Number, ProseMetric, Report, Table, Warning_
from nianbao.parsers.scope import report_scope

from .divisions import AuthorityFacts, classify
from .models import (
    AuthorityRow,
    CellRow,
    CheckResultRow,
    ProseMetricRow,
    ReportRevisionRow,
    ReportRow,
)
from .revisions import make_snapshot, read_snapshot
from .text import AUTHORITY_CHARS, SPIDER_CHARS, bounded, clean_report

SaveOutcome = Literal["new", "updated", "unchanged", "kept_stored", "conflict"]

logger = logging.getLogger(__name__)

#: Attempts of one save that keeps losing races with other writers before the error is raised.
SAVE_ATTEMPTS = 8
#: Levels whose authority is one government per 行政区划代码 (names differ: 威海市文登区人民政府,
#: 文登区人民政府): a name resolving to the same code and level is the same authority.
_CODED_LEVELS = ("province", "city", "county")

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
                    "uncertain": cell.uncertain[:64] if cell.uncertain else None,
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


def _children_of(report: Report) -> dict[str, list[dict[str, Any]]]:
    return {
        model.__tablename__: _sorted_children(model, build(report)) for model, build in _CHILDREN
    }


def _stored_children_of(session: Session, report_id: int) -> dict[str, list[dict[str, Any]]]:
    return {
        model.__tablename__: _stored_children(session, model, report_id)
        for model, _build in _CHILDREN
    }


def _stored_values(stored: ReportRow) -> dict[str, Any]:
    values = {name: getattr(stored, name) for name in _METADATA_FIELDS}
    for name in ("variants", "table_meta", "sections", "violations", "warnings", "parsed_from"):
        values[name] = getattr(stored, name)
    return values


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
        if name != "parsed_from" and getattr(stored, name) != value:
            return False
    return _stored_children_of(session, stored.id) == _children_of(report)


# --- Save ---------------------------------------------------------------------------------


def _year(value: object) -> int | None:
    """The report year as an int; spiders may hand it over as ``"2024"``."""
    try:
        year = int(str(value).strip()) if value is not None else None
    except ValueError:
        return None
    return year if year and year > 0 else None


def _report_key(report: Report) -> tuple[str, int, str]:
    """(canonical authority, report year, scope); :class:`UnkeyedReport` when one is missing."""
    name = canonical_authority(report.authority or "")[:AUTHORITY_CHARS]
    year = _year(report.report_year)
    missing = [label for label, ok in (("authority", name), ("report_year", year)) if not ok]
    if missing or year is None:
        where = report.source_url or report.title or "report"
        raise UnkeyedReport(f"{where}: cannot store a report without {' and '.join(missing)}")
    return name, year, report_scope(report.text, report.title)


def _facts_columns(facts: AuthorityFacts) -> dict[str, Any]:
    region = facts.region
    return {
        "level": facts.level,
        "province": region.province,
        "city": region.city,
        "county": region.county,
        "division_code": region.code,
        "region_source": facts.region_source,
    }


def _government_by_code(session: Session, facts: AuthorityFacts) -> AuthorityRow | None:
    """The stored government with the same tier and division code, if the name has them."""
    if facts.level not in _CODED_LEVELS or facts.region_source != "name":
        return None
    if facts.region.code is None or facts.region.rank != facts.level:
        return None
    return session.scalar(
        select(AuthorityRow)
        .where(
            AuthorityRow.level == facts.level,
            AuthorityRow.division_code == facts.region.code,
        )
        .order_by(AuthorityRow.inferred, AuthorityRow.id)
        .limit(1)
    )


def _find_or_create_authority(
    session: Session,
    name: str,
    *,
    portal: str | None,
    publisher: str | None,
    inferred: bool,
    depth: int = 0,
    retry: bool = True,
) -> AuthorityRow:
    """The authority row for ``name``; a new one gets its tier, region and parent chain.

    A government already stored under another spelling of the same unit (same tier and
    division code) is that authority; a parent created under cpca's name (甘孜藏族自治州人民政府)
    takes the name the authority uses itself when its own report arrives.
    """
    authority = session.scalar(select(AuthorityRow).where(AuthorityRow.name == name))
    if authority is not None:
        if not inferred and authority.inferred:
            authority.inferred = False
        if portal and not authority.portal:
            authority.portal = portal
        if authority.division_code is None and authority.region_source is None:
            # Stored before 0002 (or with no region then): place it now, once it can be.
            _place(session, authority, classify(name, publisher=publisher, portal=portal), depth)
        return authority
    facts = classify(name, publisher=publisher, portal=portal)
    same_unit = _government_by_code(session, facts)
    if same_unit is not None:
        if same_unit.inferred and not inferred:
            same_unit.name, same_unit.inferred = name, False
        if portal and not same_unit.portal:
            same_unit.portal = portal
        return same_unit
    try:
        with session.begin_nested():
            authority = AuthorityRow(name=name, portal=portal, inferred=inferred)
            session.add(authority)
            _place(session, authority, facts, depth)
    except IntegrityError:
        # Another process (a second worker on the same database) created this authority, or
        # its parent, between the look-up above and this insert: it is that row. Only the
        # SAVEPOINT is rolled back; the reports of this transaction are not lost.
        if not retry:
            raise
        return _find_or_create_authority(
            session,
            name,
            portal=portal,
            publisher=publisher,
            inferred=inferred,
            depth=depth,
            retry=False,
        )
    return authority


def _place(session: Session, authority: AuthorityRow, facts: AuthorityFacts, depth: int) -> None:
    """Write tier and region onto ``authority`` and link (creating) its parent government."""
    for key, value in _facts_columns(facts).items():
        if value is not None:
            setattr(authority, key, value)
    session.flush()
    if facts.parent and facts.parent != authority.name and depth < 4 and not authority.parent_id:
        parent = _find_or_create_authority(
            session, facts.parent, portal=None, publisher=None, inferred=True, depth=depth + 1
        )
        authority.parent_id = parent.id


def _replace_children(session: Session, report_id: int, report: Report) -> None:
    # Core DELETE first, then INSERT: the ORM unit of work would insert the new cells before
    # deleting the old ones and trip the (report, table, row, col) unique constraint.
    for model, _build in _CHILDREN:
        session.execute(delete(model).where(model.report_id == report_id))
    for model, build in _CHILDREN:
        rows = [{"report_id": report_id, **row} for row in build(report)]
        if rows:  # executemany; batched into multi-row INSERTs on PostgreSQL (engine.py)
            session.execute(insert(model.__table__), rows)


def _cell_count(report: Report) -> int:
    return sum(len(table.cells) for table in report.tables.values())


def _stored_cell_count(session: Session, report_id: int) -> int:
    return session.scalar(select(func.count()).where(CellRow.report_id == report_id)) or 0


def _snapshot_of_report(report: Report, values: dict[str, Any]) -> dict[str, Any]:
    return make_snapshot(values, _children_of(report))


def _snapshot_of_stored(session: Session, stored: ReportRow) -> dict[str, Any]:
    return make_snapshot(_stored_values(stored), _stored_children_of(session, stored.id))


def _next_number(session: Session, report_id: int) -> int:
    latest = session.scalar(
        select(func.max(ReportRevisionRow.number)).where(ReportRevisionRow.report_id == report_id)
    )
    return (latest or 0) + 1


def _add_revision(
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
            cells=_cell_count(report),
            violations=len(report.violations),
            note=note,
            snapshot=snapshot,
        )
    )
    session.flush()
    return number


def _keep_beside(
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
    _add_revision(
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


def _supersede(
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
            cells=_stored_cell_count(session, stored.id),
            violations=stored.violations,
            note="",
        )
        session.add(current)
    current.status = "superseded"
    current.snapshot = snapshot
    session.flush()
    stored.revision = _add_revision(
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
    _replace_children(session, stored.id, report)


def _same_numbers(session: Session, stored: ReportRow, report: Report) -> bool:
    return _stored_children_of(session, stored.id) == _children_of(report)


def _rank(cells: int, violations: int, warnings: int) -> tuple[int, int, int]:
    """How good a reading is, best highest: more table cells, then fewer broken rules, then
    fewer warnings. A mistyped 本年新收 row keeps the cell count and breaks the row totals: it
    ranks below the reading it would replace."""
    return (cells, -violations, -warnings)


def _reading_rank(report: Report) -> tuple[int, int, int]:
    return _rank(_cell_count(report), len(report.violations), len(report.warnings))


def _stored_rank(session: Session, stored: ReportRow) -> tuple[int, int, int]:
    return _rank(
        _stored_cell_count(session, stored.id), stored.violations, len(stored.warnings or [])
    )


def _worse_note(session: Session, stored: ReportRow, report: Report) -> str:
    """Why a reading ranks below the stored one, in the words of the ranking."""
    (cells, violations, warnings), (old_cells, old_violations, old_warnings) = (
        _reading_rank(report),
        _stored_rank(session, stored),
    )
    if cells != old_cells:
        return "fewer table cells than the stored reading"
    if violations != old_violations:
        return (
            f"more broken rules than the stored reading ({-violations} against {-old_violations})"
        )
    return f"more warnings than the stored reading ({-warnings} against {-old_warnings})"


def _better_than_stored(session: Session, stored: ReportRow, report: Report) -> bool:
    """Whether a reading from *another* page may replace the stored one: it ranks higher, or
    as high and was published later (a republication)."""
    new, old = _reading_rank(report), _stored_rank(session, stored)
    if new != old:
        return new > old
    return bool(report.published and stored.published and report.published > stored.published)


def _existing_authority(
    session: Session, name: str, *, portal: str | None, publisher: str | None
) -> AuthorityRow | None:
    """The stored authority ``name`` denotes (by name, or as the same unit), creating nothing."""
    found = session.scalar(select(AuthorityRow).where(AuthorityRow.name == name))
    if found is None:
        found = _government_by_code(session, classify(name, publisher=publisher, portal=portal))
    return found


def _page_stored_as(
    session: Session, url: str | None, authority: AuthorityRow | None, year: int, scope: str
) -> ReportRow | None:
    """The report another key holds for this page, if the page was stored under another key."""
    if not url:
        return None
    statement = select(ReportRow).where(ReportRow.source_url == url)
    if authority is not None:
        statement = statement.where(
            (ReportRow.authority_id != authority.id)
            | (ReportRow.report_year != year)
            | (ReportRow.scope != scope)
        )
    return session.scalar(statement.limit(1))


def _save(
    session: Session,
    report: Report,
    spider: str | None,
    portal: str | None,
    parsed_from: str | None,
) -> SaveOutcome:
    name, year, scope = _report_key(report)
    values = _report_values(report)
    values["parsed_from"] = parsed_from
    now = _now()
    known = _existing_authority(session, name, portal=portal, publisher=report.publisher)
    elsewhere = _page_stored_as(session, report.source_url, known, year, scope)
    if elsewhere is not None:
        # The page was stored as another report: a broken page (or a changed parser) must not
        # move or fork it silently. The reading is kept beside the stored one, with the warning.
        _keep_beside(
            session,
            elsewhere,
            report,
            values,
            status="conflict",
            spider=spider,
            note=(
                f"key_conflict: the page now reads as {name} {year} ({scope}); "
                f"stored as {elsewhere.authority.name} {elsewhere.report_year} ({elsewhere.scope})"
            ),
            now=now,
        )
        return "conflict"
    authority = _find_or_create_authority(
        session, name, portal=portal, publisher=report.publisher, inferred=False
    )
    stored = session.scalar(
        select(ReportRow)
        .where(
            ReportRow.authority_id == authority.id,
            ReportRow.report_year == year,
            ReportRow.scope == scope,
        )
        .with_for_update()
    )
    if stored is None:
        stored = ReportRow(
            authority_id=authority.id,
            report_year=year,
            scope=scope,
            spider=spider,
            first_seen=now,
            last_seen=now,
            updated_at=now,
            source_urls=[report.source_url] if report.source_url else [],
            revision=1,
            **values,
        )
        session.add(stored)
        session.flush()
        _add_revision(
            session,
            stored.id,
            report,
            status="current",
            spider=spider,
            note="first",
            snapshot=None,
            now=now,
        )
        _replace_children(session, stored.id, report)
        return "new"
    stored.last_seen = now
    known_page = report.source_url in (stored.source_urls or []) or not report.source_url
    if _is_unchanged(session, stored, values, report):
        return "unchanged"
    if not known_page and _same_numbers(session, stored, report):
        # The same report at another address (a mirror, the county portal's copy): one more URL.
        stored.source_urls = [*(stored.source_urls or []), report.source_url]
        return "unchanged"
    new_rank, stored_rank = _reading_rank(report), _stored_rank(session, stored)
    if new_rank[0] < stored_rank[0] or (known_page and new_rank < stored_rank):
        # A broken or truncated page, or the same page read with more of its rules broken (a
        # mistyped row), must not replace a better stored reading: it is kept beside it as a
        # revision. (Another page's reading that is not better is a conflict, below.)
        _keep_beside(
            session,
            stored,
            report,
            values,
            status="rejected",
            spider=spider,
            note=_worse_note(session, stored, report),
            now=now,
        )
        return "kept_stored"
    if not known_page and not _better_than_stored(session, stored, report):
        _keep_beside(
            session,
            stored,
            report,
            values,
            status="conflict",
            spider=spider,
            note="another page claims this report with a different reading that is not better",
            now=now,
        )
        return "conflict"
    note = "changed" if known_page else "republished at another address"
    if report.content_sha256 == stored.content_sha256:
        note = "re-read (same text)"
    if not known_page:
        stored.source_urls = [*(stored.source_urls or []), report.source_url]
    _supersede(session, stored, report, values, spider=spider, note=note, now=now)
    return "updated"


def _lost_race(error: DBAPIError) -> bool:
    """A unique violation another writer caused, a deadlock or a busy SQLite file: retry."""
    orig = error.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in ("23505", "40001", "40P01"):
        return True
    message = str(orig)
    if isinstance(error, IntegrityError):
        return "UNIQUE constraint failed" in message
    return isinstance(error, OperationalError) and "database is locked" in message


def save_report(
    session: Session,
    report: Report,
    *,
    spider: str | None,
    portal: str | None,
    parsed_from: str | None = None,
) -> SaveOutcome:
    """Store ``report``; return what happened to it.

    ``new``: first reading of this (authority, year, scope). ``unchanged``: identical to the
    stored reading, or the same numbers at another URL (added to ``source_urls``); only
    ``last_seen`` moves. ``updated``: a new current revision (the replaced reading is kept).
    ``kept_stored``: fewer cells than stored, kept as a ``rejected`` revision. ``conflict``: kept
    as a ``conflict`` revision beside the stored report, which stays as it was (see module doc).

    The save is one transaction: committed here when the session had none open, otherwise a
    SAVEPOINT inside the caller's transaction (the caller commits). Any failure rolls back this
    report only and re-raises; losing a race with another writer is retried (``SAVE_ATTEMPTS``).
    :class:`UnkeyedReport` is raised before anything is written. Every string is first made
    storable the same way for both engines (:mod:`.text`: no NUL or control characters, NFC,
    names within their columns).
    """
    clean_report(report)
    spider, portal = bounded(spider, SPIDER_CHARS), bounded(portal, AUTHORITY_CHARS)
    _report_key(report)
    return write_retrying(
        session,
        lambda: _save(session, report, spider, portal, parsed_from),
        what=f"save of {report.source_url}",
    )


T = TypeVar("T")


def write_retrying(session: Session, write: Callable[[], T], *, what: str) -> T:
    """Run ``write`` in a transaction of its own (committed here), or in a SAVEPOINT when the
    session already has one, and start again when it lost a race with another writer (a unique
    violation another process caused, a deadlock, a busy SQLite file; ``SAVE_ATTEMPTS``): the
    failed attempt was rolled back whole, so nothing of it stays. One report and a batch of
    reports (:mod:`.bulk`) are written through here alike."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        nested = session.in_transaction()
        transaction = session.begin_nested() if nested else session.begin()
        if not nested:
            # SQLite: take the write lock up front (see engine._configure_sqlite).
            session.connection(execution_options={"nianbao_write": True})
        try:
            with transaction:
                return write()
        except (IntegrityError, OperationalError) as error:
            if attempt == SAVE_ATTEMPTS or not _lost_race(error):
                raise
            session.expire_all()
            logger.debug("%s lost a race (attempt %d): %s", what, attempt, error)
            time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


# --- Load ---------------------------------------------------------------------------------


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


def _load_row(session: Session, row: ReportRow) -> Report:
    return build_report(
        row.authority.name,
        row.report_year,
        _stored_values(row),
        _stored_children_of(session, row.id),
    )


def load_report(session: Session, authority: str, year: int, scope: str = "self") -> Report | None:
    """Rebuild the stored :class:`Report` for (authority, year), or ``None`` if there is none.

    Numbers come back as ``int`` when whole and as ``Decimal`` otherwise, as the parsers make
    them, so a round trip compares equal to the report that was saved.
    """
    row = session.scalar(_report_query(authority, year, scope))
    if row is None:
        return None
    return _load_row(session, row)


def find_report(
    session: Session, authority: str, year: int, scope: str = "self"
) -> ReportRow | None:
    """The stored report row for (authority, year, scope)."""
    return session.scalar(_report_query(authority, year, scope))


def revision_report(session: Session, row: ReportRow, revision: ReportRevisionRow) -> Report:
    """The reading a revision holds: its snapshot, or the live rows for the current one."""
    if revision.snapshot is None:
        return _load_row(session, row)
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


def summary_rows(session: Session, spiders: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One line per stored report for the crawl summary, ordered by authority and year;
    only those last stored by ``spiders`` when given.

    Keys: authority, year, format, tables (``"t2,t3,t4"``), cells, violations (failed checks,
    one per rule and binding), rules_broken (distinct rules failing within the report: the
    ``rules_broken`` indicator without the cross-year rules), warnings (how many),
    warning_codes (their codes, in order), source_url. Reads only the columns it prints, not
    the report texts.
    """
    cells = (
        select(CellRow.report_id, func.count().label("cells"))
        .group_by(CellRow.report_id)
        .subquery()
    )
    broken = (
        select(
            CheckResultRow.report_id,
            func.count(distinct(CheckResultRow.rule_id)).label("rules_broken"),
        )
        .where(CheckResultRow.status == "fail")
        .group_by(CheckResultRow.report_id)
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
            func.coalesce(broken.c.rules_broken, 0),
            ReportRow.warnings,
            ReportRow.source_url,
        )
        .join(AuthorityRow)
        .outerjoin(cells, cells.c.report_id == ReportRow.id)
        .outerjoin(broken, broken.c.report_id == ReportRow.id)
        .order_by(AuthorityRow.name, ReportRow.report_year)
    )
    if spiders is not None:
        statement = statement.where(ReportRow.spider.in_(list(spiders)))
    rows = []
    for row in session.execute(statement):
        name, year, format_, variants, cell_count, violations, rules_broken, warnings, url = row
        rows.append(
            {
                "authority": name,
                "year": year,
                "format": format_,
                "tables": ",".join(sorted(variants or {})),
                "cells": cell_count,
                "violations": violations,
                "rules_broken": rules_broken,
                "warnings": len(warnings or []),
                "warning_codes": [str(w.get("code", "?")) for w in warnings or []],
                "source_url": url,
            }
        )
    return rows


def report_count(session: Session) -> int:
    """How many reports the whole database holds (every spider, every run)."""
    return session.scalar(select(func.count()).select_from(ReportRow)) or 0
