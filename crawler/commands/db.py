"""``nianbao db upgrade|current|downgrade``: the schema, through the Alembic migrations."""

from __future__ import annotations

import argparse
from pathlib import Path

from nianbao.crawler.errors import Failure

from .database import add_db_argument, database_url

COMMAND = "db"
ORDER = 60
HELP = "database schema: upgrade to the newest migration, show the current one"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="run the migrations up to REVISION (default head)")
    up.add_argument("revision", nargs="?", default="head")
    add_db_argument(up)
    current = actions.add_parser("current", help="print the database's and the newest revision")
    add_db_argument(current)
    down = actions.add_parser("downgrade", help="take the schema back to REVISION")
    down.add_argument("revision")
    add_db_argument(down)


def _missing_sqlite_file(url: str) -> bool:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file:")
    return parsed.get_backend_name() == "sqlite" and not in_memory and not Path(database).exists()


def run(args: argparse.Namespace) -> int:
    from nianbao.pipelines.db import (
        current_revision,
        downgrade,
        head_revision,
        make_engine,
        upgrade,
    )

    url = database_url(args)
    if args.action == "current" and _missing_sqlite_file(url):
        # Opening the file would create it (and its folder): `current` only looks.
        raise Failure(f"no database at {url} (nianbao db upgrade creates it)")
    engine = make_engine(url)
    try:
        if args.action == "upgrade":
            before = current_revision(engine)
            upgrade(engine, args.revision)
            print(f"{url}: {before or 'empty'} -> {current_revision(engine)}")
        elif args.action == "downgrade":
            downgrade(engine, args.revision)
            print(f"{url}: now at {current_revision(engine) or 'empty'}")
        else:
            current, head = current_revision(engine), head_revision()
            state = "up to date" if current == head else f"behind head {head}"
            print(f"{url}: {current or 'empty'} ({state})")
    finally:
        engine.dispose()
    return 0
