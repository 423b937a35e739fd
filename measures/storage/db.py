"""Database connection, table definitions and schema upgrades.

The schema is defined once here (SQLAlchemy Core) and changed only through Alembic migrations in
`measures/storage/migrations/`, so an existing database is upgraded in place without losing data.

Values are kept in two tables: `observations` holds the version in force for each
(ref, period, team, worker) and `observation_revisions` every version it superseded, append-only.
A correction copies the version in force to the revisions, then replaces it in the same transaction,
so every version ever recorded stays queryable (`reads.value_history`) and a first version, the common
case, is written once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
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
from sqlalchemy.engine import Connection, CursorResult, make_url
from sqlalchemy.exc import DisconnectionError

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
    # `source` names the documents plainly for every reader; `source_note` is the officers' working note.
    Column("source", Text, nullable=False, default="", server_default=""),
    Column("source_note", Text, nullable=False, default=""),
    Column("flags", Text, nullable=False, default=""),  # comma-separated
    # Set when an admin changes the targets in the app; `init` then keeps those fields instead of the file's.
    Column("edited_at", DateTime(timezone=True)),
    Column("edited_by", Text, nullable=False, default=""),
    # The SPC rules' settings in force for the measure (the catalogue's [spc] defaults or its own); NULL until
    # `init` loads a catalogue that has them, read as the built-in defaults.
    Column("spc_shift_length", Integer),
    Column("spc_trend_length", Integer),
    Column("spc_minimum_points", Integer),
    Column("spc_two_of_three", Boolean),
    Column("spc_exclude_moving_range_outliers", Boolean),
    # What a month's figure covers ("month", "rolling-12", "year-to-date"); NULL until `init` loads a catalogue
    # that has it, read as "month".
    Column("basis", String(16)),
    # Set when an admin corrects the polarity in the app; `init` then keeps that polarity instead of the file's.
    Column("polarity_edited_at", DateTime(timezone=True)),
    Column("polarity_edited_by", Text),
    # The LAIT data item the measure is compared with nationally ("" for none) and where its definition differs
    # from the measure's, or why there is none; "" until `init` loads a catalogue that has them.
    Column("national_item", String(64), nullable=False, default="", server_default=""),
    Column("national_note", Text, nullable=False, default="", server_default=""),
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
    # Why figures of a published month were revised (required then; see `measures.storage.publications`).
    Column("reason", Text, nullable=False, default=""),
)

_value_columns = (
    ("numerator", Float),
    ("denominator", Float),
    ("value", Float),
)

SERVICE = ""  # the team (and worker) value of a figure that means "the whole service"

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM
    Column("team", Text, nullable=False, default=""),  # '' = whole service
    Column("worker", Text, nullable=False, default=""),  # '' = not a worker row
    *(Column(name, kind) for name, kind in _value_columns),
    Column("status", String(16), nullable=False),  # ok | tbc | new | na | suppressed
    Column("note", Text, nullable=False, default=""),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    UniqueConstraint("ref", "period", "team", "worker"),
    # Covering: the service-level figures every page reads (`reads.service_series`) come from the index alone. The
    # note is left out (a long note could exceed the size of a PostgreSQL index entry): the few figures with a note
    # are found by `ix_observations_noted`.
    Index(
        "ix_observations_level",
        "team",
        "worker",
        "ref",
        "period",
        "status",
        "synthetic",
        "numerator",
        "denominator",
        "value",
    ),
    Index(
        "ix_observations_noted",
        "team",
        "worker",
        "ref",
        "period",
        sqlite_where=text("note != ''"),
        postgresql_where=text("note != ''"),
    ),
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
    Column("status", String(16), nullable=False),
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


# National figures (DfE's Local Authority Interactive Tool): append-only. A figure is one item, year as published
# (`2024` and `2024 (Rev)` are two years) and authority (or England or a region); a changed value or status is a
# new `version` beside the earlier, never an update. `status` is '' for a number or what the published marker
# means ("suppressed", ...); `marker` is the marker as published; `area` the name as published.
national_figures = Table(
    "national_figures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item", String(80), nullable=False),
    Column("year", String(40), nullable=False),
    Column("la_code", Integer, nullable=False),
    Column("area", Text, nullable=False, default=""),
    Column("value", Float),
    Column("status", String(24), nullable=False, default=""),
    Column("marker", String(16), nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    UniqueConstraint("item", "year", "la_code", "version"),
)

# DfE's statistical neighbour groups, by edition ("2025-05", "May 2025"): one row per authority, version and place
# in its group (1 = closest). A changed group is a new `version` of all ten rows; earlier versions stay.
neighbour_groups = Table(
    "neighbour_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("edition", String(7), nullable=False),
    Column("edition_name", Text, nullable=False),
    Column("la_code", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("neighbour", Integer, nullable=False),
    Column("band", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    UniqueConstraint("edition", "la_code", "version", "position"),
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
    # The monthly briefing: where to send it and whether the user chose to receive it (their account page).
    Column("email", Text, nullable=False, default=""),
    Column("wants_briefing", Boolean, nullable=False, default=False),
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
    # The random id of a browser where the user signed in before ('' for any other): see sign_in_delays.
    Column("device", String(64), nullable=False, default=""),
    Index("ix_sign_in_attempts_name_key_at", "name_key", "at"),
    Index("ix_sign_in_attempts_remote_addr_at", "remote_addr", "at"),
)

# An admin's clearing of a sign-in delay: failures for that name digest or address before `at` stop counting.
sign_in_delay_clearances = Table(
    "sign_in_delay_clearances",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", String(80), nullable=False),
    Column("cleared_by", Text, nullable=False, default=""),
    Index("ix_sign_in_delay_clearances_kind_key_at", "kind", "key", "at"),
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

# The meeting-pack printer (`measures.accounts.print_tokens`, `measures.storage.print_slots`,
# `measures.storage.pdf_cache`): kept in the database because every worker and server must agree on them.
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
    Column("data_version", String(80), nullable=False),  # `reads.data_version`: a generation and a counter
    Column("made_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
)


# Page responses rendered once per data version and served to every reader of the same role
# (`measures.storage.page_responses`): working state like `pack_pdfs`, never backed up.
page_responses = Table(
    "page_responses",
    metadata,
    Column("cache_key", String(64), primary_key=True),
    Column("data_version", String(80), nullable=False, index=True),
    Column("path", Text, nullable=False),
    Column("reader_class", String(32), nullable=False),
    Column("made_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("gzipped", LargeBinary, nullable=False),
)

# The first reader of a page not yet stored claims its rendering; the others wait for its response.
page_render_claims = Table(
    "page_render_claims",
    metadata,
    Column("cache_key", String(64), primary_key=True),
    Column("data_version", String(80), nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)

# Assessments made once per data version and read by every page and worker (`measures.storage.assessments`):
# working state like `page_responses`, never backed up.
stored_assessments = Table(
    "stored_assessments",
    metadata,
    Column("cache_key", String(64), primary_key=True),
    Column("data_version", String(80), nullable=False, index=True),
    Column("ref", String(16), nullable=False),
    Column("period", String(7), nullable=False),
    Column("made_at", DateTime(timezone=True), nullable=False),
    Column("body", Text, nullable=False),
)

# Which data versions the background warmer has rendered the common pages for (one warmer per version).
page_warming = Table(
    "page_warming",
    metadata,
    Column("data_version", String(80), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("pages", Integer, nullable=False, server_default="0"),
)

# The sign-off of each month, as a history: every publication and withdrawal is a row, never updated or deleted.
# A month's state is its newest row's; a month with no row is a draft. `upload_mark` is the newest upload id when
# the month was published, so a figure recorded by a later upload is a revision made since publication.
publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(7), nullable=False),
    Column("state", String(16), nullable=False),  # published | withdrawn
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
    Column("upload_mark", Integer, nullable=False, default=0),
    Index("ix_publications_period", "period", "id"),
)

# The improvement plan (`measures.storage.plan`). Every table below is a history: a change adds a row, never updates
# or deletes one. An action's current wording is its newest version; a month's rating of an action is its newest row.
plan_actions = Table(
    "plan_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(16), nullable=False),  # as the plan numbers it, e.g. "2.4"
    Column("version", Integer, nullable=False),
    Column("area_number", Integer, ForeignKey("areas.number"), nullable=False),
    Column("text", Text, nullable=False),
    Column("lead", Text, nullable=False, default=""),
    Column("deadline", String(7), nullable=False),  # YYYY-MM: the month by the end of which it is due
    Column("deadline_text", Text, nullable=False, default=""),  # as the plan words it, e.g. "Spring 2023"
    Column("measure_refs", Text, nullable=False, default=""),  # comma-separated refs of the linked measures
    Column("state", String(16), nullable=False, default="open"),  # open | closed
    Column("reason", Text, nullable=False, default=""),
    Column("actor", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("source", String(16), nullable=False, default=""),  # plan | page | demo
    UniqueConstraint("number", "version"),
)

action_ratings = Table(
    "action_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(16), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM
    Column("version", Integer, nullable=False),
    Column("brag", String(16), nullable=False),  # not_yet_due | green | amber | red | blue | not_recorded
    Column("progress", Text, nullable=False, default=""),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("actor", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("source", String(16), nullable=False, default=""),  # page | return | demo
    Column("upload_id", Integer, ForeignKey("uploads.id")),
    UniqueConstraint("number", "period", "version"),
    Index("ix_action_ratings_period", "period"),
)

# Events drawn on a measure's SPC chart ("MASH co-located, August 2022"). `event_key` ties the versions of one event;
# a removal is a version with `removed` set.
chart_events = Table(
    "chart_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_key", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("removed", Boolean, nullable=False, default=False),
    Column("reason", Text, nullable=False, default=""),
    Column("actor", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("event_key", "version"),
    Index("ix_chart_events_ref", "ref"),
)

# Where a measure's process changed, so its SPC chart recalculates the mean and limits from that month (kind
# "change"), or the months its limits are fixed on (kind "baseline": `period` to `period_end`). Versions as above.
spc_changes = Table(
    "spc_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("change_key", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("kind", String(16), nullable=False),  # change | baseline
    Column("period", String(7), nullable=False),
    Column("period_end", String(7)),
    Column("removed", Boolean, nullable=False, default=False),
    Column("reason", Text, nullable=False, default=""),
    Column("actor", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("change_key", "version"),
    Index("ix_spc_changes_ref", "ref"),
)

# Each target a measure has had and the month from which it applied; `kind` NULL means "no target" from that month.
target_history = Table(
    "target_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(16), ForeignKey("measures.ref"), nullable=False),
    Column("effective_from", String(7), nullable=False),  # YYYY-MM
    Column("kind", String(16)),
    Column("low", Float),
    Column("high", Float),
    Column("tolerance", Float),
    Column("text", Text),
    Column("reason", Text, nullable=False, default=""),
    Column("actor", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_target_history_ref", "ref", "effective_from"),
)

# The monthly briefing's send log (`measures.storage.briefings`): one delivery per briefing to send (a month, a
# recipient, and why: "publication" or "test"), one attempt per try with what the mail server said. Rows are
# added, never updated: a delivery without a successful attempt is unsent, whatever happened to the worker sending it.
briefing_deliveries = Table(
    "briefing_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(7), nullable=False),
    Column("user_name", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("requested_by", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_briefing_deliveries_period", "period", "id"),
)

briefing_attempts = Table(
    "briefing_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("briefing_deliveries.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("sent", Boolean, nullable=False),
    Column("detail", Text, nullable=False, default=""),
    UniqueConstraint("delivery_id", "number"),
)

# One row: the key under which every app worker may reuse what it computed from the data (see
# `measures.storage.versioning`). Every write of figures, benchmarks, commentary or the catalogue raises `counter`; a
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


class SchemaTooNew(Exception):
    """The database is at a migration revision this code does not know: a newer release made it.

    `revision` is the database's revision, `known` this code's newest. Nothing was changed.
    """

    def __init__(self, revision: str, known: str) -> None:
        super().__init__(
            f"The database is at schema revision {revision}, made by a newer release of Measures "
            f"that Matter than this one (which knows revisions up to {known})."
        )
        self.revision, self.known = revision, known


# The message of the error raised when an SQLite file the engine has used is no longer there.
MISSING_FILE = "the database file has been deleted or moved since it was opened"


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None when there is none."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _watch_sqlite_file(engine: Engine, path: Path) -> None:
    """Make `engine` follow the SQLite file at `path` as it is now, not as it was when a connection opened it.

    A pooled connection keeps the file it opened: after the file is deleted it keeps serving the deleted copy,
    after it is replaced it serves the old one, and one opened while the file was read-only stays read-only
    when the file becomes writable again. So each checkout compares the file's (device, inode) and
    writability with the connection's and replaces a connection that no longer matches. Once the engine has
    opened the file, a missing file is refused rather than silently recreated empty.
    """
    seen = {"file": False}  # whether this engine has opened an existing file at `path`

    @event.listens_for(engine, "do_connect")
    def _refuse_a_vanished_file(_dialect, _record, _cargs, _cparams):  # pragma: no cover - driver hook
        if seen["file"] and _file_identity(path) is None:
            raise sqlite3.OperationalError(f"{MISSING_FILE} ({path}); it is not recreated empty")

    @event.listens_for(engine, "connect")
    def _note_the_file(_dbapi_connection, record):  # pragma: no cover - driver hook
        record.info["file_identity"] = _file_identity(path)
        record.info["file_writable"] = os.access(path, os.W_OK)
        seen["file"] = seen["file"] or record.info["file_identity"] is not None

    @event.listens_for(engine, "checkout")
    def _same_file(_dbapi_connection, record, _proxy):  # pragma: no cover - driver hook
        identity = _file_identity(path)
        if identity != record.info.get("file_identity"):
            raise DisconnectionError("the database file was replaced or deleted")
        if not record.info.get("file_writable") and os.access(path, os.W_OK):
            raise DisconnectionError("the database file has become writable")


# Errors after which a connection (and every other in its pool) must not be used again: the database, or the
# file under it, changed in a way an open connection does not notice.
_STALE_CONNECTION_MESSAGES = (
    "attempt to write a readonly database",
    "disk i/o error",
    "read-only transaction",
    MISSING_FILE,
)


def _discard_stale_connections(context) -> None:  # pragma: no cover - driver hook
    message = str(context.original_exception).lower()
    if any(text in message for text in _STALE_CONNECTION_MESSAGES):
        context.is_disconnect = True
        context.invalidate_pool_on_disconnect = True
        # SQLAlchemy leaves the failed statement's cursor open when it discards a connection, and the error's
        # traceback keeps that cursor alive until the garbage collector breaks the cycle. Python's sqlite3 cannot
        # really close a connection with a statement still open, so it would go on holding its transaction's
        # lock, and every write (in this process or another) would wait for it and fail as "database is locked".
        cursor = getattr(context.execution_context, "cursor", None)
        if cursor is not None:
            try:
                cursor.close()
            except Exception:  # noqa: BLE001 - the connection is being thrown away; its cursor may be broken too
                pass


def make_engine(url: str | None = None) -> Engine:
    """Create an Engine for `url` (see `database_url`).

    For SQLite the parent folder is created, foreign keys are enforced and transactions are begun
    explicitly so that `write_transaction` can take the write lock up front; the engine follows the file
    (see `_watch_sqlite_file`). After an error that shows the database changed under it (read-only, disk
    I/O, a deleted file, a read-only PostgreSQL transaction) every pooled connection is replaced, so the app
    recovers without a restart once the database does. Raises sqlalchemy.exc.ArgumentError for a malformed URL.
    """
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() != "sqlite":
        engine = create_engine(resolved, pool_pre_ping=True)
        event.listen(engine, "handle_error", _discard_stale_connections)
        return engine
    database = resolved.database or ""
    on_disk = database not in ("", ":memory:") and not database.startswith("file:")
    if on_disk:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(resolved, connect_args={"timeout": 30})
    event.listen(engine, "handle_error", _discard_stale_connections)
    if on_disk:
        _watch_sqlite_file(engine, Path(database).resolve())

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


def aware_utc(moment: datetime | None) -> datetime | None:
    """Return `moment` with its UTC zone (SQLite hands back stored times without it; every time stored is UTC), or
    None for None."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


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


