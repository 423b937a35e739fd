"""Operator faults at the command line: each is one paragraph on standard error, exit status 1, saying what
happened and what to do; never a traceback. Every test runs the real CLI in a subprocess against a real fault:

- a database made by a newer release: an SQLite file whose `alembic_version` names a revision ("9999") this
  code does not have, as the next release's migration would leave it;
- a full disk: a 4 MB tmpfs the test mounts and fills (the tests run as root). Where mounting is not allowed,
  the command runs under a file-size limit (RLIMIT_FSIZE, which Python answers with EFBIG instead of a
  signal), which SQLite reports exactly as a full disk: "database or disk is full";
- PostgreSQL down: a loopback port where no server listens (connection refused);
- a read-only SQLite file: made immutable with `chattr +i`, since root ignores `chmod` (skipped where the file
  system has no immutable flag);
- two `init`s started at once on a new database, SQLite and PostgreSQL: both succeed.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from measures.storage.db import known_revisions
from tests.conftest import _empty_postgres
from tests.postgres import _free_port
from tests.returns.builders import template_row, template_workbook

ROOT = Path(__file__).resolve().parent.parent


def run_cli(database_url: str, *arguments: str, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MEASURES_DB_URL": database_url, "PYTHONPATH": str(ROOT)}

    def file_size_limit():  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-m", "measures", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=file_size_limit if limit_bytes else None,
    )


def assert_one_paragraph(result: subprocess.CompletedProcess, *phrases: str) -> None:
    message = result.stderr.strip()
    assert result.returncode == 1, (result.returncode, result.stderr[-3000:])
    assert "Traceback" not in message and "\n" not in message, message[-3000:]
    for phrase in phrases:
        assert phrase in message, message


def _sqlite(path: Path, statement: str, *parameters) -> list:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(statement, parameters).fetchall()
    connection.close()
    return rows


@pytest.fixture
def newer_database(demo_database, tmp_path) -> Path:
    path = tmp_path / "newer.db"
    shutil.copy(demo_database, path)
    _sqlite(path, "UPDATE alembic_version SET version_num = '9999'")
    return path


@pytest.mark.parametrize(
    "arguments",
    [
        ["init"],
        ["demo"],
        ["history", "3.1"],
        ["export"],
        ["assess"],
        ["template", "--out", "{tmp}/return.xlsx"],
        ["user", "list"],
        ["audit"],
        ["import", "{tmp}/return.xlsx"],
        ["benchmarks", "import", "{tmp}/return.xlsx"],
    ],
)
def test_a_database_from_a_newer_release_is_refused_in_a_sentence(newer_database, tmp_path, arguments):
    template_workbook(tmp_path / "return.xlsx", [template_row("2.3", "2023-02", value=9)])
    result = run_cli(f"sqlite:///{newer_database}", *[a.format(tmp=tmp_path) for a in arguments])
    assert_one_paragraph(
        result,
        "schema revision 9999, made by a newer release",
        f"knows revisions up to {known_revisions()[-1]}",
        "Nothing was changed",
        "Run the release that made it",
    )
    assert _sqlite(newer_database, "SELECT version_num FROM alembic_version") == [("9999",)]


def test_backup_of_a_newer_schema_says_which_release_can_restore_it(newer_database, tmp_path):
    out = tmp_path / "backup.gz"
    result = run_cli(f"sqlite:///{newer_database}", "backup", "--out", str(out))
    assert_one_paragraph(
        result,
        "schema revision 9999",
        "none was written",
        "only a release whose migrations include revision 9999 can restore that backup",
    )
    assert not out.exists()


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own (tmpfs), or None where this machine does not let the tests mount one."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True)
    if mounted.returncode != 0:
        yield None
        return
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass


def test_a_full_disk_is_a_sentence_and_the_database_stays_whole(small_disk, tmp_path):
    folder = small_disk or tmp_path
    database = folder / "measures.db"
    url = f"sqlite:///{database}"
    assert run_cli(url, "init").returncode == 0
    if small_disk is not None:
        _fill(folder)
        result = run_cli(url, "demo")
    else:
        result = run_cli(url, "demo", limit_bytes=database.stat().st_size + 4096)
    assert_one_paragraph(
        result,
        "The disk that holds the database is full",
        "database or disk is full",
        "Nothing was changed by the step that failed",
        "Free some space on that disk",
    )
    if small_disk is not None:
        (folder / "filler").unlink()
    assert _sqlite(database, "PRAGMA integrity_check") == [("ok",)]
    assert _sqlite(database, "SELECT COUNT(*) FROM observations") == [(0,)]


def test_postgresql_down_is_a_sentence(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/measures"
    for arguments in (["init"], ["history", "3.1"], ["user", "list"], ["backup", "--out", str(tmp_path / "b.gz")]):
        result = run_cli(url, *arguments)
        assert_one_paragraph(
            result,
            "The database server cannot be reached.",
            "Connection refused",
            "Check that the database server is running and that MEASURES_DB_URL names it",
        )


def test_a_read_only_file_is_a_sentence(demo_database, tmp_path):
    database = tmp_path / "read-only.db"
    shutil.copy(demo_database, database)
    workbook = template_workbook(tmp_path / "return.xlsx", [template_row("2.3", "2023-02", value=9)])
    if subprocess.run(["chattr", "+i", str(database)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a file immutable")
    try:
        result = run_cli(f"sqlite:///{database}", "import", str(workbook), "--user", "x")
    finally:
        subprocess.run(["chattr", "-i", str(database)], capture_output=True)
    assert_one_paragraph(
        result,
        "The database can be read but not written to.",
        "attempt to write a readonly",
        "Make the database writable again",
    )


def _inits_at_once(url: str, count: int = 3) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "MEASURES_DB_URL": url, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "measures", "init"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def test_two_inits_at_once_both_succeed_on_sqlite(tmp_path):
    """Before the lock, about one round in two lost an `init` to "database is locked": several rounds."""
    for round_number in range(4):
        database = tmp_path / f"new{round_number}.db"
        for result in _inits_at_once(f"sqlite:///{database}"):
            assert result.returncode == 0, f"round {round_number + 1}: {result.stderr[-3000:]}"
            assert "Database ready" in result.stdout
        assert _sqlite(database, "SELECT version_num FROM alembic_version") == [(known_revisions()[-1],)]


def test_two_inits_at_once_both_succeed_on_postgresql(postgres_url):
    _empty_postgres(postgres_url).dispose()
    for result in _inits_at_once(postgres_url):
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Database ready" in result.stdout


@pytest.mark.parametrize(
    "arguments",
    [
        ["export", "--out", "{out}/figures.csv"],
        ["export", "--format", "xlsx", "--out", "{out}/figures.xlsx"],
        ["template", "--out", "{out}/return.xlsx"],
        ["backup", "--out", "{out}/backup.gz"],
    ],
)
def test_an_output_file_on_a_full_disk_is_a_sentence_and_no_truncated_file(demo_database, small_disk, arguments):
    if small_disk is None:
        pytest.skip("this machine does not let the tests mount a small file system")
    _fill(small_disk)
    result = run_cli(f"sqlite:///{demo_database}", *[a.format(out=small_disk) for a in arguments])
    assert_one_paragraph(
        result,
        "cannot write",
        "No space left on device",
        "Nothing was written under that name",
        "Free some space on that disk",
    )
    assert sorted(path.name for path in small_disk.iterdir()) == ["filler"]


def test_a_backup_of_a_read_only_file_is_made_and_says_so(demo_database, tmp_path):
    database = tmp_path / "read-only.db"
    shutil.copy(demo_database, database)
    out = tmp_path / "backup.gz"
    if subprocess.run(["chattr", "+i", str(database)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a file immutable")
    try:
        result = run_cli(f"sqlite:///{database}", "backup", "--out", str(out))
    finally:
        subprocess.run(["chattr", "-i", str(database)], capture_output=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Backed up ") and "Traceback" not in result.stderr
    assert "the backup is complete, but it could not be recorded in the audit log" in result.stderr
    restored = tmp_path / "restored.db"
    assert run_cli(f"sqlite:///{restored}", "restore", str(out)).returncode == 0
    assert _sqlite(restored, "SELECT COUNT(*) FROM observations") == _sqlite(
        database, "SELECT COUNT(*) FROM observations"
    )


def _children(pid: int) -> list[int]:
    try:
        return [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except OSError:
        return []


def test_an_import_killed_mid_reading_leaves_no_traceback_behind(demo_database, tmp_path):
    from measures.domain.council import load_council

    CASEWORK_TEAMS = load_council().teams

    database = tmp_path / "measures.db"
    shutil.copy(demo_database, database)
    months = [f"{year}-{month:02d}" for year in (2022, 2023, 2024, 2025) for month in range(1, 13)]
    workbook = template_workbook(
        tmp_path / "return.xlsx",
        [
            template_row(ref, month, value=index % 50, team=team or None)
            for index, (ref, month, team) in enumerate(
                (ref, month, team)
                for ref in ("2.3", "2.4", "5.1", "5.2")
                for month in months
                for team in ("", *CASEWORK_TEAMS)
            )
        ],
    )
    output = tmp_path / "output.txt"
    env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    with open(output, "wb") as sink:
        importer = subprocess.Popen(
            [sys.executable, "-m", "measures", "import", str(workbook)], cwd=ROOT, env=env, stdout=sink, stderr=sink
        )
    reading_server = reader = None
    while importer.poll() is None and reader is None:  # until the reading server has forked a reader
        reading_server = next(iter(_children(importer.pid)), None)
        reader = next(iter(_children(reading_server)), None) if reading_server else None
        time.sleep(0.005)
    importer.kill()  # kill -9, mid-reading
    importer.wait()
    assert reader is not None, "the import finished before it could be killed mid-reading"
    while Path(f"/proc/{reading_server}").exists() and "zombie" not in _state(reading_server):
        time.sleep(0.05)  # the reading server finds its asker gone when it answers, and leaves
    assert "Traceback" not in output.read_text(), output.read_text()
    assert _sqlite(database, "SELECT COUNT(*) FROM uploads") == _sqlite(demo_database, "SELECT COUNT(*) FROM uploads")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


@pytest.mark.parametrize(
    "arguments",
    [
        ["history", "3.1"],
        ["export"],
        ["assess"],
        ["user", "list"],
        ["audit"],
        ["template", "--out", "{tmp}/blank.xlsx"],
        ["import", "{tmp}/return.xlsx"],
        ["benchmarks", "import", "{tmp}/return.xlsx"],
    ],
)
def test_a_deleted_database_file_is_a_sentence_not_a_new_empty_database(tmp_path, arguments):
    """A deleted or moved file (or a mistyped MEASURES_DB_URL) was created anew and empty: `export` printed no
    figures with exit status 0, `import` called every measure unknown, `history` failed with a traceback."""
    template_workbook(tmp_path / "return.xlsx", [template_row("2.3", "2023-02", value=9)])
    database = tmp_path / "gone.db"
    result = run_cli(f"sqlite:///{database}", *[a.format(tmp=tmp_path) for a in arguments])
    assert_one_paragraph(
        result,
        f"There is no database file at {database}",
        "Nothing was changed",
        "Put the database file back, or set MEASURES_DB_URL to the right database",
    )
    assert not database.exists()


def test_a_database_never_set_up_is_a_sentence(tmp_path):
    database = tmp_path / "empty.db"
    _sqlite(database, "SELECT 1")  # an empty SQLite file: no tables
    result = run_cli(f"sqlite:///{database}", "export")
    assert_one_paragraph(result, "has not been set up", "run `python -m measures init` first")
