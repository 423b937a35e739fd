"""Backup and restore of the whole store, the same way on SQLite and PostgreSQL.

A backup is a gzip-compressed JSON Lines file. The first line is a header::

    {"format": "measures-backup", "version": 1, "schema_revision": "0002", "created_at": "...+00:00",
     "source_dialect": "sqlite", "tables": {"areas": 10, ...}, "columns": {"areas": ["number", ...], ...}}

then one line per row, ``{"table": "areas", "row": {...}}``, table by table in foreign-key order
(`db.metadata.sorted_tables`) and by primary key within a table. Bytes are base64 text; datetimes are
ISO 8601 in UTC with their zone (SQLite keeps them without a zone, as UTC). The file needs no database tool to
read: `gzip -dc FILE | head -1` shows what it holds.

The rows are read in one transaction (REPEATABLE READ on PostgreSQL), so a backup taken while people are
importing is still one consistent moment. It is written to a temporary file beside the target, readable
only by its owner, and renamed at the end: a failed backup never leaves a partial file under the name.

Restore checks the whole file before touching the database (a damaged file, or the wrong file, is refused with
nothing written), upgrades the target schema to this code's newest migration, then replaces the contents in one
transaction (`db.write_transaction`): all or nothing. It refuses a target that already holds data (anything
beyond the measure catalogue: figures, uploads, commentary, staged uploads) unless `replace` is given.

A backup made at an older schema revision restores into the newest schema: the rows of the tables and columns
that still exist are inserted, and columns added since take their defaults. A backup from a newer revision than
this code knows is refused.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import secrets
import tempfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Engine, LargeBinary, Table, func, inspect, select
from sqlalchemy.engine import Connection

from measures.storage import audit, db, publications, session_epochs, versioning
from measures.storage.consistency import repair_revisions

FORMAT, VERSION = "measures-backup", 1
BATCH = 1000

# How the summary names each table's rows, in the order it lists them.
LABELS = {
    "observations": "figures",
    "observation_revisions": "superseded versions",
    "benchmarks": "benchmarks",
    "commentary": "comments",
    "national_figures": "national figures",
    "neighbour_groups": "neighbour group places",
    "plan_actions": "plan action versions",
    "action_ratings": "action ratings",
    "chart_events": "chart events",
    "spc_changes": "chart limit changes",
    "target_history": "target changes",
    "uploads": "uploads",
    "staged_uploads": "staged uploads",
    "measures": "measures",
    "areas": "areas",
}
CATALOGUE_TABLES = ("areas", "measures")
# Kept by the app for itself: the audit log (`init` records loading the catalogue), sign-in attempts and delays, the
# session key, the data version and the briefing's send log. A database holding only these counts as empty.
# The meeting-pack printer's tokens, slots and PDFs already made, the pages already rendered and the assessments
# already made are working state, not records: never backed up, emptied by a restore.
PRINTER_TABLES = (
    "print_tokens",
    "print_slots",
    "pack_pdfs",
    "page_responses",
    "page_render_claims",
    "page_warming",
    "stored_assessments",
)
BOOKKEEPING_TABLES = (
    "audit_events",
    "sign_in_attempts",
    "sign_in_delay_clearances",
    "app_secrets",
    "data_generation",
    "briefing_deliveries",
    "briefing_attempts",
    *PRINTER_TABLES,
)
# The session-signing key stays with its database: whoever holds a backup must not be able to forge sessions.
NEVER_BACKED_UP = ("app_secrets", *PRINTER_TABLES)


class BackupError(Exception):
    """A backup or restore was refused; the message says why in plain words. Nothing was written."""


def _migration_revisions() -> list[str]:
    """This code's migration revisions, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).resolve().parent / "migrations"))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


def _encode(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat()
    return value


def _decode(table: Table, name: str, value):
    if value is None:
        return None
    column_type = table.c[name].type
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value).astimezone(UTC)
    return value


