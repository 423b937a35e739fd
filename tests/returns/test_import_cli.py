"""`python -m measures import FILE [--dry-run] [--json] [--user NAME]`, as a script outside the project calls it:
exit 0 imported/unchanged/checked, 1 refused, and one JSON object with the contract's keys."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.returns import builders
from tests.returns.builders import template_row

REPORT_KEYS = ["file", "status", "layout", "periods", "counts", "issues"]
ISSUE_KEYS = {"severity", "code", "sheet", "cell", "ref", "period", "message"}


def run_cli(database, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "measures", "import", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"MEASURES_DB_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
    )


def test_import_json_contract_for_a_dry_run_and_a_refusal(demo_engine, tmp_path):
    database = builders.database_file(demo_engine)
    demo_engine.dispose()
    before = builders.sha256_file(database)

    good = builders.template_workbook(tmp_path / "good.xlsx", [template_row("3.1", "2023-02", 236, 300)])
    checked = run_cli(database, str(good), "--dry-run", "--json", "--user", "officer.a")
    assert checked.returncode == 0, checked.stderr
    record = json.loads(checked.stdout)
    assert list(record) == REPORT_KEYS
    assert (record["file"], record["status"], record["layout"], record["periods"]) == (
        "good.xlsx",
        "checked",
        "template",
        ["2023-02"],
    )
    assert record["counts"] == {"values": 1, "added": 1, "revised": 0, "unchanged": 0}

    broken = builders.template_workbook(tmp_path / "broken.xlsx", [template_row("3.1", "2023-02", "forty", 304)])
    refused = run_cli(database, str(broken), "--json")
    assert refused.returncode == 1, refused.stderr
    record = json.loads(refused.stdout)
    assert record["status"] == "refused"
    assert all(set(issue) == ISSUE_KEYS for issue in record["issues"])
    assert {
        "severity": "error",
        "code": "not-a-number",
        "sheet": "Return",
        "cell": "E2",
        "ref": "3.1",
        "period": "2023-02",
    }.items() <= next(i for i in record["issues"] if i["code"] == "not-a-number").items()
    assert builders.sha256_file(database) == before


def test_import_json_reports_infinity_nan_and_huge_numbers_by_cell_without_a_traceback(demo_engine, tmp_path):
    database = builders.database_file(demo_engine)
    demo_engine.dispose()
    before = builders.sha256_file(database)
    path = builders.template_workbook(
        tmp_path / "numbers.xlsx",
        [
            template_row("2.3", "2023-02", value=11),
            template_row("8.3", "2023-02", value=12),
            template_row("4.1", "2023-02", value=30),
            template_row("2.1", "2023-02", value="NaN"),
        ],
    )
    builders.number_in_sheet(path, "G2", "INF")
    builders.number_in_sheet(path, "G3", "1e308")
    builders.number_in_sheet(path, "G4", "NaN")
    refused = run_cli(database, str(path), "--json")
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    record = json.loads(refused.stdout)
    assert record["status"] == "refused"
    errors = {(issue["code"], issue["cell"]) for issue in record["issues"] if issue["severity"] == "error"}
    assert errors == {("not-a-number", "G2"), ("not-a-number", "G3"), ("not-a-number", "G4"), ("not-a-number", "G5")}, (
        record["issues"]
    )
    assert builders.sha256_file(database) == before


def test_import_json_counts_the_actions_ratings_only_when_the_return_rates_actions(demo_engine, tmp_path):
    from measures.storage.plan import current_actions

    first, second = [action.number for action in current_actions(demo_engine) if not action.closed][:2]
    database = builders.database_file(demo_engine)
    demo_engine.dispose()
    path = builders.template_workbook(tmp_path / "rated.xlsx", [template_row("3.1", "2023-02", 236, 300)])
    builders.add_actions_sheet(
        path, [builders.action_row(first, "Green", "On track"), builders.action_row(second, "Amber", "Delayed")]
    )
    checked = run_cli(database, str(path), "--dry-run", "--json")
    assert checked.returncode == 0, checked.stderr
    record = json.loads(checked.stdout)
    assert list(record) == [*REPORT_KEYS, "ratings"]
    assert record["ratings"]["period"] == "2023-02" and record["ratings"]["ratings"] == 2
    assert record["ratings"]["added"] + record["ratings"]["revised"] + record["ratings"]["unchanged"] == 2

    plain = run_cli(
        database,
        str(builders.template_workbook(tmp_path / "plain.xlsx", [template_row("3.1", "2023-02", 236, 300)])),
        "--dry-run",
        "--json",
    )
    assert list(json.loads(plain.stdout)) == REPORT_KEYS
