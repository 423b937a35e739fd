"""Warnings name what looks wrong but let the file import: outliers, missing measures, new teams."""

from __future__ import annotations

from measures.returns import WARNING_CODES, import_return
from measures.storage import reads
from tests.returns import builders
from tests.returns.builders import TODAY, describe, issues_with, template_row

FEBRUARY = "2023-02"


def run(engine, path, reason: str = ""):
    return import_return(engine, path, user="officer.a", today=TODAY, reason=reason)


def test_a_figure_far_outside_its_history_is_an_outlier_warning(demo_engine, tmp_path):
    # 3.1 ran at roughly 60-78% from April 2021 to January 2023; 15/300 is 5%.
    # 1.1 repeats January's 44/109 exactly: the same figure as last month is never an outlier.
    path = builders.template_workbook(
        tmp_path / "outlier.xlsx",
        [
            template_row("3.1", FEBRUARY, 15, 300),
            template_row("1.1", FEBRUARY, 44, 109),
        ],
    )
    report = run(demo_engine, path)
    assert report.status == "imported", describe(report)
    outliers = issues_with(report, "outlier")
    assert any(i.ref == "3.1" and i.period == FEBRUARY and i.severity == "warning" for i in outliers), describe(report)
    assert not any(i.ref == "1.1" for i in outliers), describe(report)
    assert reads.service_series(demo_engine, ["3.1"], since=FEBRUARY)["value"].iloc[0] == 5.0


def test_a_measure_reported_last_month_but_missing_now_is_warned(demo_engine, tmp_path):
    # Several measures for February, but not 1.1 (44/109 in January 2023).
    path = builders.template_workbook(
        tmp_path / "partial.xlsx",
        [
            template_row("3.1", FEBRUARY, 236, 300),
            template_row("2.1", FEBRUARY, value=61),
            template_row("2.3", FEBRUARY, value=11),
            template_row("8.3", FEBRUARY, value=12),
        ],
    )
    report = run(demo_engine, path)
    assert report.status == "imported", describe(report)
    missing = issues_with(report, "missing-measure")
    assert missing and all(i.severity == "warning" for i in missing), describe(report)
    # One issue per missing ref, or one that sums them up and names them: either way 1.1 is named.
    assert any(i.ref == "1.1" or "1.1" in i.message for i in missing), describe(report)
    assert not any(i.ref == "3.1" for i in missing), describe(report)


def test_a_team_the_database_has_not_seen_is_warned(demo_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "teams.xlsx",
        [
            template_row("3.1", FEBRUARY, 236, 300),
            template_row("3.1", FEBRUARY, 60, 75, team="Assessment Team 1"),
            template_row("3.1", FEBRUARY, 20, 25, team="Assessment Team 9"),
        ],
    )
    report = run(demo_engine, path)
    assert report.status == "imported", describe(report)
    new_teams = issues_with(report, "new-team")
    assert new_teams and all(i.severity == "warning" for i in new_teams), describe(report)
    assert any("Assessment Team 9" in i.message for i in new_teams), describe(report)
    assert not any("Assessment Team 1" in i.message.replace("Assessment Team 9", "") for i in new_teams)
    assert set(reads.team_series(demo_engine, "3.1", FEBRUARY)["team"]) == {"Assessment Team 1", "Assessment Team 9"}


def test_every_warning_is_a_known_code_and_a_plain_sentence(demo_engine, tmp_path):
    layout = builders.published_committee_workbook(tmp_path / "published.xlsx")
    # It revises the published December and January, so it says why.
    report = run(demo_engine, layout.path, reason="The committee's table as published")
    assert not report.errors, describe(report)
    assert report.warnings
    for issue in report.warnings:
        assert issue.code in WARNING_CODES, issue
        assert issue.message.endswith(".") and len(issue.message) > 20, issue
