"""Alembic environment for the nianbao report database (there is no ``alembic.ini``).

:func:`nianbao.pipelines.db.engine.upgrade` runs it with an open connection in
``config.attributes["connection"]``. To write the next revision against a database at head::

    from alembic import command
    from nianbao.pipelines.db.engine import alembic_config, make_engine, upgrade

    engine = make_engine("sqlite:///dev.db")
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, "what changed", autogenerate=True, rev_id="0002")

Give a new revision the next number (0002 is authorities/revisions/views; later issues add
theirs on top) and never edit an applied one. The views (``report_wide``, ``report_value``,
``report_check`` from 0002, and later ones) read the tables: a revision that renames or drops a
column a view selects drops and recreates that view with its own frozen SQL, as 0002 does.
On SQLite, :func:`~nianbao.pipelines.db.engine.upgrade` runs batch-mode table rebuilds with
foreign keys off and ``legacy_alter_table`` on, so rebuilding a table a view reads works.

To print the SQL instead of running it (for a DBA): set ``sqlalchemy.url`` on the config and
call ``command.upgrade(config, "head", sql=True)``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from nianbao.pipelines.db.models import Base

target_metadata = Base.metadata


def run_migrations_offline() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("offline mode needs config.set_main_option('sqlalchemy.url', ...)")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode makes later revisions rebuild tables.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    # The caller's transaction (engine.begin() in upgrade()) wraps all revisions.
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "run migrations through nianbao.pipelines.db.upgrade(engine), "
            "or pass a connection in config.attributes['connection']"
        )
    run_migrations_online(connection)
