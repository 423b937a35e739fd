"""Alembic environment: runs migrations on the connection handed in by `measures.storage.db.upgrade_schema`,
or, from the `alembic` command line, on MEASURES_DB_URL."""

from alembic import context

from measures.storage.db import make_engine, metadata

config = context.config


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with make_engine().begin() as own_connection:
        run_migrations(own_connection)
