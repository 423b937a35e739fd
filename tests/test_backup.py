"""Backup and restore: a round trip on SQLite and PostgreSQL gives back every row, SQLite backups restore into
PostgreSQL, and a damaged, foreign or newer file, or a database that already holds data, is refused with
nothing written."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import insert, select

from measures.cli.demo import load_demo
from measures.storage import backup as backups
from measures.storage import db, reads, staging


def _rows(engine) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, with datetimes made comparable across databases (UTC, with zone); the audit
    log (kept and added to by a restore: see `_audit`), the session key (never backed up) and the data version (a
    restore moves it past its own and the backup's) apart."""

    def plain(value):
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return bytes(value) if isinstance(value, memoryview) else value

    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(plain(v) for v in row) for row in connection.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables
            if table.name not in ("audit_events", "app_secrets", "data_generation")
        }


def _audit(engine) -> list[tuple]:
    """The audit log's events as (actor, action, subject), oldest first."""
    a = db.audit_events.c
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(a.actor, a.action, a.subject).order_by(a.id))]


def _restored_log_holds(target, source) -> None:
    """The restored database's log holds every event of the source's, then the restore itself."""
    restored, original = _audit(target), _audit(source)
    assert set(original) <= set(restored)
    assert restored[-1][1] == "database.restored"


@pytest.fixture
def empty_engine_like(tmp_path):
    """Returns a function giving a new database, without a schema, of the same kind as a given engine."""
    made: list[tuple] = []

    def make(engine):
        if engine.dialect.name == "sqlite":
            target = db.make_engine(f"sqlite:///{tmp_path / f'target-{len(made)}.db'}")
            made.append((target, None, None))
            return target
        name = f"restore_{uuid.uuid4().hex[:12]}"
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        target = db.make_engine(engine.url.set(database=name).render_as_string(hide_password=False))
        made.append((target, engine, name))
        return target

    yield make
    for target, server, name in made:
        target.dispose()
        if server is not None:
            with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')


def _add_commentary_and_staged_file(engine) -> None:
    with db.write_transaction(engine) as connection:
        connection.execute(
            insert(db.commentary).values(
                ref="3.1",
                period="2022-12",
                text="Two long-standing cases closed — see the panel minutes.",
                author="A. Officer",
                created_at=datetime(2023, 1, 9, 14, 30, 5, 123000, tzinfo=UTC),
                upload_id=None,
            )
        )
    staging.stage_upload(engine, "token-1", "return.xlsx", "ab" * 32, bytes(range(256)) * 3, user_name="B. Clerk")


def test_round_trip_gives_back_every_row(any_engine, catalogue, empty_engine_like, tmp_path):
    load_demo(any_engine, catalogue)
    _add_commentary_and_staged_file(any_engine)
    path = tmp_path / "measures.backup"
    counts = backups.backup(any_engine, path)
    assert counts["observations"] == reads.count_values(any_engine) > 3000
    assert counts["staged_uploads"] == counts["commentary"] == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]

    target = empty_engine_like(any_engine)
    assert backups.restore(target, path) == counts
    assert db.schema_revision(target) == db.schema_revision(any_engine)
    assert _rows(target) == _rows(any_engine)
    _restored_log_holds(target, any_engine)
    pd.testing.assert_frame_equal(
        reads.value_history(target, "3.1", period="2022-12"), reads.value_history(any_engine, "3.1", period="2022-12")
    )
    pd.testing.assert_frame_equal(reads.export_frame(target), reads.export_frame(any_engine))
    assert staging.staged_upload(target, "token-1")["content"] == bytes(range(256)) * 3

    # The id sequences continue after the restored rows (PostgreSQL): a new upload does not collide.
    load_demo(target, catalogue)
    staging.stage_upload(target, "token-2", "next.xlsx", "cd" * 32, b"x")


def test_a_sqlite_backup_restores_into_either_database(demo_engine, any_engine, tmp_path):
    path = tmp_path / "demo.backup"
    backups.backup(demo_engine, path)
    header = json.loads(gzip.open(path, "rt").readline())
    assert header["format"] == "measures-backup" and header["source_dialect"] == "sqlite"
    assert header["schema_revision"] == db.schema_revision(demo_engine)

    backups.restore(any_engine, path)  # any_engine holds only the catalogue: that counts as empty
    assert _rows(any_engine) == _rows(demo_engine)
    _restored_log_holds(any_engine, demo_engine)
    assert reads.export_frame(any_engine).equals(reads.export_frame(demo_engine))


def test_a_database_holding_data_is_refused_unless_replace(demo_engine, engine, catalogue, tmp_path):
    path = tmp_path / "empty.backup"
    backups.backup(engine, path)  # only the catalogue
    before = _rows(demo_engine)
    with pytest.raises(backups.BackupError, match="already holds"):
        backups.restore(demo_engine, path)
    assert _rows(demo_engine) == before

    backups.restore(demo_engine, path, replace=True)
    assert _rows(demo_engine) == _rows(engine)
    assert reads.count_values(demo_engine) == 0


