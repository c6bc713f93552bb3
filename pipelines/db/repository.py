"""Saving parsed reports to the database: :func:`save_report`, the one write entry point.

A report is keyed by (canonical authority name, report year, scope) (:mod:`.authorities`):
crawling the same report again, from the same page or another copy of it, finds that one row
instead of adding a second. A changed reading becomes a new *revision*: the reading it replaces
is kept in ``report_revision`` (nothing is overwritten), and the report's rows hold the latest
(:mod:`.revisions`). Readings that must not replace the stored one (:mod:`.ranking`) are kept
beside it as revisions too: ``rejected`` (fewer cells: a truncated or broken page) and
``conflict`` (the page was stored under another authority/year before, or another page claims
this key with a reading that is not better).

Every save is one transaction, so a failure part-way never leaves half a report behind and never
loses the version stored before; a save that loses a race with another writer (two crawls
storing the same new report or authority at once) is retried (:func:`write_retrying`), so it
neither duplicates nor loses. Many reports at once: :mod:`.bulk`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from nianbao.parsers.model import Report

from .authorities import existing_authority, find_or_create_authority, report_key
from .models import AuthorityRow, ReportRow
from .ranking import (
    better_than_stored,
    is_unchanged,
    reading_rank,
    same_numbers,
    stored_rank,
    worse_note,
)
from .revisions import add_revision, keep_beside, supersede
from .rows import replace_children, report_values
from .text import AUTHORITY_CHARS, SPIDER_CHARS, bounded, clean_report

SaveOutcome = Literal["new", "updated", "unchanged", "kept_stored", "conflict"]

logger = logging.getLogger(__name__)

#: Attempts of one save that keeps losing races with other writers before the error is raised.
SAVE_ATTEMPTS = 8


def utc_now() -> dt.datetime:
    """The time a save stamps on rows (``first_seen``, ``last_seen``, revisions), in UTC."""
    return dt.datetime.now(dt.UTC)


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


def write_report(
    session: Session,
    report: Report,
    spider: str | None,
    portal: str | None,
    parsed_from: str | None,
) -> SaveOutcome:
    """The writes of one save, inside the caller's transaction: :func:`save_report` runs it
    through :func:`write_retrying`, :mod:`.bulk` in a SAVEPOINT per report it cannot batch."""
    name, year, scope = report_key(report)
    values = report_values(report)
    values["parsed_from"] = parsed_from
    now = utc_now()
    known = existing_authority(session, name, portal=portal, publisher=report.publisher)
    elsewhere = _page_stored_as(session, report.source_url, known, year, scope)
    if elsewhere is not None:
        # The page was stored as another report: a broken page (or a changed parser) must not
        # move or fork it silently. The reading is kept beside the stored one, with the warning.
        keep_beside(
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
    authority = find_or_create_authority(
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
        add_revision(
            session,
            stored.id,
            report,
            status="current",
            spider=spider,
            note="first",
            snapshot=None,
            now=now,
        )
        replace_children(session, stored.id, report)
        return "new"
    stored.last_seen = now
    known_page = report.source_url in (stored.source_urls or []) or not report.source_url
    if is_unchanged(session, stored, values, report):
        return "unchanged"
    if not known_page and same_numbers(session, stored, report):
        # The same report at another address (a mirror, the county portal's copy): one more URL.
        stored.source_urls = [*(stored.source_urls or []), report.source_url]
        return "unchanged"
    new_rank, old_rank = reading_rank(report), stored_rank(session, stored)
    if new_rank[0] < old_rank[0] or (known_page and new_rank < old_rank):
        # A broken or truncated page, or the same page read with more of its rules broken (a
        # mistyped row), must not replace a better stored reading: it is kept beside it as a
        # revision. (Another page's reading that is not better is a conflict, below.)
        keep_beside(
            session,
            stored,
            report,
            values,
            status="rejected",
            spider=spider,
            note=worse_note(session, stored, report),
            now=now,
        )
        return "kept_stored"
    if not known_page and not better_than_stored(session, stored, report):
        keep_beside(
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
    supersede(session, stored, report, values, spider=spider, note=note, now=now)
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
    report_key(report)
    return write_retrying(
        session,
        lambda: write_report(session, report, spider, portal, parsed_from),
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
