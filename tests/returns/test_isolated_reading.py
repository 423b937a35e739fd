"""Hostile files through the production path: the workbook is read in a separate process with memory and time
limits. Files beyond the limits are refused before any grid is built (the reading process's peak memory stays at
that of a tiny file), nothing is written, and a reading that runs out of memory or time is refused with a sentence
an officer understands, recorded in the audit log, never a traceback."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from measures.returns import import_return, isolation
from measures.returns.isolation import (
    MEMORY_VARIABLE,
    ParseLimits,
    _ResultUnpickler,
    parse_isolated,
)
from measures.returns.workbook import MAX_ROWS, MAX_SHEETS
from measures.storage import audit, reads
from tests.returns import builders
from tests.returns import hostile_files as hostile
from tests.returns.builders import TODAY, template_row, template_workbook

pytestmark = pytest.mark.isolated
ROOT = Path(__file__).resolve().parents[2]
# Memory a reading process may use beyond what it used for a two-row return, for a file refused before reading.
HEADROOM_KB = 30 * 1024


@pytest.fixture(scope="module")
def small_return(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("small") / "small.xlsx"
    return template_workbook(
        path, [template_row("3.1", "2023-02", numerator=250, denominator=310), template_row("2.3", "2023-02", value=9)]
    ).read_bytes()


@pytest.fixture(scope="module")
def baseline_kb(small_return, catalogue) -> int:
    """The peak resident memory of a reading process that reads a two-row return."""
    outcome = parse_isolated(small_return, "small.xlsx", catalogue, "2023-02")
    assert outcome.failure == "" and len(outcome.parsed.candidates) == 2
    return outcome.peak_memory_kb


HOSTILE = {
    # A cell at Excel's last cell: the reader would allocate 549 GB and abort.
    "far-cell-XFD1048576": (lambda path: hostile.far_cell_xlsx(path), ["row 1,048,576", "column XFD"]),
    # A cell at CV200000: the reader would take 800 MB.
    "far-cell-CV200000": (lambda path: hostile.far_cell_xlsx(path, (200_000, 100)), ["row 200,000"]),
    "5000-sheets": (lambda path: hostile.many_sheets_xlsx(path, 5000), [f"more than {MAX_SHEETS} sheets"]),
    "too-many-rows": (lambda path: hostile.many_rows_xlsx(path, MAX_ROWS, columns=2), [f"row {MAX_ROWS + 1:,}"]),
}


@pytest.mark.parametrize("case", HOSTILE, ids=HOSTILE.keys())
def test_a_file_beyond_the_limits_is_refused_before_any_grid_is_built(
    demo_engine, tmp_path, catalogue, baseline_kb, case
):
    build, phrases = HOSTILE[case]
    path = build(tmp_path / f"{case}.xlsx")
    outcome = parse_isolated(path.read_bytes(), path.name, catalogue, "2023-02")
    assert outcome.failure == "", "the reading process should have refused the file, not died"
    assert outcome.issues and {issue.code for issue in outcome.issues} == {"over-limits"}
    text = " ".join(issue.message for issue in outcome.issues)
    assert all(phrase in text for phrase in phrases) and "at most" in text
    assert outcome.peak_memory_kb < baseline_kb + HEADROOM_KB, (outcome.peak_memory_kb, baseline_kb)

    database = builders.database_file(demo_engine)
    demo_engine.dispose()
    before = builders.sha256_file(database)
    report = import_return(demo_engine, path, user="officer.a", today=TODAY)
    demo_engine.dispose()
    assert report.status == "refused" and {issue.code for issue in report.errors} == {"over-limits"}
    assert builders.sha256_file(database) == before, "a refused file changed the database"


@pytest.fixture(scope="module")
def large_file(tmp_path_factory) -> bytes:
    """A sheet within every limit whose reading still needs tens of MB: 40,000 rows of 9 cells."""
    path = tmp_path_factory.mktemp("large") / "large.xlsx"
    return hostile.many_rows_xlsx(path, 40_000, columns=9).read_bytes()


def test_a_reading_over_the_memory_limit_is_refused_and_audited(engine, large_file, monkeypatch):
    monkeypatch.setenv(MEMORY_VARIABLE, "64")  # below what the reading process already holds once started
    report = import_return(engine, large_file, filename="february.xlsx", user="officer.a", today=TODAY)
    assert report.status == "refused" and [issue.code for issue in report.errors] == ["unsafe-file"]
    message = report.errors[0].message
    assert message.startswith("february.xlsx could not be read safely") and "Traceback" not in message
    assert "needed more memory than a monthly return ever does" in message
    assert "copy the return's figures into a new workbook" in message
    assert reads.uploads_frame(engine).empty and reads.service_series(engine).empty
    event = audit.audit_frame(engine, action="return.unsafe").iloc[0]
    assert (event.actor, event.subject, event.detail["failure"]) == ("officer.a", "february.xlsx", "memory")


def test_a_reading_over_the_time_limit_is_stopped(large_file, catalogue):
    # Reading 40,000 rows takes about a second; a twentieth of that is not enough.
    outcome = parse_isolated(large_file, "slow.xlsx", catalogue, "2023-02", ParseLimits(timeout_seconds=0.05))
    assert outcome.failure == "time" and "took longer than a monthly return ever does" in outcome.issues[0].message
    assert [issue.code for issue in outcome.issues] == ["unsafe-file"] and outcome.parsed.candidates == []


def test_the_command_line_prints_its_json_and_exits_1_when_the_reading_is_stopped(tmp_path, demo_database, large_file):
    database = tmp_path / "measures.db"
    database.write_bytes(demo_database.read_bytes())
    path = tmp_path / "february.xlsx"
    path.write_bytes(large_file)
    env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{database}", MEMORY_VARIABLE: "64"}
    finished = subprocess.run(
        [sys.executable, "-m", "measures", "import", str(path), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 1, finished.stderr
    report = json.loads(finished.stdout)
    assert report["status"] == "refused" and [issue["code"] for issue in report["issues"]] == ["unsafe-file"]
    assert "Traceback" not in finished.stdout + finished.stderr


def test_a_result_that_would_run_code_is_not_unpickled():
    hostile_answer = pickle.dumps(os.system)
    with pytest.raises(pickle.UnpicklingError, match="not part of a parsed return"):
        _ResultUnpickler(__import__("io").BytesIO(hostile_answer)).load()


def test_a_file_sent_while_the_reading_server_is_busy_is_read_by_a_fresh_process(small_return, catalogue):
    with isolation._server_lock:  # as while another thread's file is being read
        outcome = parse_isolated(small_return, "small.xlsx", catalogue, "2023-02")
    assert outcome.failure == "" and len(outcome.parsed.candidates) == 2


def test_a_reading_server_that_died_is_replaced(small_return, catalogue):
    parse_isolated(small_return, "small.xlsx", catalogue, "2023-02")
    isolation._server.process.kill()
    isolation._server.process.wait()
    outcome = parse_isolated(small_return, "small.xlsx", catalogue, "2023-02")
    assert outcome.failure == "" and len(outcome.parsed.candidates) == 2


def test_a_file_refused_by_its_size_or_zip_directory_is_never_sent_to_a_reader(
    zip_bomb_file, oversized_file, catalogue
):
    for path, code in ((zip_bomb_file, "inflates-too-far"), (oversized_file, "file-too-large")):
        outcome = parse_isolated(path.read_bytes(), path.name, catalogue, "2023-02")
        assert [issue.code for issue in outcome.issues] == [code]
        assert (outcome.failure, outcome.peak_memory_kb, outcome.seconds) == ("", 0, 0.0)  # no reader ran


def test_a_fresh_process_is_stopped_at_the_time_limit_too(large_file, catalogue):
    with isolation._server_lock:
        outcome = parse_isolated(large_file, "slow.xlsx", catalogue, "2023-02", ParseLimits(timeout_seconds=0.05))
    assert outcome.failure == "time" and [issue.code for issue in outcome.issues] == ["unsafe-file"]


def test_an_answer_larger_than_any_parse_is_refused_unread(small_return, catalogue, monkeypatch):
    monkeypatch.setattr(isolation, "_MAX_ANSWER_BYTES", 100)  # a two-row parse is a few KB
    with isolation._server_lock:
        outcome = parse_isolated(small_return, "small.xlsx", catalogue, "2023-02")
    assert outcome.failure == "bad answer" and [issue.code for issue in outcome.issues] == ["unsafe-file"]
