"""The ``--db URL`` option every subcommand takes, and opening that database.

One rule for all of them: ``--db``, else ``NIANBAO_DB`` (read by ``crawler/settings.py``, the
only module that reads the environment), else ``sqlite:///nianbao.db``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a plain `nianbao parse` must not pay for importing SQLAlchemy
    from sqlalchemy import Engine

DB_HELP = "SQLAlchemy URL (default: $NIANBAO_DB or sqlite:///nianbao.db)"


def add_db_argument(parser: argparse.ArgumentParser, help: str = DB_HELP) -> None:
    parser.add_argument("--db", metavar="URL", help=help)


def database_url(args: argparse.Namespace) -> str:
    """The URL ``--db`` names, or the project default."""
    from nianbao.crawler import settings

    return getattr(args, "db", None) or settings.NIANBAO_DATABASE_URL


@contextmanager
def open_database(args: argparse.Namespace, *, migrate: bool = True) -> Iterator[Engine]:
    """An engine on the database, schema brought to head first (unless ``migrate`` is off)."""
    from nianbao.pipelines.db import make_engine, upgrade

    engine = make_engine(database_url(args))
    try:
        if migrate:
            upgrade(engine)
        yield engine
    finally:
        engine.dispose()
