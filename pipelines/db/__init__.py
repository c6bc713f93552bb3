"""The report database: schema (``models``), engines and migrations (``engine``), and the
functions that save and load reports (``repository``).

Import from here; the module split is an implementation detail.
"""

from __future__ import annotations

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
from .repository import (
    SaveOutcome,
    UnkeyedReport,
    canonical_authority,
    load_report,
    save_report,
    summary_rows,
)

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
