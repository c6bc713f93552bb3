"""Storing many reports at once: one transaction per batch, each report still atomic.

:func:`~.repository.save_report` stores one report in its own transaction with a dozen
statements; a nightly run over the country or a ``nianbao reparse`` stores tens of thousands,
and one commit (an fsync on SQLite) plus the per-report statements held it near 60 reports/s.
:func:`save_reports` takes a batch:

- every report is cleaned and keyed first; an unkeyed one is that report's outcome, not the
  batch's;
- the reports that are simply *new* (no stored report under their key, their page not stored
  under another key, their key not taken earlier in the batch) are written together: one
  multi-row INSERT of the reports (ids returned in order), one of their first revisions and
  one per child table for all their cells, checks and prose figures, inside a SAVEPOINT;
- every other report (an update, a conflict, a mirror, a repeat within the batch) goes through
  the one-report path, each in a SAVEPOINT of its own;
- if the batched INSERT fails (a constraint, a value one engine refuses), its SAVEPOINT is
  rolled back and those reports are stored one by one instead, so the failure is confined to
  the report that caused it: a failure of one report never loses another.

Authorities are looked up or created once per distinct name in the batch, with their
placement (tier, region, parent chain) cached by :mod:`.divisions`. On PostgreSQL the children
of the new reports skip the per-row foreign-key look-ups where that is safe (:mod:`.fk_triggers`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, Table, func, select, text, tuple_
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from nianbao.parsers.model import Number, Report

from .authorities import UnkeyedReport, find_or_create_authority, known_authorities, report_key
from .divisions import classify, prefetch
from .engine import json_text
from .fk_triggers import children_of_new_reports
from .models import AuthorityRow, CellRow, ReportRevisionRow, ReportRow
from .repository import SaveOutcome, utc_now, write_report, write_retrying
from .rows import CELL_FIELDS, CHILDREN, at_scale, cell_count, cell_fields, report_values
from .text import AUTHORITY_CHARS, SPIDER_CHARS, bounded, clean_report

logger = logging.getLogger(__name__)

try:  # COPY runs on psycopg's own connection: its errors are not wrapped by SQLAlchemy
    from psycopg import Error as _PsycopgError
except ImportError:  # pragma: no cover - SQLite-only installs
    _PsycopgError = DBAPIError  # type: ignore[assignment,misc]
_DATABASE_ERRORS = (DBAPIError, _PsycopgError)

Outcome = SaveOutcome | Exception
Keyed = tuple[int, Report, tuple[str, int, str]]


PerReport = str | None | Sequence[str | None]


def _each(value: PerReport, count: int, limit: int | None = None) -> list[str | None]:
    """One value per report: ``value`` repeated, or the sequence given (cleaned, bounded)."""
    values = list(value) if isinstance(value, list | tuple) else [value] * count
    if len(values) != count:
        raise ValueError(f"{len(values)} values for {count} reports")
    return [bounded(v, limit) for v in values] if limit else values  # type: ignore[misc]


def save_reports(
    session: Session,
    reports: Sequence[Report],
    *,
    spider: PerReport,
    portal: PerReport = None,
    parsed_from: PerReport = None,
) -> list[Outcome]:
    """Store ``reports`` in one transaction; return each report's outcome, in order.

    An outcome is what :func:`~.repository.save_report` returns, or the exception that kept
    that report from being stored (:class:`UnkeyedReport`, a database error): the others are
    stored all the same. ``spider``, ``portal`` and ``parsed_from`` are one value for all or
    one per report (a broad crawl's batch mixes portals). The transaction is committed here
    when the session had none open; otherwise the batch is a SAVEPOINT inside the caller's.
    """
    count = len(reports)
    froms = _each(parsed_from, count)
    spiders = _each(spider, count, SPIDER_CHARS)
    portals = _each(portal, count, AUTHORITY_CHARS)
    outcomes: list[Outcome | None] = [None] * len(reports)
    keyed: list[Keyed] = []
    for index, report in enumerate(reports):
        clean_report(report)
        try:
            keyed.append((index, report, report_key(report)))
        except UnkeyedReport as error:
            outcomes[index] = error
    if keyed:
        prefetch(
            [key[0] for _, _, key in keyed]
            + [report.publisher for _, report, _ in keyed]
            + list(dict.fromkeys(portals))
        )
        # Each attempt starts from the outcomes known before it (the unkeyed reports).
        before = outcomes
        outcomes = write_retrying(
            session,
            lambda: _write_batch(session, keyed, list(before), spiders, portals, froms),
            what=f"a batch of {len(keyed)} reports",
        )
    return [outcome if outcome is not None else RuntimeError("not saved") for outcome in outcomes]


def _write_batch(
    session: Session,
    keyed: list[Keyed],
    outcomes: list[Outcome | None],
    spiders: list[str | None],
    portals: list[str | None],
    froms: list[str | None],
) -> list[Outcome | None]:
    """The batch's writes, inside the caller's transaction; ``outcomes`` filled in."""
    fresh, others, authority_ids = _partition(session, keyed, portals)
    if fresh:
        try:
            with session.begin_nested():
                _insert_new(session, fresh, authority_ids, spiders, froms)
        except _DATABASE_ERRORS as error:
            logger.info("batched insert failed (%s); storing one by one", error)
            session.expire_all()
            others = sorted([*fresh, *others], key=lambda entry: entry[0])
        else:
            for index, _report, _key in fresh:
                outcomes[index] = "new"
    for index, report, _key in others:
        outcomes[index] = _save_one(session, report, spiders[index], portals[index], froms[index])
    return outcomes


def _save_one(
    session: Session, report: Report, spider: str | None, portal: str | None, parsed_from: Any
) -> Outcome:
    try:
        with session.begin_nested():
            return write_report(session, report, spider, portal, parsed_from)
    except DBAPIError as error:
        session.expire_all()
        logger.error("report %s not stored: %s", report.source_url, error.orig)
        return error


def _partition(
    session: Session, keyed: list[Keyed], portals: list[str | None]
) -> tuple[list[Keyed], list[Keyed], dict[int, int]]:
    """Split the batch into reports that are simply new and those that need the full path;
    with the authority id of each new one, by its index in the batch."""
    urls = {report.source_url for _, report, _ in keyed if report.source_url}
    stored_urls = set(
        session.scalars(select(ReportRow.source_url).where(ReportRow.source_url.in_(urls)))
        if urls
        else ()
    )
    authorities = _authorities(session, keyed, portals)
    session.flush()
    keys = {(authorities[name].id, year, scope) for _, _, (name, year, scope) in keyed}
    stored_keys = {
        tuple(row)
        for row in session.execute(
            select(ReportRow.authority_id, ReportRow.report_year, ReportRow.scope).where(
                tuple_(ReportRow.authority_id, ReportRow.report_year, ReportRow.scope).in_(keys)
            )
        )
    }
    fresh: list[Keyed] = []
    others: list[Keyed] = []
    taken: set[tuple[int, int, str]] = set()
    seen_urls: set[str] = set()
    for entry in keyed:
        _, report, (name, year, scope) = entry
        key = (authorities[name].id, year, scope)
        url = report.source_url
        if key in stored_keys or key in taken or (url and (url in stored_urls or url in seen_urls)):
            others.append(entry)
        else:
            fresh.append(entry)
            taken.add(key)
        if url:
            seen_urls.add(url)
    return fresh, others, {index: authorities[key[0]].id for index, _, key in fresh}


def _authorities(
    session: Session, keyed: list[Keyed], portals: list[str | None]
) -> dict[str, AuthorityRow]:
    """The authority row of each name in the batch, found or created. The names and their
    parents are looked up in one query, and the new ones created under one SAVEPOINT (one per
    authority cost more than the rest of their creation); if another writer created one of
    them meanwhile, that SAVEPOINT is rolled back and each is created in its own, as
    :func:`find_or_create_authority` alone does."""
    names = [name for _, _, (name, _year, _scope) in keyed]
    parents = [
        classify(name, publisher=report.publisher, portal=portals[index]).parent
        for index, report, (name, _year, _scope) in keyed
    ]
    known = known_authorities(session, [*names, *filter(None, parents)])

    def find_all(savepoint: bool) -> dict[str, AuthorityRow]:
        authorities: dict[str, AuthorityRow] = {}
        for index, report, (name, _year, _scope) in keyed:
            if name not in authorities:
                authorities[name] = find_or_create_authority(
                    session,
                    name,
                    portal=portals[index],
                    publisher=report.publisher,
                    inferred=False,
                    known=known,
                    savepoint=savepoint,
                )
        session.flush()
        return authorities

    try:
        with session.begin_nested():
            return find_all(savepoint=False)
    except IntegrityError:
        logger.debug("an authority of the batch was created meanwhile; creating one by one")
        known.clear()
        return find_all(savepoint=True)


def _insert_new(
    session: Session,
    fresh: list[Keyed],
    authority_ids: dict[int, int],
    spiders: list[str | None],
    froms: list[Any],
) -> None:
    """The batch's new reports, their first revisions and their children, in a few INSERTs."""
    now = utc_now()
    rows = []
    for index, report, (_name, year, scope) in fresh:
        values = report_values(report)
        values["parsed_from"] = froms[index]
        rows.append(
            {
                **values,
                "authority_id": authority_ids[index],
                "report_year": year,
                "scope": scope,
                "spider": spiders[index],
                "first_seen": now,
                "last_seen": now,
                "updated_at": now,
                "source_urls": [report.source_url] if report.source_url else [],
                "revision": 1,
            }
        )
    ids = _insert_returning_ids(session, ReportRow.__table__, rows)
    revisions = [
        {
            "report_id": report_id,
            "number": 1,
            "status": "current",
            "created_at": now,
            "source_url": report.source_url,
            "content_sha256": report.content_sha256,
            "spider": spiders[index],
            "cells": cell_count(report),
            "violations": len(report.violations),
            "note": "first",
            "snapshot": None,
        }
        for report_id, (index, report, _) in zip(ids, fresh, strict=True)
    ]
    reports = [(report_id, report) for report_id, (_, report, _) in zip(ids, fresh, strict=True)]
    with children_of_new_reports(session):
        _write_rows(session, ReportRevisionRow.__table__, revisions)
        _write_children(session, reports)


def _write_children(session: Session, reports: list[tuple[int, Report]]) -> None:
    """The cells, checks and prose figures of ``reports`` (stored id, parsed report)."""
    number = _cell_number(session)
    cells = (
        (report_id, *fields)
        for report_id, report in reports
        for fields in cell_fields(report, number, _flags_text)
    )
    _write_tuples(session, CellRow.__table__, ("report_id", *CELL_FIELDS), cells)
    for model, build in CHILDREN:
        if model is CellRow:
            continue
        children = [
            {"report_id": report_id, **row}
            for report_id, report in reports
            for row in build(report)
        ]
        _write_rows(session, model.__table__, children)


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _cell_number(session: Session) -> Callable[[Number | None], Any]:
    """A cell's number as the engine binds a NUMERIC(20,5): SQLAlchemy sends SQLite a float
    and PostgreSQL the Decimal; a count (nearly every cell) goes as the int itself, which
    both store exactly as they store that float or Decimal."""
    if _postgresql(session):
        return lambda value: value if value is None or type(value) is int else at_scale(value)
    return lambda value: value if value is None or type(value) is int else float(at_scale(value))


def _executemany_params(
    session: Session, table: Table, columns: list[str], rows: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """Each row's values as the DBAPI takes them, through its column type's bind processor
    (what SQLAlchemy's own executemany does, without its per-row parameter bookkeeping)."""
    dialect = session.get_bind().dialect
    processors = []
    for index, name in enumerate(columns):
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            processors.append((index, _json_text))
            continue
        process = column_type._cached_bind_processor(dialect)
        if process is not None and not _postgresql(session):
            processors.append((index, process))
    params = []
    for row in rows:
        values = list(row.values())
        for index, process in processors:
            values[index] = process(values[index])
        params.append(tuple(values))
    return params


def _flags_text(flags: list[str]) -> str:
    return _json_text(list(flags)) if flags else "[]"


def _json_text(value: Any) -> str:
    """A JSON column's text as the engine's serializer writes it (``None`` as JSON null); the
    empty list, most cells' flags, without a call."""
    if value == []:
        return "[]"
    return json_text(value)


def _insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """INSERT ``rows``; their ids, in order. The ids are taken first (PostgreSQL: from the
    table's sequence; SQLite: after the largest, under the write lock), so that the rows go in
    by COPY or one executemany, which return nothing."""
    if _postgresql(session):
        ids = list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
                ),
                {"t": table.name, "n": len(rows)},
            )
        )
    else:  # the batch holds SQLite's write lock (BEGIN IMMEDIATE): nobody else takes an id
        last = session.scalar(select(func.max(table.c.id))) or 0
        ids = list(range(last + 1, last + 1 + len(rows)))
    _write_rows(session, table, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
    return ids


def _write_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts, all with the same keys), each value bound as its column's type
    binds it."""
    if rows:
        columns = list(rows[0])
        _write_tuples(session, table, columns, _executemany_params(session, table, columns, rows))


def _write_tuples(
    session: Session, table: Table, columns: Sequence[str], params: Iterable[tuple[Any, ...]]
) -> None:
    """INSERT rows of DBAPI values in ``columns`` order: COPY on PostgreSQL, where a multi-row
    INSERT of a batch's 50,000 cells is one huge statement psycopg spends seconds splitting;
    one executemany on SQLite."""
    names = ", ".join(f'"{name}"' for name in columns)
    if not _postgresql(session):
        marks = ", ".join("?" for _ in columns)
        session.connection().exec_driver_sql(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(params)
        )
        return
    connection = session.connection().connection.driver_connection
    with (
        connection.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for values in params:
            copy.write_row(values)