def file_size(path: str | os.PathLike) -> str:
    """Return the size of the file at `path` in words, e.g. "1.2 MB". Raises OSError if it cannot be read."""
    size = os.path.getsize(path)
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def summary(counts: dict[str, int]) -> str:
    """Return the counts as words, e.g. '3,098 figures, 2 uploads and 38 measures' (empty tables left out
    except figures). Raises nothing."""
    parts = [
        f"{counts.get(name, 0):,} {label}"
        for name, label in LABELS.items()
        if counts.get(name) or name == "observations"
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _snapshot(engine: Engine) -> Connection:
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def _write_backup(connection: Connection, handle, dialect: str) -> dict[str, int]:
    from alembic.runtime.migration import MigrationContext

    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        raise BackupError("The database has no schema yet: there is nothing to back up.")
    if revision not in _migration_revisions():
        raise BackupError(
            f"The database is at schema revision {revision}, made by a newer release of Measures "
            f"that Matter than this one (which knows revisions up to {_migration_revisions()[-1]}). "
            f"A backup made by this release would leave out what the newer one added, so none was "
            f"written. Back it up with the release that made it: only a release whose migrations "
            f"include revision {revision} can restore that backup."
        )
    inspector = inspect(connection)
    existing = set(inspector.get_table_names())
    plan: list[tuple[Table, list[str]]] = []
    for table in db.metadata.sorted_tables:
        if table.name in existing and table.name not in NEVER_BACKED_UP:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            plan.append((table, [c.name for c in table.columns if c.name in present]))
    counts = {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one() for table, _ in plan}
    header = {
        "format": FORMAT,
        "version": VERSION,
        "schema_revision": revision,
        "created_at": datetime.now(UTC).isoformat(),
        "source_dialect": dialect,
        "tables": counts,
        "columns": {table.name: names for table, names in plan},
    }
    handle.write(json.dumps(header) + "\n")
    for table, names in plan:
        columns = [table.c[name] for name in names]
        statement = select(*columns).order_by(*table.primary_key.columns)
        written = 0
        for row in connection.execution_options(yield_per=BATCH).execute(statement):
            record = {name: _encode(value) for name, value in zip(names, row, strict=True)}
            handle.write(json.dumps({"table": table.name, "row": record}, ensure_ascii=False) + "\n")
            written += 1
        if written != counts[table.name]:  # cannot happen in a snapshot; never write a file that lies
            raise BackupError(f"{table.name} changed while it was read; the backup was abandoned.")
    return counts


def backup(engine: Engine, out: str | os.PathLike) -> dict[str, int]:
    """Write a backup of every table of `engine`'s database to `out` (see the module docstring).

    Returns the number of rows written per table. Raises BackupError if the database has no schema, OSError if
    the file cannot be written, and sqlalchemy errors from the database; in every case `out` is left as it
    was (no partial file).
    """
    out = Path(out)
    descriptor, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as compressed:
                text = _TextWriter(compressed)
                with _snapshot(engine) as connection, connection.begin():
                    counts = _write_backup(connection, text, engine.dialect.name)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


class _TextWriter:
    """Encodes text to UTF-8 into a binary file (gzip.open's text mode cannot take an open descriptor)."""

    def __init__(self, binary) -> None:
        self.binary = binary

    def write(self, text: str) -> None:
        self.binary.write(text.encode("utf-8"))


def _open_lines(path: Path) -> Iterator[str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            yield from handle
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
        if isinstance(error, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise BackupError(f"{path} is not a backup, or it is damaged ({error}).") from None


def _read_header(lines: Iterator[str], path: Path) -> dict:
    not_backup = BackupError(f"{path} is not a Measures that Matter backup.")
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError):
        raise not_backup from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise not_backup
    if header.get("version") != VERSION:
        raise BackupError(
            f"{path} is a backup in format version {header.get('version')!r}; this program reads "
            f"version {VERSION} only."
        )
    tables = header.get("tables")
    if not isinstance(tables, dict) or not all(isinstance(n, int) and n >= 0 for n in tables.values()):
        raise BackupError(f"{path} is damaged: its header has no table counts.")
    revisions = _migration_revisions()
    if header.get("schema_revision") not in revisions:
        raise BackupError(
            f"{path} was made by a newer version of Measures that Matter (schema "
            f"{header.get('schema_revision')!r}; this one knows up to {revisions[-1]}). "
            "Upgrade this program first."
        )
    return header


def _rows(path: Path) -> tuple[dict, Iterator[tuple[Table, dict]]]:
    """Open a backup: return its header and an iterator of (table, row ready to insert), in file order.

    The iterator raises BackupError when it meets a damaged line, rows out of foreign-key order, or (at the
    end) row counts that differ from the header's.
    """
    lines = _open_lines(path)
    header = _read_header(lines, path)
    at_head = header["schema_revision"] == _migration_revisions()[-1]
    order = {table.name: index for index, table in enumerate(db.metadata.sorted_tables)}
    for name in header["tables"]:
        if name not in order and at_head:
            raise BackupError(f"{path} is damaged: it names a table {name!r} this schema does not have.")

    def rows() -> Iterator[tuple[Table, dict]]:
        seen = dict.fromkeys(header["tables"], 0)
        last = -1
        for number, line in enumerate(lines, start=2):
            try:
                entry = json.loads(line)
                name, row = entry["table"], entry["row"]
                if name not in seen or not isinstance(row, dict):
                    raise ValueError
                seen[name] += 1
                if name not in order:
                    continue  # a table dropped since this older backup was made
                if order[name] < last:
                    raise ValueError
                last = order[name]
                table = db.metadata.tables[name]
                unknown = set(row) - set(table.c.keys())
                if unknown and at_head:
                    raise ValueError
                yield table, {key: _decode(table, key, value) for key, value in row.items() if key in table.c}
            except (ValueError, TypeError, KeyError, AttributeError):
                raise BackupError(f"{path} is damaged at line {number}.") from None
        if seen != header["tables"]:
            raise BackupError(f"{path} is damaged: it holds fewer or more rows than its header lists.")

    return header, rows()


def check(path: str | os.PathLike) -> dict:
    """Read a whole backup file and check it. Returns its header.

    Raises FileNotFoundError (or another OSError) if it cannot be opened, and BackupError if it is not a
    backup, is damaged, or was made at a schema revision newer than this code's migrations.
    """
    header, rows = _rows(Path(path))
    for _ in rows:
        pass
    return header


# Never replaced by a restore: the audit log keeps what happened here, and gains the backup's events it does not
# already hold; the session key stays; the data version moves past both its own and the backup's value.
KEPT_ON_RESTORE = ("audit_events", "app_secrets", "data_generation")


def _audit_key(row: dict) -> tuple:
    at = row["at"]
    if isinstance(at, datetime):
        at = at.replace(tzinfo=None).isoformat()
    return (at, row["actor"], row["action"], row["subject"])


def _audit_keys(connection: Connection) -> set[tuple]:
    a = db.audit_events.c
    return {_audit_key(row._asdict()) for row in connection.execute(select(a.at, a.actor, a.action, a.subject))}


def holds_data(connection: Connection) -> bool:
    """Return True if the database holds anything beyond the measure catalogue (figures, uploads, commentary,
    staged uploads...). Raises sqlalchemy errors."""
    existing = set(inspect(connection).get_table_names())
    return any(
        connection.execute(select(table.c[0]).limit(1)).first() is not None
        for table in db.metadata.sorted_tables
        if table.name not in CATALOGUE_TABLES + BOOKKEEPING_TABLES and table.name in existing
    )


def _reset_sequences(connection: Connection) -> None:
    for table in db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].name == "id" and table.autoincrement_column is key[0]:
            highest = func.max(table.c.id)
            connection.execute(
                select(
                    func.setval(
                        func.pg_get_serial_sequence(table.name, "id"), func.coalesce(highest, 1), highest.is_not(None)
                    )
                )
            )


def restore(engine: Engine, path: str | os.PathLike, replace: bool = False, actor: str = "system") -> dict[str, int]:
    """Replace the contents of `engine`'s database with the backup at `path`, in one transaction.

    The file is checked in full first; the schema is then upgraded to the newest migration. Returns the number
    of rows restored per table (as listed in the backup's header). Raises FileNotFoundError (or another OSError)
    if the file cannot be opened; BackupError if it is not a backup, is damaged, is from a newer schema, or if
    the database already holds data and `replace` is False; sqlalchemy errors from the database. On any error
    the database's rows are left as they were. The audit log is kept and gains the backup's events it lacks and
    this restore (by `actor`); the session key is kept; every session signed in before ends (`_end_every_session`);
    the data version moves to a value it never had, so no app worker reuses a view of the replaced data; figures'
    histories written by the first release are repaired (`consistency.repair_revisions`); a backup made before
    sign-off existed (migration 0009) has its months published as upgrading publishes them
    (`publications.publish_held_months`).
    """
    path = Path(path)
    header = check(path)
    db.upgrade_schema(engine)
    _, rows = _rows(path)
    with db.write_transaction(engine) as connection:
        if not replace and holds_data(connection):
            raise BackupError(
                "The database already holds figures, uploads or commentary; nothing was restored. "
                "Restore into an empty database, or give --replace to delete what it holds."
            )
        live_epoch = _highest_epoch(connection)
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in KEPT_ON_RESTORE:
                connection.execute(table.delete())
        logged = _audit_keys(connection)
        backup_counter: int | None = None
        batch: list[dict] = []
        current: Table | None = None
        for table, row in rows:
            if table.name in KEPT_ON_RESTORE:
                if table.name == "audit_events" and _audit_key(row) not in logged:
                    connection.execute(table.insert().values({k: v for k, v in row.items() if k != "id"}))
                if table.name == "data_generation" and isinstance(row.get("counter"), int):
                    backup_counter = max(backup_counter or 0, row["counter"])
                continue
            if (
                current is not None
                and batch
                and (table is not current or len(batch) >= BATCH or row.keys() != batch[0].keys())
            ):
                connection.execute(current.insert(), batch)
                batch = []
            current = table
            batch.append(row)
        if current is not None and batch:
            connection.execute(current.insert(), batch)
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection)
        repaired = repair_revisions(connection)  # a backup made by the first release holds its history twice
        published: list[str] = []
        if _before(header["schema_revision"], SIGN_OFF_REVISION):
            # Its months were on show when it was made: publish them as upgrading to sign-off does.
            published = publications.publish_held_months(connection)
        versioning.move_past(connection, backup_counter)
        _end_every_session(connection, live_epoch)
        audit.record(
            connection,
            actor,
            "database.restored",
            str(path),
            {"replace": replace, "rows": sum(header["tables"].values()), **repaired, "published": published},
        )
    return {name: count for name, count in header["tables"].items() if name in db.metadata.tables}