def _write_backup_lines(path, lines) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(line) + "\n" for line in lines)


def test_damaged_foreign_and_newer_files_are_refused_and_nothing_changes(demo_engine, tmp_path):
    good = tmp_path / "good.backup"
    backups.backup(demo_engine, good)
    data = good.read_bytes()
    lines = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]

    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(data[: len(data) // 2])
    not_gzip = tmp_path / "notes.txt"
    not_gzip.write_text("minutes of the panel\n")
    foreign = tmp_path / "foreign.jsonl.gz"
    _write_backup_lines(foreign, [{"format": "something-else"}, *lines[1:]])
    missing_row = tmp_path / "missing-row.backup"
    _write_backup_lines(missing_row, lines[:-1])
    newer = tmp_path / "newer.backup"
    _write_backup_lines(newer, [{**lines[0], "schema_revision": "9999"}, *lines[1:]])

    before = _rows(demo_engine)
    for path, message in (
        (truncated, "damaged"),
        (not_gzip, "not a backup"),
        (foreign, "not a Measures"),
        (missing_row, "fewer or more rows"),
        (newer, "newer version"),
    ):
        with pytest.raises(backups.BackupError, match=message):
            backups.restore(demo_engine, path, replace=True)
        assert _rows(demo_engine) == before, path.name
    with pytest.raises(FileNotFoundError):
        backups.restore(demo_engine, tmp_path / "absent.backup")


def test_an_older_backup_restores_the_tables_it_has(demo_engine, engine, tmp_path):
    good = tmp_path / "good.backup"
    backups.backup(demo_engine, good)
    lines = [json.loads(line) for line in gzip.decompress(good.read_bytes()).decode().splitlines()]
    dropped = {"commentary", "staged_uploads"}  # added by migration 0002
    header = {
        **lines[0],
        "schema_revision": "0001",
        "tables": {name: n for name, n in lines[0]["tables"].items() if name not in dropped},
    }
    old = tmp_path / "old.backup"
    _write_backup_lines(old, [header, *(line for line in lines[1:] if line["table"] not in dropped)])
    backups.restore(engine, old)
    assert _rows(engine) == _rows(demo_engine)


def test_a_failed_backup_leaves_the_previous_file_alone(demo_engine, tmp_path, monkeypatch):
    (tmp_path / "backups").mkdir()
    out = tmp_path / "backups" / "nightly.backup"
    out.write_bytes(b"yesterday's backup")
    calls, encode = iter(range(10**6)), backups._encode

    def failing(value):
        if next(calls) == 5000:
            raise RuntimeError("disk full")
        return encode(value)

    monkeypatch.setattr(backups, "_encode", failing)
    with pytest.raises(RuntimeError):
        backups.backup(demo_engine, out)
    assert out.read_bytes() == b"yesterday's backup"
    assert [p.name for p in out.parent.iterdir()] == ["nightly.backup"]


def test_command_line_contract(demo_database, tmp_path):
    source = tmp_path / "source.db"
    shutil.copy(demo_database, source)

    def run(database, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "measures", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"MEASURES_DB_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
        )

    out = tmp_path / "backup.gz"
    made = run(source, "backup", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Backed up 3,024 figures, ") and f"to {out} (" in made.stdout

    refused = run(source, "restore", str(out))
    assert refused.returncode == 1 and "already holds" in refused.stderr and not refused.stdout

    restored = run(tmp_path / "new.db", "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Restored 3,024 figures, ")
    assert "The backup holds no users: add an admin with `python -m measures user first-admin`." in restored.stdout

    replaced = run(source, "restore", "--replace", str(out))
    assert replaced.returncode == 0, replaced.stderr

    missing = run(tmp_path / "new.db", "restore", str(tmp_path / "absent.gz"))
    assert missing.returncode == 2 and "absent.gz" in missing.stderr


def test_a_backup_never_holds_the_session_key_and_a_restore_ends_every_session(demo_engine, tmp_path):
    from measures.accounts import users
    from measures.storage import secrets as app_secrets

    key = app_secrets.session_secret(demo_engine)
    users.add_user(demo_engine, "Ada Admin", "admin", "a long admin password", "test")
    epoch = users.find_user(demo_engine, "Ada Admin").session_epoch
    path = tmp_path / "demo.backup"
    backups.backup(demo_engine, path)
    assert key not in gzip.open(path, "rt").read()
    backups.restore(demo_engine, path, replace=True, actor="Ada Admin")
    assert app_secrets.session_secret(demo_engine) == key  # the key stays with its database
    assert users.find_user(demo_engine, "Ada Admin").session_epoch > epoch + backups.EPOCH_GAP  # her sessions end
    last = _audit(demo_engine)[-1]
    assert last[:2] == ("Ada Admin", "database.restored")
    assert _audit(demo_engine).count(("test", "user.added", "Ada Admin")) == 1  # not doubled by the restore
