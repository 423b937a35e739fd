"""Database connection, table definitions and schema upgrades.

The schema is defined once here (SQLAlchemy Core) and changed only through Alembic migrations in
`measures/migrations/`, so an existing database is upgraded in place without losing data.

Values are kept in two tables: `observations` holds the version in force for each
(ref, period, team, worker) and `observation_revisions` every version it superseded, append-only.
A correction copies the version in force to the revisions, then replaces it in the same transaction,
so every version ever recorded stays queryable (`store.value_history`) and a first version, the common
case, is written once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Connection, make_url

DEFAULT_DB_URL = "sqlite:///data/measures.db"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

areas = Table(
    "areas",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("title", Text, nullable=False),
    Column("short_title", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("outcomes", Text, nullable=False, default=""),  # one outcome per line
)

measures = Table(
    "measures",
    metadata,
    Column("ref", String(16), primary_key=True),
    Column("area_number", Integer, ForeignKey("areas.number"), nullable=False),
    Column("sort_area", Integer, nullable=False),
    Column("sort_number", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("short_title", Text, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("polarity", String(16), nullable=False),
    Column("good_looks_like", Text, nullable=False, default=""),
    Column("counts", Boolean, nullable=False, default=False),
    Column("decimals", Integer, nullable=False, default=0),
    Column("target_kind", String(16)),
    Column("target_low", Float),
    Column("target_high", Float),
    Column("target_tolerance", Float),
    Column("target_text", Text),
    Column("target_source", Text, nullable=False, default=""),
    Column("objective", Text, nullable=False, default=""),
    Column("timescale", Text, nullable=False, default=""),
    Column("best_practice", Text, nullable=False, default=""),
    Column("numerator_label", Text, nullable=False, default=""),
    Column("denominator_label", Text, nullable=False, default=""),
    Column("chart", Text, nullable=False, default=""),
    Column("source_note", Text, nullable=False, default=""),
    Column("flags", Text, nullable=False, default=""),  # comma-separated
    # Set when an admin changes the targets in the app; `init` then keeps those fields instead of the file's.
    Column("edited_at", DateTime(timezone=True)),
    Column("edited_by", Text, nullable=False, default=""),
)

uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # demo | import
    Column("filename", Text, nullable=False, default=""),
    Column("sha256", String(64), nullable=False, default=""),
    Column("layout", String(32), nullable=False, default=""),
    Column("user_name", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("description", Text, nullable=False, default=""),
)

_value_columns = (
    ("numerator", Float),
    ("denominator", Float),
    ("value", Float),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM
    Column("team", Text, nullable=False, default=""),  # '' = whole service
    Column("worker", Text, nullable=False, default=""),  # '' = not a worker row
    *(Column(name, kind) for name, kind in _value_columns),
    Column("status", String(8), nullable=False),  # ok | tbc | new
    Column("note", Text, nullable=False, default=""),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    UniqueConstraint("ref", "period", "team", "worker"),
    Index("ix_observations_level", "team", "worker", "ref", "period"),
)

observation_revisions = Table(
    "observation_revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("team", Text, nullable=False, default=""),
    Column("worker", Text, nullable=False, default=""),
    *(Column(name, kind) for name, kind in _value_columns),
    Column("status", String(8), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    UniqueConstraint("ref", "period", "team", "worker", "version"),
)

benchmarks = Table(
    "benchmarks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("year", String(7), nullable=False),  # e.g. 2021-22
    Column("comparator", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    UniqueConstraint("ref", "year", "comparator"),
)


commentary = Table(
    "commentary",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id")),
    Index("ix_commentary_ref_period", "ref", "period"),
)

# A file held between its preview and the officer's confirmation, so any app worker can commit it.
staged_uploads = Table(
    "staged_uploads",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("filename", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("user_name", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("name_key", String(80), nullable=False, unique=True),  # the name case-folded, for look-up
    Column("role", String(16), nullable=False),  # viewer | officer | admin
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    # Raised on a password change, role change or disabling, which ends every session signed in before it.
    Column("session_epoch", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=False, default=""),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
)

# Every sign-in attempt, kept so that lockout and rate limits hold across all app workers and servers.
sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("name_key", String(80), nullable=False),
    Column("remote_addr", String(64), nullable=False, default=""),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_sign_in_attempts_name_key_at", "name_key", "at"),
    Index("ix_sign_in_attempts_remote_addr_at", "remote_addr", "at"),
)

# Append-only: who did what, when. `detail` is JSON.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_events_at", "at"),
)

# Secrets every app worker and server must share (the session-signing key), made once on first use.
app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# The meeting-pack printer (`measures.print_tokens`, `measures.print_slots`, `measures.pdf_cache`): kept in the
# database because every worker and server must agree on them.
print_tokens = Table(
    "print_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the token: the token itself is never stored
    Column("page", String(40), nullable=False),
    Column("period", String(7), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

print_slots = Table(
    "print_slots",
    metadata,
    Column("slot", Integer, primary_key=True, autoincrement=False),
    Column("holder", String(160), nullable=False),
    Column("work_key", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("holder"),
)

pack_pdfs = Table(
    "pack_pdfs",
    metadata,
    Column("work_key", String(64), primary_key=True),
    Column("period", String(7), nullable=False),
    Column("data_version", String(80), nullable=False),  # `store.data_version`: a generation and a counter
    Column("made_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
)


# One row: the key under which every app worker may reuse what it computed from the data (see
# `measures.versioning`). Every write of figures, benchmarks, commentary or the catalogue raises `counter`; a
# restore moves it past both the live and the backup's value and draws a new `generation`, so no key is reused.
data_generation = Table(
    "data_generation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", String(32), nullable=False),
    Column("counter", Integer, nullable=False),
)


def database_url(url: str | None = None) -> str:
    """Return the database URL to use: `url`, else MEASURES_DB_URL, else the SQLite default."""
    return url or os.environ.get("MEASURES_DB_URL") or DEFAULT_DB_URL


def make_engine(url: str | None = None) -> Engine:
    """Create an Engine for `url` (see `database_url`).

    For SQLite the parent folder is created, foreign keys are enforced and transactions are begun
    explicitly so that `write_transaction` can take the write lock up front. Raises
    sqlalchemy.exc.ArgumentError for a malformed URL.
    """
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() != "sqlite":
        return create_engine(resolved, pool_pre_ping=True)
    database = resolved.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(resolved, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):  # pragma: no cover - driver hook
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection inside one transaction that holds the database's write lock.

    Everything written through it commits together or not at all. Two writers never interleave:
    SQLite takes its RESERVED lock at BEGIN IMMEDIATE; PostgreSQL takes a transaction-scoped
    advisory lock. Raises whatever the database raises; the transaction is then rolled back.
    """
    options = {"sqlite_begin": "IMMEDIATE"} if engine.dialect.name == "sqlite" else {}
    with engine.connect().execution_options(**options) as connection:
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 7_200_001})
            yield connection


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Create the schema or upgrade it to `revision` (default: the newest migration); raises on a migration
    failure."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revision(engine: Engine) -> str | None:
    """Return the Alembic revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