@contextmanager
def working_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection inside one transaction for working state the app keeps for itself (pages and assessments
    already made). Unlike `write_transaction` it takes no advisory lock on PostgreSQL, so keeping them never waits
    for an import; SQLite still takes its write lock at BEGIN. Raises whatever the database raises; the transaction
    is then rolled back."""
    options = {"sqlite_begin": "IMMEDIATE"} if engine.dialect.name == "sqlite" else {}
    with engine.connect().execution_options(**options) as connection:
        with connection.begin():
            yield connection


def inserted_id(result: CursorResult) -> int:
    """Return the primary key the database gave the one row an INSERT added. Raises ValueError if the
    statement inserted no row."""
    key = result.inserted_primary_key
    if key is None:
        raise ValueError("the statement inserted no row")
    return key[0]


def _migrations_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    return config


def known_revisions() -> list[str]:
    """Return this code's migration revisions, oldest first."""
    from alembic.script import ScriptDirectory

    return [
        script.revision for script in reversed(list(ScriptDirectory.from_config(_migrations_config()).walk_revisions()))
    ]


def check_revision_known(revision: str | None) -> None:
    """Raise SchemaTooNew when `revision` (a database's) is not one of this code's migrations; None is fine."""
    known = known_revisions()
    if revision is not None and revision not in known:
        raise SchemaTooNew(revision, known[-1])


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Create the schema or upgrade it to `revision` (default: the newest migration).

    Holds the database's write lock throughout (`write_transaction`), so two processes upgrading at once take
    turns: the second finds the work done. Raises SchemaTooNew, with nothing changed, for a database made by a
    newer release; raises whatever the database raises on a migration failure (then nothing is changed).
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = _migrations_config()
    if revision == "head" and schema_revision(engine) == known_revisions()[-1]:
        return  # the common case, without waiting for the write lock behind an import
    with write_transaction(engine) as connection:
        check_revision_known(MigrationContext.configure(connection).get_current_revision())
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class NotSetUp(Exception):
    """The database names no Measures that Matter data: a missing SQLite file, or no schema or no catalogue."""