SIGN_OFF_REVISION = "0009"  # the migration that added `publications`


def _before(revision: str, other: str) -> bool:
    """Whether migration `revision` comes before `other` in this code's chain."""
    revisions = _migration_revisions()
    return revisions.index(revision) < revisions.index(other)


EPOCH_GAP = 1 << 16  # how far a restore moves session epochs on at the least (and at random, up to twice that)


def _highest_epoch(connection: Connection) -> int:
    return connection.execute(select(func.max(db.users.c.session_epoch))).scalar() or 0


def _end_every_session(connection: Connection, live_epoch: int) -> None:
    """End every session signed in before the restore, whoever it was for.

    A session names a user id and that user's session epoch. Ids may belong to someone else in the backup
    (another user, another role), and epochs only ever rise here, so every user's epoch is set above the highest
    any user held before the restore and the highest in the backup: no cookie issued before matches any user.
    Users added later start there too (`session_epochs.raise_session_floor`): they may be given the id of someone
    who held a session here before.

    Epochs held in another database are not known here: the one the backup came from, when it is restored into a
    new database on a server rebuilt with the same MEASURES_SECRET_KEY, went on rising after the backup. So the
    new epoch is also at least EPOCH_GAP above, plus a random part, so that its epochs and this one's do not line
    up either (it would take more than EPOCH_GAP sign-outs, password or role changes after the backup).
    """
    beyond = max(live_epoch, _highest_epoch(connection)) + 1 + EPOCH_GAP + secrets.randbelow(EPOCH_GAP)
    connection.execute(db.users.update().values(session_epoch=beyond))
    session_epochs.raise_session_floor(connection, beyond)
