"""`publish`, `unpublish` and `months` on the command line, and `assess --json`'s `published`, as a script would
run them: a subprocess, exit status 0 done, 1 refused, 2 wrong arguments; errors one paragraph on stderr."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest


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
            env={"MEASURES_DB_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
        )

    return run_command


def test_the_demo_months_are_all_published(run):
    result = run("months", "--json")
    assert result.returncode == 0, result.stderr
    months = json.loads(result.stdout)
    assert len(months) == 22
    assert {m["state"] for m in months} == {"published"}
    assert {m["by"] for m in months} == {"demo"}
    assert months[-1]["period"] == "2023-01"


def test_unpublish_needs_a_reason_then_months_and_assess_say_draft(run):
    usage = run("unpublish", "2023-01")
    assert usage.returncode == 2 and "--reason" in usage.stderr

    withdrawn = run("unpublish", "2023-01", "--reason", "3.1 is being checked")
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert "2023-01  draft (withdrawn)" in withdrawn.stdout and "3.1 is being checked" in withdrawn.stdout

    months = {m["period"]: m for m in json.loads(run("months", "--json").stdout)}
    assert months["2023-01"]["state"] == "withdrawn" and months["2023-01"]["reason"] == "3.1 is being checked"
    assert months["2022-12"]["state"] == "published"

    draft = json.loads(run("assess", "--period", "2023-01", "--json").stdout)
    published = json.loads(run("assess", "--period", "2022-12", "--json").stdout)
    assert {record["published"] for record in draft} == {False}
    assert {record["published"] for record in published} == {True}
    assert list(draft[0])[-1] == "published"

    again = run("publish", "2023-01", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["state"] == "published"


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (("publish", "2023-01"), 1, "January 2023 is already published"),
        (("publish", "2031-05"), 1, "May 2031 has no figures to publish"),
        (("unpublish", "2031-05", "--reason", "x"), 1, "May 2031 is not published"),
        (("unpublish", "2023-01", "--reason", " "), 1, "Say why January 2023 is being withdrawn"),
        (("publish", "2023-1"), 2, "is not a month in the form YYYY-MM"),
    ],
)
def test_refusals_are_one_paragraph_with_the_exit_status(run, args, status, words):
    result = run(*args)
    assert result.returncode == status
    assert words in result.stderr
    assert result.stderr.strip().count("\n") == 0 or status == 2
    assert "Traceback" not in result.stderr


def test_an_import_revising_a_published_month_needs_a_reason_kept_with_the_upload(run, tmp_path):
    from tests.returns.builders import template_row, template_workbook

    revision = template_workbook(tmp_path / "corrected.xlsx", [template_row("3.1", "2023-01", 240, 304)])
    refused = run("import", str(revision), "--json")
    assert refused.returncode == 1
    report = json.loads(refused.stdout)
    assert report["status"] == "refused"
    [issue] = [i for i in report["issues"] if i["code"] == "revision-needs-reason"]
    assert "revises figures of January 2023, a month that is already published" in issue["message"]

    checked = json.loads(run("import", str(revision), "--dry-run", "--json").stdout)
    assert checked["status"] == "checked"
    assert [i["code"] for i in checked["issues"] if i["severity"] == "warning"] == ["revises-published"]

    imported = run("import", str(revision), "--json", "--reason", "Four late assessments added")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["counts"]["revised"] == 1
    history = json.loads(run("history", "3.1", "--period", "2023-01", "--json").stdout)
    assert [h["current"] for h in history] == [False, True]


def test_an_import_into_a_draft_month_needs_no_reason(run, tmp_path):
    from tests.returns.builders import template_row, template_workbook

    assert run("unpublish", "2023-01", "--reason", "to be corrected").returncode == 0
    revision = template_workbook(tmp_path / "corrected.xlsx", [template_row("3.1", "2023-01", 240, 304)])
    imported = run("import", str(revision), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["status"] == "imported"


def test_an_import_adding_a_figure_to_a_published_month_needs_a_reason_too(run, tmp_path):
    """Readers see a figure added after publication as revised ("published as no figure, now ..."), so adding one
    needs the reason a correction needs."""
    from tests.returns.builders import template_row, template_workbook

    first = template_workbook(tmp_path / "first.xlsx", [template_row("3.1", "2023-02", 240, 304)])
    assert run("import", str(first), "--json").returncode == 0
    assert run("publish", "2023-02").returncode == 0
    late = template_workbook(tmp_path / "late.xlsx", [template_row("3.2", "2023-02", 12, 40)])
    refused = run("import", str(late), "--json")
    assert refused.returncode == 1, refused.stdout
    [issue] = [i for i in json.loads(refused.stdout)["issues"] if i["code"] == "revision-needs-reason"]
    assert "revises figures of February 2023, a month that is already published" in issue["message"]

    checked = json.loads(run("import", str(late), "--dry-run", "--json").stdout)
    assert checked["status"] == "checked"
    assert "revises-published" in [i["code"] for i in checked["issues"] if i["severity"] == "warning"]

    imported = run("import", str(late), "--json", "--reason", "3.2 came in late")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["counts"]["added"] == 1


def test_a_missing_reason_is_reported_with_the_returns_other_errors_at_once(run, tmp_path):
    """Every problem in one report: an officer told of a bad ref must not fix it, upload again and only then learn
    that the revision of a published month needs a reason."""
    from tests.returns.builders import template_row, template_workbook

    both = template_workbook(
        tmp_path / "both.xlsx", [template_row("3.1", "2023-01", 250, 310), template_row("9.9", "2023-01", 1, 2)]
    )
    refused = run("import", str(both), "--json")
    assert refused.returncode == 1, refused.stdout
    codes = [issue["code"] for issue in json.loads(refused.stdout)["issues"] if issue["severity"] == "error"]
    assert "revision-needs-reason" in codes
    assert len(codes) == 2, codes
