"""``nianbao.pipelines.db`` (directory ``pipelines/db/``): the report database: schema
(``models``), engines and migrations (``engine``), saving reports (``repository``, many at once:
``bulk``) and reading them back (``load``, ``summary``).

Import from here; the module split is an implementation detail.
"""

from __future__ import annotations

from nianbao.parsers.metadata import canonical_authority

from .authorities import UnkeyedReport
from .engine import (
    alembic_config,
    analyze,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    session_factory,
    upgrade,
)
from .load import load_report
from .repository import SaveOutcome, save_report
from .summary import summary_rows

__all__ = [
    "SaveOutcome",
    "UnkeyedReport",
    "alembic_config",
    "analyze",
    "canonical_authority",
    "current_revision",
    "downgrade",
    "head_revision",
    "load_report",
    "make_engine",
    "save_report",
    "session_factory",
    "summary_rows",
    "upgrade",
]
