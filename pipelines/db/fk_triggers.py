"""PostgreSQL: the children of reports a batch has just inserted, written without per-row FK checks.

Every ``cell``, ``check_result``, ``prose_metric`` and ``report_revision`` row has a foreign key
to ``report``. PostgreSQL enforces it with an internal trigger that runs, for every child row,
``SELECT 1 FROM report WHERE id = $1 FOR KEY SHARE``: for a batch of 500 reports that is 55,000
look-ups, and it was about a third of the bulk store's time (``benchmarks/bench_store.py``,
10,000 reports, 9 years each: 704 reports/s with the checks, 984-1,217 without them over five
runs, on one machine in one session).

The batched path needs no such look-up: it inserted those report rows itself, a moment earlier,
in the same transaction, and took each child's ``report_id`` from them, so every reference is
right by construction, and no other transaction can delete an uncommitted row. So the children
are written under ``session_replication_role = replica`` (which skips ordinary triggers, the
internal FK ones among them), set with ``SET LOCAL`` inside the batch's SAVEPOINT and set back
before the SAVEPOINT ends. If a write fails, rolling back the SAVEPOINT undoes the setting too,
and the one-by-one path that follows runs with every check. Constraints that are not triggers
(unique, check, NOT NULL) hold throughout.

It is used only where it is safe and allowed:

- the role may set the parameter (a superuser, or PostgreSQL 15's ``GRANT SET ON PARAMETER``);
  other roles keep the checks, and nothing else changes;
- the child tables have no trigger of their own (an audit trigger a deployment added must
  still fire): only PostgreSQL's internal ones would be skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

#: The tables the batched path writes children into, all referencing ``report``.
CHILD_TABLES = ("cell", "check_result", "prose_metric", "report_revision")

_PARAMETER = "session_replication_role"


def _may_skip(session: Session) -> bool:
    """Whether this role may set the parameter and no child table has a trigger of its own."""
    version = session.get_bind().dialect.server_version_info or (0,)
    allowed = (
        "has_parameter_privilege(:parameter, 'SET')"
        if version >= (15,)
        else "current_setting('is_superuser') = 'on'"
    )
    return bool(
        session.scalar(
            text(
                f"SELECT {allowed} AND NOT EXISTS (SELECT 1 FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgrelid IN "
                "(SELECT to_regclass(name) FROM unnest(CAST(:tables AS text[])) name))"
            ),
            {"parameter": _PARAMETER, "tables": "{" + ",".join(CHILD_TABLES) + "}"},
        )
    )


@contextmanager
def children_of_new_reports(session: Session) -> Iterator[bool]:
    """Inside it, the batch writes children of reports it inserted itself in this transaction.

    Yields whether the FK triggers are skipped. Must run inside a SAVEPOINT, so that a failure
    rolls the setting back with the writes; on success the previous value is restored here.
    """
    if session.get_bind().dialect.name != "postgresql" or not _may_skip(session):
        yield False
        return
    previous = session.scalar(text(f"SELECT current_setting('{_PARAMETER}')"))
    session.execute(text(f"SET LOCAL {_PARAMETER} = replica"))
    yield True
    session.execute(
        text("SELECT set_config(:parameter, :previous, true)"),
        {"parameter": _PARAMETER, "previous": previous},
    )