def open_set_up(url: str | None = None) -> Engine:
    """Return an Engine on a database that `init` has set up (see `database_url`), upgraded to this code's schema.

    For a command that reads or adds to what `init` made: a missing SQLite file is not created, since a deleted
    or moved file, or a mistyped MEASURES_DB_URL, would otherwise read as an empty database (an export of no
    figures, every measure unknown). Raises NotSetUp for a missing file, or a database with no schema or no
    measure catalogue; SchemaTooNew and the database's errors as `upgrade_schema` does.
    """
    resolved = make_url(database_url(url))
    database = resolved.database
    if (
        resolved.get_backend_name() == "sqlite"
        and database
        and database != ":memory:"
        and not database.startswith("file:")
        and not Path(database).exists()
    ):
        raise NotSetUp(
            f"There is no database file at {Path(database).resolve()}: it has been deleted or moved, "
            "or MEASURES_DB_URL names the wrong file."
        )
    engine = make_engine(url)
    if schema_revision(engine) is None:
        raise NotSetUp("The database has not been set up for Measures that Matter (it has no tables).")
    upgrade_schema(engine)
    with engine.connect() as connection:
        if not connection.execute(text("SELECT COUNT(*) FROM measures")).scalar():
            raise NotSetUp("The database has no measure catalogue: it has not been set up.")
    return engine


def schema_revision(engine: Engine) -> str | None:
    """Return the Alembic revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
