"""Engines, sessions and schema upgrades for the report database.

One place decides how a URL becomes a working engine, so the pipeline, the CLI and the tests all
get the same SQLite pragmas and the same schema (always through the Alembic migrations, never
``create_all``: a database created today must be upgradable by tomorrow's migrations).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

#: Folder of the Alembic environment; shipped as package data next to this module.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_SQLITE_MEMORY = ("", ":memory:")


def _normalise_url(url: str | URL) -> URL:
    """Pin PostgreSQL URLs to psycopg 3.

    A bare ``postgresql://`` URL would make SQLAlchemy look for psycopg2, which nianbao does not
    depend on; operators naturally write the bare form in ``NIANBAO_DB``.
    """
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_is_file(url: URL) -> bool:
    database = url.database or ""
    return database not in _SQLITE_MEMORY and not database.startswith("file:")


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    """Foreign keys on, WAL journal, and real transactions.

    SQLite ignores foreign keys (and so ``ON DELETE CASCADE``) unless asked on every connection.
    WAL lets a reader (``nianbao summary``) work while the crawler writes. Python's sqlite3
    module, left alone, defers BEGIN and so breaks SAVEPOINT and transactional DDL; the
    SQLAlchemy-documented remedy is to switch its handling off and emit BEGIN ourselves, which
    makes a failed report save or a failed migration roll back completely.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
                # In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last
                # commits, which the next night fetches again. FULL syncs on every commit.
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-65536")  # 64 MB: a batch's indexes stay in memory
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers ask for BEGIN IMMEDIATE (execution option ``nianbao_write``): a deferred
        # transaction that reads and then writes fails at once with "database is locked" when
        # another process wrote in between, where an immediate one waits its turn (busy_timeout).
        immediate = connection.get_execution_options().get("nianbao_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def json_text(value: Any) -> str:
    """A JSON column's text: Chinese as itself, not ``\\uXXXX`` escapes. A report's sections
    are mostly Chinese: escaped, their JSON was 1.8 times the bytes (six bytes a character
    instead of three; 013 上海, 011 洪泽, 001 秀镇), which SQLite wrote and PostgreSQL compressed
    into TOAST for every report; and Datasette showed the escapes. Control characters are still
    escaped (JSON requires it); the text stored is already clean (``text.storable``: no lone
    surrogates)."""
    return json.dumps(value, ensure_ascii=False)


class DatabaseUnavailable(RuntimeError):
    """The database named by a URL cannot be opened or created (a folder in the way)."""


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (``sqlite:///path.db`` or ``postgresql+psycopg://...``).

    For a SQLite file the parent folder is created, so ``NIANBAO_DB=sqlite:///data/x.db`` works
    on a fresh checkout. ``kwargs`` go to :func:`sqlalchemy.create_engine`.
    """
    parsed = _normalise_url(url)
    backend = parsed.get_backend_name()
    kwargs.setdefault("json_serializer", json_text)
    if backend == "sqlite":
        is_file = _sqlite_is_file(parsed)
        if is_file:
            folder = Path(parsed.database or "").expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseUnavailable(f"cannot create {folder} for {url}: {error}") from error
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine, wal=is_file)
        return engine
    if backend == "postgresql":
        # Long crawls leave pooled connections idle for minutes; servers and NATs drop them.
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(parsed, **kwargs)
        # A report's ~200 cells go in as one executemany. psycopg sends that as one statement
        # per row; SQLAlchemy's "insertmanyvalues" (what its psycopg2 dialect does by default)
        # batches them into multi-row INSERTs, several times faster (benchmarks/bench_store.py).
        engine.dialect.use_insertmanyvalues_wo_returning = True
        return engine
    return create_engine(parsed, **kwargs)


def analyze(engine: Engine) -> None:
    """Refresh the query planner's statistics (after a crawl, before browsing).

    Without them SQLite plans a join of ``report`` and ``cell`` by the (family, row, column)
    index and reads every matching cell of every report for each report: minutes instead of
    milliseconds on 10,000 reports. ``analysis_limit`` keeps ANALYZE to a few milliseconds.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")


def alembic_config() -> Config:
    """An Alembic configuration without ``alembic.ini``, usable from an installed package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


#: Key of the PostgreSQL advisory lock migrations hold (any constant of the application's own:
#: the bytes of "nianbao" read as an integer).
_MIGRATION_LOCK = int.from_bytes(b"nianbao", "big")


def _migrate(engine: Engine, step: Any) -> None:
    """Run an Alembic command in one transaction on a connection handed to ``env.py``.

    On SQLite, foreign keys are switched off around it (outside the transaction, where SQLite
    honours the pragma), as Alembic's batch mode needs to rebuild a table other tables point
    at; ``PRAGMA foreign_key_check`` then refuses to commit a migration that broke a reference.
    ``legacy_alter_table`` lets batch mode rename its rebuilt table back while the analyst views
    read that table (modern SQLite re-checks every view on RENAME and fails mid-rebuild).
    """
    config = alembic_config()
    # Two processes migrating at once (a scale-out's workers on a fresh database) must take
    # turns: SQLite's BEGIN IMMEDIATE (nianbao_write) waits for the other writer, PostgreSQL
    # an advisory lock held to the end of the transaction. The second then finds the schema
    # at head and has nothing to do.
    with engine.connect().execution_options(nianbao_write=True) as connection:
        sqlite = connection.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")
            driver.execute("PRAGMA legacy_alter_table=ON")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
                config.attributes["connection"] = connection
                step(config)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                driver.execute("PRAGMA legacy_alter_table=OFF")
                driver.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` by running the Alembic migrations.

    Runs in one transaction (PostgreSQL and, with the BEGIN handling above, SQLite): a migration
    that fails leaves the schema as it was.
    """
    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (one transaction, like :func:`upgrade`)."""
    _migrate(engine, lambda config: command.downgrade(config, revision))


def head_revision() -> str:
    """The newest revision the migrations folder holds."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (``None`` for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``.

    ``expire_on_commit=False`` so rows read in a committed session (the summary, a reloaded
    report) stay readable after the transaction ends.
    """
    return sessionmaker(bind=engine, expire_on_commit=False)
