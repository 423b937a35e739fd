"""`python -m measures benchmarks import`, exercised as a script outside the project would: a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from openpyxl import Workbook

from tests.unit.test_national_import import HEREFORDSHIRE_2025, SHROPSHIRE_2025, lait_csv, row, sn_row, sn_workbook

REPORT_KEYS = ["file", "status", "layout", "edition", "items", "years", "counts", "issues", "unlisted_issues"]


@pytest.fixture
def run(demo_database, tmp_path):
    database = tmp_path / "cli.db"
    shutil.copy(demo_database, database)

    def run_command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "measures", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"MEASURES_DB_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin", "USER": "jo"},
        )

    return run_command


def test_import_json_then_again_unchanged(run, tmp_path):
    path = tmp_path / "lait_2026.csv"
    path.write_bytes(lait_csv([row("61", year="2026"), row("c", year="2026", code="970", name="England")]))
    checked = run("benchmarks", "import", str(path), "--dry-run", "--json")
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert list(report) == REPORT_KEYS
    assert (report["status"], report["layout"], report["years"]) == ("checked", "lait-long-form", ["2026"])
    assert report["counts"] == {"values": 2, "added": 2, "revised": 0, "unchanged": 0}
    imported = json.loads(run("benchmarks", "import", str(path), "--json").stdout)
    assert imported["status"] == "imported" and imported["counts"]["added"] == 2
    again = run("benchmarks", "import", str(path))
    assert again.returncode == 0
    assert "lait_2026.csv: Nothing to change" in again.stdout
    assert "Source: Department for Education, Local Authority Interactive Tool." in again.stdout


def test_a_refused_file_exits_1_naming_row_and_column(run, tmp_path):
    path = tmp_path / "lait.csv"
    path.write_bytes(lait_csv([row("61"), row("sixty", code="970", name="England")]))
    result = run("benchmarks", "import", str(path), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["status"] == "refused" and report["counts"]["added"] == 0
    (issue,) = report["issues"]
    assert issue == {
        "severity": "error",
        "code": "not-a-number",
        "sheet": "",
        "row": 3,
        "column": "Values",
        "message": "Row 3, column E (Values): 'sixty' is neither a number nor one of LAIT's markers "
        "(x, c, z, ., - or blank).",
    }
    text = run("benchmarks", "import", str(path))
    assert text.returncode == 1 and "Refused: nothing was written" in text.stdout and "Row 3, column E" in text.stdout


def test_a_neighbour_workbook_with_the_edition_given(run, tmp_path):
    path = sn_workbook(
        tmp_path / "groups.xlsx",
        [sn_row(884, "Herefordshire", HEREFORDSHIRE_2025), sn_row(893, "Shropshire", SHROPSHIRE_2025)],
    )
    refused = run("benchmarks", "import", str(path))
    assert refused.returncode == 1 and "Its name gives no month and year" in refused.stdout
    result = run("benchmarks", "import", str(path), "--edition", "June 2026", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["layout"], report["edition"], report["counts"]["added"]) == ("neighbour-groups", "June 2026", 2)


@pytest.mark.parametrize(
    "args",
    [
        ("benchmarks",),
        ("benchmarks", "import"),
        ("benchmarks", "import", "no-such-file.csv"),
        ("benchmarks", "fetch", "x"),
    ],
)
def test_wrong_arguments_exit_with_status_2(run, args):
    assert run(*args).returncode == 2


def test_a_workbook_that_is_not_a_neighbour_workbook_gets_a_sentence_not_a_traceback(run, tmp_path):
    workbook = Workbook()
    workbook.active.append(["Ref", "Measure"])
    workbook.save(tmp_path / "sn_may_2025.xlsx")
    result = run("benchmarks", "import", str(tmp_path / "sn_may_2025.xlsx"))
    assert result.returncode == 1 and "is not a statistical neighbour workbook" in result.stdout
    assert "Traceback" not in result.stderr
