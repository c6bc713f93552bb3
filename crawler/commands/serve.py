"""``nianbao serve``: browse the database in Datasette, with titles, facets, queries and a chart.

A SQLite database is served as it is (read-only); a PostgreSQL one is first copied into a SQLite
file (``--snapshot``), since Datasette reads SQLite. The front door (home page on the reports and
their indicators, the authority and year pages) is ``crawler/dashboard``: its templates go to
Datasette as ``--template-dir`` and its plugin is registered before Datasette starts.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .database import add_db_argument, database_url, open_database

COMMAND = "serve"
ORDER = 55
HELP = "browse the database in Datasette (facets, canned queries, charts)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--snapshot", type=Path, help="SQLite copy of a PostgreSQL database (default: a temp file)"
    )
    parser.add_argument(
        "--metadata-out", type=Path, help="write the Datasette metadata JSON here and exit"
    )
    parser.add_argument(
        "--sql-time-limit-ms",
        type=int,
        help="time limit of one SQL query (default: Datasette's own, 1000 ms); arbitrary SQL is "
        "on, so a higher limit lets a few slow queries tie the server up",
    )


def datasette_argv(path: Path, meta_path: Path, args: argparse.Namespace) -> list[str]:
    """The ``datasette serve`` command line. Datasette's SQL time limit is kept unless the user
    sets one: with arbitrary SQL allowed, a longer limit is an easy way to stall the server."""
    from nianbao.crawler.dashboard import TEMPLATES

    argv = [
        "serve",
        str(path),
        "--metadata",
        str(meta_path),
        "--template-dir",
        str(TEMPLATES),
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--setting",
        "truncate_cells_html",
        "300",
        "--setting",
        "facet_time_limit_ms",
        "1000",
        # Suggested facets list every column of the wide views: four lines above the rows.
        "--setting",
        "suggest_facets",
        "off",
    ]
    if args.sql_time_limit_ms is not None:
        argv += ["--setting", "sql_time_limit_ms", str(args.sql_time_limit_ms)]
    return argv


def register_dashboard() -> None:
    """Register the dashboard plugin with Datasette's plugin manager (what ``--plugins-dir``
    does with a file), once: only this Datasette gets the nianbao pages."""
    from datasette.plugins import pm

    from nianbao.crawler.dashboard import plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, name="nianbao_dashboard")


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from nianbao.pipelines.db import analyze
    from nianbao.pipelines.db.browse import copy_to_sqlite, metadata

    url = make_url(database_url(args))
    workdir = Path(tempfile.mkdtemp(prefix="nianbao-serve-"))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            print("nianbao serve: needs a SQLite file or a PostgreSQL URL", file=sys.stderr)
            return 2
        with open_database(args) as engine:  # schema (and views) at head, fresh statistics
            analyze(engine)
        path = Path(url.database)
    else:
        path = args.snapshot or workdir / "nianbao.db"
        with open_database(args) as engine:
            copy_to_sqlite(engine, path)
        print(f"nianbao serve: copied {url.render_as_string()} into {path}", file=sys.stderr)
    meta = metadata(path.stem)
    if args.metadata_out:
        args.metadata_out.write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
        return 0
    meta_path = workdir / "metadata.json"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    try:
        from datasette.cli import cli
    except ImportError:
        print("nianbao serve: needs Datasette: pip install 'nianbao[serve]'", file=sys.stderr)
        return 2
    register_dashboard()
    argv = datasette_argv(path, meta_path, args)
    cli.main(argv, prog_name="nianbao serve", standalone_mode=True)
    return 0
