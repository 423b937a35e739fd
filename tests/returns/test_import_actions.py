"""The Actions sheet of a return: the improvement plan's BRAG ratings for the return's month, checked all at once
with cell-level sentences, and written in the same transaction as the figures (or not at all)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from measures.returns import import_return
from measures.storage import db, publications
from measures.storage.plan import PlanError, RatingRow, add_action, close_action, plan_ratings
from measures.storage.recording import UploadInfo, ValueRow, record_values
from tests.returns import builders
from tests.returns.builders import TODAY, action_row, describe, issues_with, template_row

FEBRUARY = "2023-02"
REASON = "As published in the improvement plan"


def _add(engine, number: str, text: str = "", lead: str = "Head of Service", deadline: str = "2023-03"):
    return add_action(
        engine,
        number=number,
        area=int(number.split(".")[0]),
        text=text or f"Action {number} wording",
        lead=lead,
        deadline=deadline,
        deadline_text="",
        measures=(),
        actor="ann",
        reason=REASON,
    )


@pytest.fixture
def planned(engine):
    """A database whose plan has actions 2.4, 3.1, 3.2 and 3.10 open and 1.5 closed."""
    for number in ("1.5", "2.4", "3.1", "3.2", "3.10"):
        _add(engine, number)
    close_action(engine, "1.5", actor="ann", reason="Completed and signed off by the board")
    return engine


def _return(tmp_path, rating_rows, figures=None, filename="return.xlsx", **sheet):
    path = builders.template_workbook(
        tmp_path / filename, figures if figures is not None else [template_row("3.1", FEBRUARY, 236, 304)]
    )
    return builders.add_actions_sheet(path, rating_rows, **sheet)


def _count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


GOOD_ROWS = [
    action_row("2.4", "Green", "Recruitment campaign launched"),
    action_row("3.1", "Red", "Two posts still vacant\nAgency cover sought"),
    action_row("3.2", "blue"),
    action_row("3.10", None, None),  # not rated this month: left alone
]


def test_a_good_sheet_is_checked_then_written_with_the_figures_under_one_upload(planned, tmp_path):
    path = _return(tmp_path, GOOD_ROWS)
    checked = import_return(planned, path, user="olive", dry_run=True, today=TODAY)
    assert checked.status == "checked", describe(checked)
    assert checked.ratings_month == FEBRUARY
    assert checked.rating_counts == {"ratings": 3, "added": 3, "revised": 0, "unchanged": 0}
    assert plan_ratings(planned) == {}  # a check writes nothing

    report = import_return(planned, path, user="olive", today=TODAY)
    assert report.status == "imported", describe(report)
    assert report.rating_counts == {"ratings": 3, "added": 3, "revised": 0, "unchanged": 0}
    assert report.as_dict()["ratings"] == {"period": FEBRUARY, "ratings": 3, "added": 3, "revised": 0, "unchanged": 0}
    ratings = plan_ratings(planned)
    assert {number: months[FEBRUARY].brag for number, months in ratings.items()} == {
        "2.4": "green",
        "3.1": "red",
        "3.2": "blue",
    }
    red = ratings["3.1"][FEBRUARY]
    assert red.progress == "Two posts still vacant\nAgency cover sought"
    assert (red.actor, red.source, red.synthetic) == ("olive", "return", False)
    with planned.connect() as connection:
        upload_ids = set(connection.execute(select(db.action_ratings.c.upload_id)).scalars()) | set(
            connection.execute(select(db.observations.c.upload_id)).scalars()
        )
    assert upload_ids == {report.upload_id}
    with planned.connect() as connection:
        events = connection.execute(
            select(db.audit_events.c.action, db.audit_events.c.actor, db.audit_events.c.detail).where(
                db.audit_events.c.action.in_(["return.imported", "plan.ratings_recorded"])
            )
        ).all()
    assert {(event.action, event.actor) for event in events} == {
        ("return.imported", "olive"),
        ("plan.ratings_recorded", "olive"),
    }
    assert _count(planned, db.observations) == 1  # the figure landed too


def test_importing_again_changes_nothing_and_a_changed_rating_is_a_revision(planned, tmp_path):
    assert import_return(planned, _return(tmp_path, GOOD_ROWS), user="olive", today=TODAY).status == "imported"
    again = import_return(planned, _return(tmp_path, GOOD_ROWS, filename="again.xlsx"), user="olive", today=TODAY)
    assert again.status == "unchanged", describe(again)
    assert again.rating_counts["unchanged"] == 3

    changed_rows = [action_row("2.4", "Amber", "Campaign delayed by the election"), *GOOD_ROWS[1:]]
    changed = import_return(
        planned, _return(tmp_path, changed_rows, filename="changed.xlsx"), user="olive", today=TODAY
    )
    assert changed.status == "imported", describe(changed)
    assert changed.counts["added"] == 0 and changed.counts["revised"] == 0  # the figure is the same
    assert changed.rating_counts == {"ratings": 3, "added": 0, "revised": 1, "unchanged": 2}
    assert plan_ratings(planned)["2.4"][FEBRUARY].brag == "amber"
    assert _count(planned, db.action_ratings) == 4  # the Green rating is kept in the history


def test_every_problem_is_reported_at_once_naming_sheet_cell_action_and_month_and_nothing_is_written(planned, tmp_path):
    rows = [
        action_row("9.9", "Green", "An action nobody planned"),  # row 2: unknown action
        action_row("2.4", "Purple", "Not a colour of the key"),  # row 3: not in the key
        action_row("3.1", "Red", None),  # row 4: Red without progress
        action_row("3.2", "Amber", "   "),  # row 5: Amber with blank progress
        action_row("3.10", "Green", "First"),  # row 6
        action_row("3.10", "Green", "Second"),  # row 7: the same action twice
        action_row("1.5", "Blue", "Done"),  # row 8: a closed action
        action_row("Review the strategy", "Green", "No number"),  # row 9: no action number
        action_row("2.4", None, "Progress without a rating"),  # row 10: also the same action twice
    ]
    report = import_return(planned, _return(tmp_path, rows), user="olive", today=TODAY)
    assert report.status == "refused", describe(report)
    found = {(issue.code, issue.cell) for issue in report.errors}
    assert {
        ("unknown-action", "A2"),
        ("not-a-brag", "E3"),
        ("progress-needed", "F4"),
        ("progress-needed", "F5"),
        ("duplicate-action", "A7"),
        ("closed-action", "E8"),
        ("no-action-number", "A9"),
        ("duplicate-action", "A10"),
        ("not-a-brag", "E10"),
    } <= found, describe(report)
    assert not any(issue.cell == "A6" for issue in report.errors), describe(report)
    unknown = issues_with(report, "unknown-action")[0]
    assert unknown.message.startswith("Sheet ‘Actions’, cell A2 (action 9.9, February 2023): ")
    assert "no action 9.9" in unknown.message
    assert unknown.sheet == "Actions" and unknown.period == FEBRUARY
    assert "“Purple” is not a rating in the plan's BRAG key" in issues_with(report, "not-a-brag")[0].message
    assert "rows 5" not in issues_with(report, "duplicate-action")[0].message
    assert "rated twice, in rows 6 and 7" in issues_with(report, "duplicate-action")[0].message
    assert "Red but no progress" in issues_with(report, "progress-needed")[0].message
    assert "closed" in issues_with(report, "closed-action")[0].message
    assert (
        "“Review the strategy” does not start with an action number"
        in issues_with(report, "no-action-number")[0].message
    )
    assert plan_ratings(planned) == {}
    assert _count(planned, db.observations) == 0  # the figures wait for the ratings: one file, one decision


def test_a_return_without_the_sheet_imports_as_before(planned, tmp_path):
    path = builders.template_workbook(tmp_path / "plain.xlsx", [template_row("3.1", FEBRUARY, 236, 304)])
    report = import_return(planned, path, user="olive", today=TODAY)
    assert report.status == "imported", describe(report)
    assert report.rating_counts == {} and "ratings" not in report.as_dict()
    assert plan_ratings(planned) == {}


def test_ratings_alone_are_for_the_month_the_template_names(planned, tmp_path):
    """A template filled in with ratings only: its rows name the month, and no figure is needed."""
    figures = [template_row("3.1", FEBRUARY), template_row("3.2", FEBRUARY)]
    report = import_return(planned, _return(tmp_path, GOOD_ROWS, figures=figures), user="olive", today=TODAY)
    assert report.status == "imported", describe(report)
    assert report.ratings_month == FEBRUARY and report.counts["values"] == 0
    assert plan_ratings(planned)["2.4"][FEBRUARY].brag == "green"


def test_ratings_need_a_month(planned, tmp_path):
    figures = [template_row("3.1", None)]
    report = import_return(planned, _return(tmp_path, GOOD_ROWS, figures=figures), user="olive", today=TODAY)
    assert report.status == "refused"
    assert issues_with(report, "no-return-month"), describe(report)


def test_the_plans_own_table_reads_too_with_a_row_split_by_a_page_break(planned, tmp_path):
    rows = [
        (
            "2.4 Review the Fostering Service capacity and capability",
            "Head of Service",
            "March 2023",
            "Recruitment underway but proving challenging",
            "Amber",
        ),
        ("Key", "Activity Not yet due to start", "Activity Started and on track", None, "Activity completed"),
        (None, None, None, "Foster Care whole service event scheduled", None),
        ("3.1 Deliver the training", "Principal Social Worker", "March 2023", "All teams trained", "B"),
        ("Measures that Matter", None, None, None, None),
    ]
    path = _return(
        tmp_path, rows, header=builders.PLAN_TABLE_HEADER, filename="plan-table.xlsx", name="Improvement plan"
    )
    report = import_return(planned, path, user="olive", today=TODAY)
    assert report.status == "imported", describe(report)
    ratings = plan_ratings(planned)
    assert ratings["2.4"][FEBRUARY].brag == "amber"
    assert ratings["3.1"][FEBRUARY].brag == "blue"


def test_the_sheet_reads_beside_the_committee_table(planned, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee.xlsx",
        ("2023-01", "2023-02"),
        [builders.area("3", "Timeliness"), builders.measure("3.1", "Assessments", cells=["198/291", "236/304"])],
    )
    builders.add_actions_sheet(layout.path, [action_row("3.2", "Green", "On track")])
    report = import_return(planned, layout.path, user="olive", today=TODAY)
    assert report.status == "imported", describe(report)
    assert report.layout == "committee"
    assert plan_ratings(planned)["3.2"][FEBRUARY].brag == "green"


def test_a_rating_added_to_a_published_month_needs_a_reason(planned, tmp_path):
    record_values(planned, [ValueRow("3.1", FEBRUARY, value=None, numerator=1, denominator=2)], UploadInfo("demo"))
    publications.publish(planned, FEBRUARY, "ann")
    path = _return(tmp_path, [action_row("2.4", "Green", "On track")], figures=[template_row("3.1", FEBRUARY)])
    refused = import_return(planned, path, user="olive", today=TODAY)
    assert refused.status == "refused"
    (needs_reason,) = issues_with(refused, "revision-needs-reason")
    assert "revises the actions' BRAG ratings of February 2023, a month that is already published" in (
        needs_reason.message
    )
    accepted = import_return(planned, path, user="olive", today=TODAY, reason="Rating agreed at the board late")
    assert accepted.status == "imported", describe(accepted)


def test_figures_and_ratings_are_one_transaction(planned):
    """A rating the plan refuses at the moment of writing (the action closed after the check) takes the
    figures with it: nothing is written."""
    with pytest.raises(PlanError):
        record_values(
            planned,
            [ValueRow("3.1", FEBRUARY, numerator=236, denominator=304, value=236 / 304 * 100)],
            UploadInfo("import", filename="return.xlsx", user_name="olive"),
            rating_rows=[RatingRow("1.5", FEBRUARY, "green", "Reopened by mistake")],
        )
    assert _count(planned, db.observations) == 0
    assert _count(planned, db.uploads) == 0
    assert _count(planned, db.action_ratings) == 0


# ---------------------------------------------------------------------------------------------
# Hostile sheets: a report, never a traceback


def test_formulas_without_a_saved_result_are_named_by_cell(planned, tmp_path):
    rows = [
        action_row("2.4", '=IF(1,"Green","Red")', "On track"),
        action_row("3.1", "Green", '=HYPERLINK("http://example.invalid","click")'),
    ]
    report = import_return(planned, _return(tmp_path, rows), user="olive", today=TODAY)
    assert report.status == "refused", describe(report)
    formulas = {(issue.sheet, issue.cell) for issue in issues_with(report, "formula-without-value")}
    assert {("Actions", "E2"), ("Actions", "F3")} <= formulas, describe(report)
    assert plan_ratings(planned) == {}


def test_huge_text_is_refused_with_a_short_sentence(planned, tmp_path):
    huge = "word " * 6_500  # 32,500 characters, about the most a cell holds; 32,499 once its last space is trimmed
    rows = [action_row("2.4", "Amber", huge), action_row(huge, "Green", "x"), action_row("3.1", huge, "x")]
    report = import_return(planned, _return(tmp_path, rows), user="olive", today=TODAY)
    assert report.status == "refused", describe(report)
    assert [issue.cell for issue in issues_with(report, "progress-too-long")] == ["F2"]
    assert "32,499 characters" in issues_with(report, "progress-too-long")[0].message
    assert [issue.cell for issue in issues_with(report, "no-action-number")] == ["A3"]
    assert [issue.cell for issue in issues_with(report, "not-a-brag")] == ["E4"]
    assert all(len(issue.message) < 400 for issue in report.issues), describe(report)


@pytest.mark.isolated
def test_ten_thousand_rows_are_read_in_the_limited_reader_and_reported_row_by_row(planned, tmp_path):
    rows = [action_row("2.4" if index % 2 else "9.9", "Green", f"Row {index}") for index in range(10_000)]
    report = import_return(planned, _return(tmp_path, rows), user="olive", today=TODAY)
    assert report.status == "refused", describe(report)[:2000]
    assert len(issues_with(report, "unknown-action")) == 5_000
    assert len(issues_with(report, "duplicate-action")) == 4_999
    assert issues_with(report, "unknown-action")[-1].cell == "A10000"
    assert plan_ratings(planned) == {}
    assert _count(planned, db.observations) == 0


def test_an_action_number_typed_as_a_number_is_read_unless_it_may_have_lost_its_last_0(planned, tmp_path):
    report = import_return(
        planned, _return(tmp_path, [action_row(2.4, "Green", "On track")]), user="olive", today=TODAY
    )
    assert report.status == "imported", describe(report)
    assert plan_ratings(planned)["2.4"][FEBRUARY].brag == "green"

    # 3.10 typed as a number is stored as 3.1: the plan has both, so neither is guessed.
    ambiguous = import_return(
        planned, _return(tmp_path, [action_row(3.1, "Green", "x")], filename="b.xlsx"), user="olive", today=TODAY
    )
    assert ambiguous.status == "refused"
    assert [issue.cell for issue in issues_with(ambiguous, "ambiguous-action")] == ["A2"], describe(ambiguous)
    assert "could be action 3.1 or 3.10" in ambiguous.errors[0].message


def test_a_sheet_named_actions_without_its_headings_is_not_left_out_without_a_word(planned, tmp_path):
    path = _return(tmp_path, [("2.4", "Green", "On track")], header=("Number", "Rating", "Update"))
    report = import_return(planned, path, user="olive", today=TODAY)
    assert report.status == "imported", describe(report)  # the figures import; the officer is told why no rating did
    warning = [issue for issue in issues_with(report, "ignored-cell") if issue.sheet == "Actions"]
    assert warning and "no heading row with Action and BRAG" in warning[0].message, describe(report)
    assert plan_ratings(planned) == {}


def test_on_both_databases_ratings_land_with_the_figures_and_a_repeat_leaves_no_upload(any_engine, tmp_path):
    for number in ("2.4", "3.1", "3.2", "3.10"):
        _add(any_engine, number)
    assert import_return(any_engine, _return(tmp_path, GOOD_ROWS), user="olive", today=TODAY).status == "imported"
    uploads = _count(any_engine, db.uploads)
    again = import_return(any_engine, _return(tmp_path, GOOD_ROWS, filename="again.xlsx"), user="olive", today=TODAY)
    assert again.status == "unchanged" and again.upload_id is None, describe(again)
    assert _count(any_engine, db.uploads) == uploads  # the upload row of a return that changed nothing is rolled back
    assert _count(any_engine, db.action_ratings) == 3
    ratings_only = [action_row("3.10", "Amber", "Awaiting the panel")]
    rated = import_return(any_engine, _return(tmp_path, ratings_only, filename="rated.xlsx"), user="olive", today=TODAY)
    assert rated.status == "imported" and rated.counts["added"] == 0, describe(rated)
    assert rated.rating_counts == {"ratings": 1, "added": 1, "revised": 0, "unchanged": 0}
    assert _count(any_engine, db.uploads) == uploads + 1
