"""Faults an import must survive, on SQLite, through the command line as a real process runs it.

1. `python -m measures import` killed with SIGKILL while it writes leaves the database exactly as it was
   (same rows in every table, integrity_check ok), and the same import run again succeeds.
2. Two imports of different files started at the same moment on the same database both succeed and
   nothing is lost.

No test hook in the product: the kill is timed by polling SQLite's rollback journal (`<db>-journal`), which
exists only while a write transaction is changing pages and grows as it changes more of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from measures.domain.periods import period_range
from tests.returns.builders import template_row, template_workbook

ROOT = Path(__file__).resolve().parent.parent
POLL_LIMIT = 30.0  # seconds to wait for the journal before giving up on one attempt
ATTEMPTS = 3
KILL_AT_JOURNAL_BYTES = 64 * 1024  # ~16 original pages saved: well into the write (a full import journals ~160 KB)


def big_return(path: Path, catalogue, teams: list[str], months: int = 36) -> int:
    """A template return with every measure of the catalogue for `months` months x `teams`; returns its rows."""
    periods = period_range("2021-04", "2030-12")[:months]  # from the programme's start, MEASURES_EARLIEST_PERIOD
    rows = []
    for measure in catalogue.measures:
        for period in periods:
            for index, team in enumerate(teams):
                if measure.counts:
                    rows.append(template_row(measure.ref, period, 10 + index, 40 + index, team=team))
                else:
                    rows.append(template_row(measure.ref, period, value=10 + index, team=team))
    template_workbook(path, rows)
    return len(rows)


def import_command(workbook: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "measures", "import", str(workbook), "--user", "x", *extra]


def environment(database: Path) -> dict[str, str]:
    return {**os.environ, "MEASURES_DB_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}


def canonical_digest(database: Path) -> str:
    """SHA-256 of the schema and the sorted rows of every table (not the file bytes: opening the file may
    legitimately roll back a hot journal, which rewrites pages without changing the content)."""
    digest = hashlib.sha256()
    with sqlite3.connect(database) as connection:
        tables = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        for name, sql in tables:
            digest.update(f"{name}\n{sql}\n".encode())
            rows = connection.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608 - names from sqlite_master
            for row in sorted(rows, key=repr):
                digest.update(repr(row).encode())
                digest.update(b"\n")
    connection.close()
    return digest.hexdigest()


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchall()
    connection.close()
    return "; ".join(str(row[0]) for row in result)


def team_figures(database: Path, teams: list[str]) -> int:
    query = f"SELECT COUNT(*) FROM observations WHERE team IN ({','.join('?' * len(teams))})"  # noqa: S608
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(query, teams).fetchone()
    connection.close()
    return count


def kill_while_writing(database: Path, workbook: Path) -> tuple[bool, str]:
    """Start the import, SIGKILL it once its rollback journal holds KILL_AT_JOURNAL_BYTES; True if the kill
    landed mid-write (killed, and the journal it left is still there)."""
    journal = Path(f"{database}-journal")
    process = subprocess.Popen(
        import_command(workbook), cwd=ROOT, env=environment(database), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + POLL_LIMIT
        while time.monotonic() < deadline and process.poll() is None:
            if journal.exists() and journal.stat().st_size >= KILL_AT_JOURNAL_BYTES:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.001)
        else:
            if process.poll() is None:
                process.kill()
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    size = journal.stat().st_size if journal.exists() else None
    landed = process.returncode == -signal.SIGKILL and bool(size)
    return landed, f"exit {process.returncode}, journal bytes {size}, stdout {out[-300:]!r} stderr {err[-300:]!r}"


def test_import_killed_mid_write_changes_nothing_and_can_be_repeated(demo_database, tmp_path, catalogue):
    database = tmp_path / "data.db"
    shutil.copy(demo_database, database)
    before = canonical_digest(database)
    teams = [f"Fault Team {number:02d}" for number in range(1, 13)]
    attempts = []
    for attempt in range(ATTEMPTS):
        workbook = tmp_path / f"big{attempt}.xlsx"
        rows = big_return(workbook, catalogue, teams, months=36 * (attempt + 1))
        landed, detail = kill_while_writing(database, workbook)
        attempts.append(f"attempt {attempt + 1} ({rows} rows): {detail}")
        if landed:
            break
        shutil.copy(demo_database, database)  # the import finished (or never wrote): start again, bigger
        Path(f"{database}-journal").unlink(missing_ok=True)
    else:
        raise AssertionError("the kill never landed while the import was writing:\n" + "\n".join(attempts))

    assert integrity(database) == "ok"  # opens the file: SQLite rolls the hot journal back here
    assert canonical_digest(database) == before, "the killed import left changes behind:\n" + attempts[-1]
    assert team_figures(database, teams) == 0

    again = subprocess.run(
        import_command(workbook, "--json"),
        cwd=ROOT,
        env=environment(database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    report = json.loads(again.stdout)
    assert report["status"] == "imported"
    assert report["counts"]["added"] == rows
    assert team_figures(database, teams) == rows
    assert integrity(database) == "ok"


def test_two_concurrent_imports_both_succeed_and_lose_nothing(demo_database, tmp_path, catalogue):
    database = tmp_path / "data.db"
    shutil.copy(demo_database, database)
    runs = []
    for label in ("A", "B"):
        teams = [f"Team {label}{number:02d}" for number in range(1, 7)]
        workbook = tmp_path / f"return_{label}.xlsx"
        runs.append((teams, big_return(workbook, catalogue, teams, months=24), workbook))
    processes = [
        subprocess.Popen(
            import_command(workbook, "--json"),
            cwd=ROOT,
            env=environment(database),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _, _, workbook in runs
    ]
    results = []
    for process in processes:
        try:
            results.append(process.communicate(timeout=300))
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err[-2000:]
        assert json.loads(out)["status"] == "imported"
    for teams, rows, _ in runs:
        assert team_figures(database, teams) == rows
    assert integrity(database) == "ok"
