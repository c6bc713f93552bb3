"""Which authority a report belongs to: its key, and the authority row with its placement.

A report is keyed by (canonical authority name, report year, scope) (:func:`report_key`). The
authority row is found by its name or, for a government, by tier and 行政区划代码 under another
spelling; a new one gets its tier, region and parent chain (:mod:`.divisions`). Creating it is
race-safe: the INSERT runs in a SAVEPOINT, and one lost to another writer finds that writer's
row instead, without rolling back the reports of the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nianbao.parsers.metadata import canonical_authority
from nianbao.parsers.model import Report
from nianbao.parsers.scope import report_scope

from .divisions import AuthorityFacts, classify
from .models import AuthorityRow
from .text import AUTHORITY_CHARS

#: Levels whose authority is one government per 行政区划代码 (names differ: 威海市文登区人民政府,
#: 文登区人民政府): a name resolving to the same code and level is the same authority.
_CODED_LEVELS = ("province", "city", "county")


#: Authority rows by name, ``None`` for a name no row has (:func:`known_authorities`).
Known = dict[str, AuthorityRow | None]


def known_authorities(session: Session, names: Iterable[str]) -> Known:
    """The stored authority of each of ``names`` (``None``: no row has that name), in one
    query: a batch of reports then asks the database once, not once per name. Good for the
    caller's transaction only (another writer may add a name later)."""
    wanted = list(dict.fromkeys(names))
    found = {
        row.name: row
        for row in session.scalars(select(AuthorityRow).where(AuthorityRow.name.in_(wanted)))
    }
    return {name: found.get(name) for name in wanted}


class UnkeyedReport(ValueError):
    """The report lacks its authority or report year, so there is no row it could be stored as."""


def _year(value: object) -> int | None:
    """The report year as an int; spiders may hand it over as ``"2024"``."""
    try:
        year = int(str(value).strip()) if value is not None else None
    except ValueError:
        return None
    return year if year and year > 0 else None


def report_key(report: Report) -> tuple[str, int, str]:
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


def find_or_create_authority(
    session: Session,
    name: str,
    *,
    portal: str | None,
    publisher: str | None,
    inferred: bool,
    depth: int = 0,
    retry: bool = True,
    known: Known | None = None,
    savepoint: bool = True,
) -> AuthorityRow:
    """The authority row for ``name``; a new one gets its tier, region and parent chain.

    A government already stored under another spelling of the same unit (same tier and
    division code) is that authority; a parent created under cpca's name (甘孜藏族自治州人民政府)
    takes the name the authority uses itself when its own report arrives. ``known`` (from
    :func:`known_authorities`) answers the look-up by name for the names it holds, and learns
    the rows found or created here. ``savepoint=False`` creates without a SAVEPOINT of its
    own: the caller holds one around many creations and redoes them all if one loses a race.
    """
    if known is not None and name in known:
        authority = known[name]
    else:
        authority = session.scalar(select(AuthorityRow).where(AuthorityRow.name == name))
    if authority is None:
        authority = _create_authority(
            session, name, portal, publisher, inferred, depth, retry, known, savepoint
        )
    else:
        if not inferred and authority.inferred:
            authority.inferred = False
        if portal and not authority.portal:
            authority.portal = portal
        if authority.division_code is None and authority.region_source is None:
            # Stored before 0002 (or with no region then): place it now, once it can be.
            facts = classify(name, publisher=publisher, portal=portal)
            _place(session, authority, facts, depth, known, savepoint)
    if known is not None:
        known[name] = authority
    return authority


def _create_authority(
    session: Session,
    name: str,
    portal: str | None,
    publisher: str | None,
    inferred: bool,
    depth: int,
    retry: bool,
    known: Known | None,
    savepoint: bool,
) -> AuthorityRow:
    """The authority ``name`` that no row has that name: the same unit stored under another
    spelling, or a new row placed in its region (race-safe, see the module docstring)."""
    facts = classify(name, publisher=publisher, portal=portal)
    same_unit = _government_by_code(session, facts)
    if same_unit is not None:
        if same_unit.inferred and not inferred:
            same_unit.name, same_unit.inferred = name, False
        if portal and not same_unit.portal:
            same_unit.portal = portal
        return same_unit
    authority = AuthorityRow(name=name, portal=portal, inferred=inferred)
    if not savepoint:  # the caller's SAVEPOINT covers this insert
        session.add(authority)
        _place(session, authority, facts, depth, known, savepoint)
        return authority
    try:
        with session.begin_nested():
            session.add(authority)
            _place(session, authority, facts, depth, known, savepoint)
    except IntegrityError:
        # Another process (a second worker on the same database) created this authority, or
        # its parent, between the look-up above and this insert: it is that row. Only the
        # SAVEPOINT is rolled back; the reports of this transaction are not lost.
        if not retry:
            raise
        if known is not None:
            known.clear()  # what it says absent may now be stored (by the other writer)
        return find_or_create_authority(
            session,
            name,
            portal=portal,
            publisher=publisher,
            inferred=inferred,
            depth=depth,
            retry=False,
        )
    return authority


def _place(
    session: Session,
    authority: AuthorityRow,
    facts: AuthorityFacts,
    depth: int,
    known: Known | None = None,
    savepoint: bool = True,
) -> None:
    """Write tier and region onto ``authority`` and link (creating) its parent government."""
    for key, value in _facts_columns(facts).items():
        if value is not None:
            setattr(authority, key, value)
    session.flush()
    if facts.parent and facts.parent != authority.name and depth < 4 and not authority.parent_id:
        parent = find_or_create_authority(
            session,
            facts.parent,
            portal=None,
            publisher=None,
            inferred=True,
            depth=depth + 1,
            known=known,
            savepoint=savepoint,
        )
        authority.parent_id = parent.id


def existing_authority(
    session: Session, name: str, *, portal: str | None, publisher: str | None
) -> AuthorityRow | None:
    """The stored authority ``name`` denotes (by name, or as the same unit), creating nothing."""
    found = session.scalar(select(AuthorityRow).where(AuthorityRow.name == name))
    if found is None:
        found = _government_by_code(session, classify(name, publisher=publisher, portal=portal))
    return found
